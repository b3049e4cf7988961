"""Print pip requirements pinning every declared dependency to its lowest allowed version.

    python scripts/min_requirements.py [EXTRA ...] > min.txt      (make test-min)

Reads pyproject.toml: the runtime dependencies and the named extras (default: report, web,
dask, pdf), each ``name>=X`` turned into ``name==X`` (PEP 440 pads ``==1.26`` to 1.26.0, the
oldest release the bound allows). A requirement without a ``>=`` lower bound is an error:
every declared dependency must say which version it was tested down to.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
DEFAULT_EXTRAS = ("report", "web", "dask", "pdf")
_LOWER = re.compile(r"^([A-Za-z0-9_.\-]+(?:\[[^\]]+\])?)\s*>=\s*([0-9][0-9A-Za-z.]*)$")


def lowest_pins(extras: tuple[str, ...]) -> list[str]:
    """``name==lowest`` for the runtime dependencies and ``extras``, in declared order."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    pins: dict[str, str] = {}
    for requirement in requirements:
        match = _LOWER.match(requirement.strip())
        if match is None:
            raise SystemExit(f"pyproject.toml: {requirement!r} has no single '>=' lower bound")
        pins.setdefault(match.group(1), f"{match.group(1)}=={match.group(2)}")
    return list(pins.values())


def main(argv: list[str]) -> int:
    print("\n".join(lowest_pins(tuple(argv) or DEFAULT_EXTRAS)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
