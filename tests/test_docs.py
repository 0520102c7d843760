"""Guard tests: every setting and every management command is documented."""

from __future__ import annotations

import re
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]


def test_every_environment_variable_in_settings_is_documented() -> None:
    settings = (ROOT / "workspace" / "settings.py").read_text()
    names = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', settings))
    assert names, "no settings found: the pattern no longer matches settings.py"
    documented = (ROOT / "docs" / "configuration.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in documented)
    assert not missing, f"undocumented settings: {missing}"


def test_every_management_command_is_documented() -> None:
    commands = sorted(
        path.stem
        for path in ROOT.glob("workspace/*/management/commands/*.py")
        if path.stem != "__init__"
    )
    assert commands
    documented = (ROOT / "docs" / "cli.md").read_text()
    missing = [name for name in commands if f"`{name}`" not in documented]
    assert not missing, f"undocumented management commands: {missing}"


def _command_paths(command: click.Command, prefix: str) -> list[str]:
    paths = [prefix]
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            paths += _command_paths(sub, f"{prefix} {name}")
    return paths


def test_every_command_line_command_is_documented_and_has_help() -> None:
    from click.testing import CliRunner

    from spiral.cli import main

    documented = "\n".join(path.read_text() for path in (ROOT / "docs").glob("*.md"))
    paths = _command_paths(main, "spiral")
    assert len(paths) > 10
    missing = [
        path for path in paths[1:] if f"`{path}" not in documented and f"{path} " not in documented
    ]
    assert not missing, f"undocumented commands: {missing}"
    for path in paths:
        outcome = CliRunner().invoke(main, [*path.split()[1:], "--help"])
        assert outcome.exit_code == 0, path


def test_every_page_of_the_docs_is_linked_from_the_readme_and_every_link_resolves() -> None:
    readme = (ROOT / "README.md").read_text()
    links = set(re.findall(r"\]\((docs/[^)#]+)\)", readme))
    broken = sorted(link for link in links if not (ROOT / link).exists())
    assert not broken, f"README links to missing pages: {broken}"
    pages = {f"docs/{path.name}" for path in (ROOT / "docs").glob("*.md")}
    unlinked = sorted(pages - links)
    assert not unlinked, f"docs pages the README does not link: {unlinked}"
