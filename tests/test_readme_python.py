"""The README's "Using it from Python" block runs as written (api36: it was never run, and
the calls it now shows, such as ``peers(...).to_frame()``, did not exist)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).parents[1] / "README.md"


def test_the_readme_python_block_runs_and_prints_nothing() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Using it from Python", 1)[1]
    block = re.search(r"```python\n(.*?)```", section, re.S)
    assert block is not None
    code = block.group(1).replace("paths=50_000", "paths=500")  # the same calls, quicker
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})  # the project's own README
    assert out.getvalue() == ""  # library calls print nothing
