"""The documentation's command lines and links still work.

Every ``llmecon ...`` command line shown in README.md and docs/*.md (in fenced sh/bash blocks
and in inline code spans) parses with llmecon's own argument parser, as ``llmecon.cli.app.main``
parses it, without running it: an unknown command, flag or choice, a missing argument or a
value a flag's type refuses fails here, naming the page and the line. Placeholders (``ID``,
``FILE``, ``ADDR``...) are replaced by values of their kind. And every relative link of those
pages points to a file that exists, and to a heading of it when it names an anchor.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from llmecon.cli.app import attach_negative_percents, build_parser, deepest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

#: Placeholders of the docs and a value of their kind the parser accepts.
PLACEHOLDERS = {
    "ID": "1", "FILE": "x.yaml", "PATH": "runs.duckdb", "ADDR": "tcp://127.0.0.1:8786",
    "COMPANY": "zhipu", "COMPANY...": "zhipu", "SIGNAL": "gross_margin", "LABEL": "FY2025",
    "X": "100", "DATE": "2025-12-31", "GIB": "4", "N": "10", "A": "zhipu", "B": "minimax",
    "FILE.json": "companyfacts.json",
}
#: Commands shown with ``...`` for arguments given elsewhere on the page: what they stand for.
ELLIPSES = {
    "llmecon --debug compare ...": "llmecon --debug compare zhipu minimax",
    "llmecon --fx myrates.yaml COMMAND ...": "llmecon --fx myrates.yaml compare zhipu minimax",
    "llmecon inference sweep ... -f grid.parquet":
        "llmecon inference sweep --models Llama-3.1-8B --gpus-list H100 -f grid.parquet",
}
#: Commands named in prose, without their arguments ("the errors of `llmecon validate`"):
#: checked as names, by their ``--help``.
NAMES = {"llmecon export", "llmecon validate"}
#: Commands shown in order to be refused, and why (none today: add one with its reason).
EXPECTED_REFUSALS: dict[str, str] = {}
#: Refusals the pages state in a comment beside a command: (page, the text saying so, the
#: command it describes, a part of the parser's message). Each must be refused.
STATED_REFUSALS = [
    ("projections.md", '("30" is refused)',
     "llmecon answers minimax --target-margin 30 --line open_platform", "did you mean 30%?"),
]


@dataclass(frozen=True)
class Shown:
    page: str
    line: int
    text: str  # the command as the page shows it (continuations joined)


def _fenced_commands(page: Path) -> list[Shown]:
    out: list[Shown] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    in_shell = False
    i = 0
    while i < len(lines):
        stripped = lines[i].strip()
        if stripped.startswith("```"):
            in_shell = not in_shell and stripped[3:].strip() in ("sh", "bash", "shell", "console")
        elif in_shell:
            # a prompt such as "client$    llmecon simulate ..." (the Dask recipe)
            m = re.match(r"^(?:[\w-]*\$\s+)?(llmecon\s.*)$", stripped)
            if m:
                start, text = i + 1, m.group(1)
                while text.rstrip().endswith("\\") and i + 1 < len(lines):
                    i += 1
                    text = text.rstrip()[:-1] + " " + lines[i].strip()
                out.append(Shown(page.name, start, text))
        i += 1
    return out


def _inline_commands(page: Path) -> list[Shown]:
    text = page.read_text(encoding="utf-8")
    prose = re.sub(r"^```.*?^```", lambda m: "\n" * m.group(0).count("\n"), text,
                   flags=re.S | re.M)  # code blocks out, line numbers kept
    out = []
    for m in re.finditer(r"`(llmecon [^`]+)`", prose):
        if "\n\n" in m.group(1):
            continue
        line = prose.count("\n", 0, m.start()) + 1
        out.append(Shown(page.name, line, " ".join(m.group(1).split())))
    return out


def documented_commands() -> list[Shown]:
    return [c for page in PAGES for c in (*_fenced_commands(page), *_inline_commands(page))]


def argv_of(shown: str) -> list[str]:
    """The arguments a shown command stands for: its comment, a shell redirection and the
    brackets of optional parts dropped, placeholders given a value."""
    tokens = shlex.split(shown, comments=True)
    if " ".join(tokens) in ELLIPSES:
        tokens = shlex.split(ELLIPSES[" ".join(tokens)])
    if " ".join(tokens) in NAMES:
        tokens = [*tokens, "--help"]
    if ">" in tokens:
        tokens = tokens[:tokens.index(">")]
    argv = []
    for token in tokens[1:]:  # tokens[0] is "llmecon"
        bare = token.strip("[]")
        if bare:
            argv.append(PLACEHOLDERS.get(bare, bare))
    return argv


def parse_error(argv: list[str]) -> str | None:
    """Parse ``argv`` as ``llmecon.cli.app.main`` does, without running the command: None
    when it parses to a command, else what the parser said."""
    argv = attach_negative_percents(argv)
    parser = build_parser()
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            args, extras = parser.parse_known_args(argv)
            if extras:
                deepest(parser, args).error(f"unrecognized arguments: {' '.join(extras)}")
        except SystemExit as e:
            if e.code == 0 and "--help" in argv:  # printed the help, as the page says
                return None
            return err.getvalue().strip() or f"exit {e.code}"
    if getattr(args, "handler", None) is None:
        return "no command chosen"
    return None


COMMANDS = documented_commands()


def test_the_docs_show_the_commands_expected() -> None:
    """The extraction finds the commands (the README's quick start alone has 20; the pages
    over 80 in all), so the parse test below cannot pass on an empty list."""
    readme = [c for c in COMMANDS if c.page == "README.md"]
    assert len(readme) >= 20
    assert len(COMMANDS) >= 80
    assert any(c.text.startswith("llmecon simulate zhipu --paths 100000000 --backend dask")
               for c in COMMANDS)  # behind a "client$" prompt
    assert any(c.text.startswith("llmecon inference fleet --model DeepSeek-R1")
               and c.text.endswith("--price-list DeepSeek-R1") for c in COMMANDS)  # joined


@pytest.mark.parametrize("shown", COMMANDS, ids=lambda c: f"{c.page}:{c.line}")
def test_a_documented_command_parses(shown: Shown) -> None:
    error = parse_error(argv_of(shown.text))
    if " ".join(shlex.split(shown.text, comments=True)) in EXPECTED_REFUSALS:
        assert error is not None, f"{shown.page}:{shown.line} was documented as refused"
    else:
        assert error is None, f"{shown.page}:{shown.line}: {shown.text}\n{error}"


def test_the_parse_check_refuses_what_llmecon_refuses() -> None:
    """The check is the CLI's: an unknown flag, an unknown choice, a missing argument, a
    bare command group and no command at all are refused, so a stale command in the docs
    cannot pass."""
    assert parse_error(["compare", "zhipu", "--no-such-flag"]) is not None
    assert parse_error(["inference", "cost", "--engine", "nope"]) is not None
    assert parse_error(["runs", "show"]) is not None
    assert parse_error(["inference"]) is not None  # a command group without its command
    assert parse_error(["--debug"]) == "no command chosen"
    assert parse_error(["compare", "zhipu", "minimax", "--currency", "USD"]) is None


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = heading.strip().lower()
    text = "".join(ch for ch in text if ch in " -_" or unicodedata.category(ch)[0] in "LN")
    return text.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.S | re.M)
    seen: dict[str, int] = {}
    out = set()
    for m in re.finditer(r"^#{1,6}\s+(.*)$", text, re.M):
        slug = _slug(m.group(1))
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def _links(page: Path) -> list[tuple[int, str]]:
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"^```.*?^```", lambda m: "\n" * m.group(0).count("\n"), text,
                  flags=re.S | re.M)
    text = re.sub(r"`[^`\n]*`", "", text)  # code spans hold no links
    return [(text.count("\n", 0, m.start()) + 1, m.group(1))
            for m in re.finditer(r"!?\[[^\]]*\]\(([^)\s]+)\)", text)]


def test_every_relative_link_of_the_docs_resolves() -> None:
    broken = []
    checked = 0
    for page in PAGES:
        for line, target in _links(page):
            if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
                continue
            path, _, anchor = target.partition("#")
            dest = (page.parent / path).resolve() if path else page
            checked += 1
            if not dest.is_file():
                broken.append(f"{page.name}:{line}: {target} (no file {dest})")
            elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
                broken.append(f"{page.name}:{line}: {target} (no heading #{anchor})")
    assert checked >= 30  # the README's page index and each page's links back
    assert broken == []


def test_the_link_check_finds_a_broken_link(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text("# A title, here\n\n[ok](#a-title-here) [bad](#nope) `[x](#code)`\n",
                    encoding="utf-8")
    assert _anchors(page) == {"a-title-here"}
    assert [t for _, t in _links(page)] == ["#a-title-here", "#nope"]


@pytest.mark.parametrize(("page", "says", "command", "message"), STATED_REFUSALS)
def test_a_refusal_the_docs_state_is_a_refusal(page: str, says: str, command: str,
                                               message: str) -> None:
    assert says in (ROOT / "docs" / page).read_text(encoding="utf-8")
    error = parse_error(argv_of(command))
    assert error is not None and message in error, error
