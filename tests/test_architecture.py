"""The shape of the code: one direction of imports, small functions, small modules.

These are the checks of the "one house" refactor: no import cycle anywhere in ``src/``;
no compute module (formulas, config, statements, metrics, inference, unit_economics,
simulate) imports a presenter (report, web, cli); no function over 60 lines and no module
over 500 lines; day counts written once.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PKG = SRC / "llmecon"
COMPUTE = ("formulas", "constants", "config", "statements", "metrics", "inference",
           "unit_economics", "simulate", "units", "errors")
PRESENT = ("report", "web", "cli")
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 500


def _modules() -> dict[str, Path]:
    out = {}
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(SRC).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every llmecon module ``name`` imports (at any depth of the file, lazily or not)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                pkg = pkg[: len(pkg) - node.level + 1]
                base = ".".join([*pkg, base] if base else pkg)
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    return {name: _imports(name, path, known) for name, path in mods.items()}


def _package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_no_import_cycle_between_packages_or_modules() -> None:
    graph = _graph()
    # a package importing its own __init__ re-exports is not a cycle we care about
    edges = {m: {t for t in ts if not m.startswith(t + ".")} for m, ts in graph.items()}
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for t in sorted(edges.get(m, ())):
            if state.get(t) == 1:
                cycles.append([*stack[stack.index(t):], t])
            elif t not in state:
                visit(t)
        stack.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_compute_never_imports_presenters() -> None:
    bad = []
    for m, targets in _graph().items():
        if _package_of(m) in COMPUTE:
            bad += [f"{m} imports {t}" for t in targets if _package_of(t) in PRESENT]
    assert not bad, "\n".join(bad)


def test_no_function_over_60_lines() -> None:
    long = []
    for path in PKG.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = (node.end_lineno or node.lineno) - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name} ({n} lines)")
    assert not long, "functions over 60 lines:\n" + "\n".join(sorted(long))


def test_no_module_over_500_lines() -> None:
    big = [f"{p.relative_to(SRC)} ({n})" for p in PKG.rglob("*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert not big, "modules over 500 lines:\n" + "\n".join(sorted(big))


def test_day_count_written_once() -> None:
    # code35: the month's 30.4375 days stood again in importers/sec.py
    hits = [str(p.relative_to(SRC)) for p in PKG.rglob("*.py")
            for line in p.read_text(encoding="utf-8").splitlines()
            if "365.25" in line or "30.4375" in line or "30.44" in line]
    assert hits == ["llmecon/constants.py"], hits


def test_a_cycle_is_detected_by_the_walker(tmp_path: Path) -> None:
    """The walker itself finds a relative import (so the checks above can fail)."""
    pkg = tmp_path / "llmecon"
    pkg.mkdir()
    (pkg / "a.py").write_text("from llmecon import b\n")
    (pkg / "b.py").write_text("from .a import x\n")
    known = {"llmecon", "llmecon.a", "llmecon.b"}
    assert "llmecon.b" in _imports("llmecon.a", pkg / "a.py", known)
    assert "llmecon.a" in _imports("llmecon.b", pkg / "b.py", known)
