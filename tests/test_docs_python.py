"""The "Using it from Python" block of docs/python.md (moved there from the README) runs as
written (api36: it was never run, and the calls it now shows, such as
``peers(...).to_frame()``, did not exist)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

PAGE = Path(__file__).parents[1] / "docs" / "python.md"


def test_the_documented_python_block_runs_and_prints_nothing() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert text.startswith("# Using it from Python")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) == 1  # the page's one example; a second would go unrun
    code = blocks[0].replace("paths=50_000", "paths=500")  # the same calls, quicker
    assert "paths=500" in code
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "docs/python.md", "exec"), {})  # the project's own docs
    assert out.getvalue() == ""  # library calls print nothing
