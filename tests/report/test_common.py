"""The presenters' shared helpers: missing numbers, JSON without bare NaN, script-safe
JSON, safe element ids, web-only links, the atomic write."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from llmecon.fileio import atomic_write
from llmecon.report.common import (
    element_id,
    finite_list,
    jsonable,
    script_json,
    source_parts,
)


def test_missing_numbers_become_none_never_zero() -> None:
    assert finite_list([1e6, math.nan, math.inf, None, -2e6], 1e-6) == [1.0, None, None, None,
                                                                         -2.0]


def test_json_never_holds_bare_nan() -> None:
    text = json.dumps(jsonable({"a": math.nan, "b": [math.inf, -math.inf, 1.5]}),
                      allow_nan=False)
    assert json.loads(text) == {"a": None, "b": ["inf", "-inf", 1.5]}


def test_unit_economics_json_writes_null_for_nan() -> None:
    from llmecon.report.unit_economics import ue_json
    from llmecon.unit_economics.company import UERow, UnitEconomicsTable

    t = UnitEconomicsTable("x", "USD", (UERow("api", "platform", "CAC", math.nan, "USD",
                                              "n/a", "not disclosed"),))
    assert json.loads(ue_json(t))["rows"][0]["value"] is None
    assert "NaN" not in ue_json(t)


@pytest.mark.parametrize("payload", ["</script><script>alert(1)</script>", "<!--", "]]>",
                                     "a & b", "\u2028", "'quoted'"])
def test_script_json_round_trips_without_markup(payload: str) -> None:
    text = script_json({"k": payload})
    assert not set("<>&'\u2028") & set(text)
    assert json.loads(text) == {"k": payload}


def test_element_ids_are_safe_and_distinct() -> None:
    ids = [element_id("fan", x) for x in ("a b", "a_b", "a\"b", "a'b", "1x")]
    assert len(set(ids)) == len(ids)
    for i in ids:
        assert all(ch.isalnum() or ch in "-_" for ch in i) and i[0].isalpha()


@pytest.mark.parametrize(("source", "links"), [
    ("https://a.example/x", ["https://a.example/x"]),
    ("HTTP://a.example", ["HTTP://a.example"]),
    ("javascript:alert(1)", [None]), ("JaVaScRiPt:alert(1)", [None]),
    ("data:text/html,x", [None]), ("//evil.example/x", [None]), ("https:///x", [None]),
    ("https://a.example/\" onclick=\"x", [None]), ("prospectus p. 12 | https://b.example",
                                                   [None, "https://b.example"]),
])
def test_only_http_sources_are_links(source: str, links: list[str | None]) -> None:
    assert [p.url for p in source_parts(source)] == links


def test_atomic_write_replaces_whole_files(tmp_path: Path) -> None:
    p = tmp_path / "sub" / "out.html"
    p.parent.mkdir()  # an existing folder (a missing one is refused: tests/test_fileio.py)
    atomic_write(p, "first")
    atomic_write(p, b"\x00second")
    assert p.read_bytes() == b"\x00second"
    assert [x.name for x in p.parent.iterdir()] == ["out.html"]  # no temporary left
