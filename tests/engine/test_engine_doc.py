"""Guard test: every Python example in docs/engine.md runs as written, from the repository root."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGINE_DOC = ROOT / "docs" / "engine.md"
EXAMPLES = re.findall(r"```python\n(.*?)```", ENGINE_DOC.read_text(encoding="utf-8"), re.DOTALL)


def test_the_engine_page_has_an_example_per_area() -> None:
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("code", EXAMPLES, ids=[f"example-{i + 1}" for i in range(len(EXAMPLES))])
def test_every_engine_example_runs(
    code: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    exec(compile(code, str(ENGINE_DOC), "exec"), {"__name__": "__engine_doc__"})
    assert capsys.readouterr().out
