"""Guard tests: every setting and every management command is documented."""

from __future__ import annotations

import re
from pathlib import Path

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
