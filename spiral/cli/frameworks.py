"""``spiral frameworks``: Commissioning cycle frameworks: check and list them."""

from __future__ import annotations

from typing import TextIO

import click


@click.group(name="frameworks")
def group() -> None:
    """Commissioning cycle frameworks: check and list them."""


@group.command(name="list")
def list_frameworks() -> None:
    """List the frameworks that ship with Spiral (the default first)."""
    from spiral.frameworks import shipped_frameworks

    for framework in shipped_frameworks():
        stages = ", ".join(stage.name for stage in framework.stages)
        click.echo(f"{framework.key:<42} {framework.name}")
        click.echo(f"{'':<42} stages: {stages}")


@group.command(name="check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def check(files: tuple[str, ...]) -> None:
    """Check framework FILES; every problem is shown with its file, line and reason."""
    from spiral.frameworks import FrameworkError, load_framework_file

    failed = 0
    for path in files:
        try:
            framework = load_framework_file(path)
        except FrameworkError as error:
            failed += 1
            for problem in error.problems:
                click.echo(str(problem), err=True)
        else:
            click.echo(f"{path}: ok, {framework.key} with {len(framework.stages)} stage(s)")
    if failed:
        raise click.ClickException(f"{failed} of {len(files)} framework file(s) refused")


@group.command(name="show")
@click.argument("framework_id")
def show(framework_id: str) -> None:
    """Print a shipped framework as YAML (a starting point to adapt)."""
    from spiral.frameworks import framework_to_yaml, shipped_framework

    try:
        framework = shipped_framework(framework_id)
    except KeyError as error:
        raise click.UsageError(str(error.args[0])) from None
    click.echo(framework_to_yaml(framework), nl=False)


@group.command(name="adapt")
@click.argument("framework_id")
@click.option("--id", "new_id", required=True, help="Id of the copy, e.g. northmere-cycle.")
@click.option("--name", required=True, help="Name of the copy.")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-")
def adapt(framework_id: str, new_id: str, name: str, output: TextIO) -> None:
    """Copy a shipped framework under a new id and name, as YAML to edit."""
    from spiral.frameworks import derive_framework, framework_to_yaml, shipped_framework

    try:
        copy = derive_framework(shipped_framework(framework_id), new_id=new_id, name=name)
    except KeyError as error:
        raise click.UsageError(str(error.args[0])) from None
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    output.write(framework_to_yaml(copy))
