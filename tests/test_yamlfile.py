"""The one YAML reader: strict, safe and bounded (issue 14: hostile YAML)."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

from llmecon import yamlfile
from llmecon.errors import InputError, NotFoundError
from llmecon.yamlfile import parse_yaml, read_mapping


def test_yaml_12_numbers_and_words() -> None:
    doc = parse_yaml("a: 0200\nb: 3:20\nc: yes\nd: off\ne: 1e3\nf: 0o17\ng: 0x1F\nh: true\n"
                     "i: ~\nj: 2024-01-31\nk: '0200'\n", "t.yaml")
    # YAML 1.1 would give a=128 (octal), b=200 (base 60), c=True, d=False, e='1e3'
    assert doc == {"a": 200, "b": "3:20", "c": "yes", "d": "off", "e": 1000.0, "f": 15,
                   "g": 31, "h": True, "i": None, "j": date(2024, 1, 31), "k": "0200"}


@pytest.mark.parametrize(("text", "message"), [
    ("d: 2023-02-30\n", "t.yaml: line 1: '2023-02-30' is not a valid date"),
    ("a: 1\nb: 2\na: 3\n", "t.yaml: line 3: duplicate key 'a'"),
    ("company:\n  2024: x\n", "t.yaml: line 2: key 2024 is not text; quote it"),
    ("? [1, 2]\n: x\n", "t.yaml: line 1: key a collection is not text"),
    ("a: &a [*a]\n", "recursive alias"),
    ("a: !!python/object/apply:os.system ['true']\n", "could not determine a constructor"),
    ("a: [1, 2\n", "not valid YAML at line 2"),
    # attack33 L1: base64 bytes were read as text
    ("a: 1\nname: !!binary aGVsbG8=\n", "t.yaml: line 2: a !!binary value is not accepted"),
    ("id: !!binary //4A\n", "t.yaml: line 1: a !!binary value is not accepted"),
    # more than Python's 4,300 digits was an internal error (hostile-input audit)
    ("a: 1\nb: " + "9" * 5001 + "\n", "t.yaml: line 2: a whole number of 5,001 digits "
                                     "(999999999999...); expected at most 1000"),
])
def test_bad_yaml_is_a_named_input_error(text: str, message: str) -> None:
    with pytest.raises(InputError) as e:
        parse_yaml(text, "t.yaml")
    assert message in str(e.value)


def _alias_bomb(levels: int = 12) -> str:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    prev = "a"
    for i in range(1, levels):
        name = f"n{i}"
        text += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n"
        prev = name
    return text


def test_alias_bomb_is_refused_at_once() -> None:
    text = _alias_bomb()
    assert len(text) < 4000  # a few kilobytes that would expand to 9**12 (2.8e11) strings
    start = time.perf_counter()
    with pytest.raises(InputError, match="aliases expand the document"):
        parse_yaml(text, "bomb.yaml")
    assert time.perf_counter() - start < 1.0


def test_a_few_aliases_are_fine() -> None:
    doc = parse_yaml("base: &b {unit: million, currency: USD}\nx: *b\ny: *b\n", "t.yaml")
    assert doc["x"] == doc["y"] == {"unit": "million", "currency": "USD"}


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(InputError, match=r"t\.yaml"):
        parse_yaml("a: " + "[" * 20000 + "]" * 20000, "t.yaml")


def test_nesting_is_refused_whatever_libyaml_allows() -> None:
    """PyYAML 6.0 to 6.0.3 (libyaml 0.2.5) build any depth: a figure value 20,000 lists deep
    passed the parser and ended in "internal error: RecursionError". llmecon refuses more
    than 500 levels itself, in libyaml 0.2.6's words (it stops at 1,000)."""
    ok = parse_yaml("a: " + "[" * 499 + "]" * 499, "t.yaml")["a"]  # 500 levels, the mapping one
    for _ in range(498):
        (ok,) = ok
    assert ok == []
    with pytest.raises(InputError, match=r"^t\.yaml: not valid YAML at line 2: exceeded "
                                         r"maximum nesting depth$"):
        parse_yaml("b: 1\na: " + "[" * 500 + "]" * 500, "t.yaml")


def test_read_mapping_errors_name_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    with pytest.raises(NotFoundError, match=r"nope\.yaml: scenario file not found$"):
        read_mapping(tmp_path / "nope.yaml", "scenario")
    # a relative path says where it was looked for (a walkthrough: which folder?)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(NotFoundError) as e:
        read_mapping("sub/nope.yaml", "scenario")
    assert str(e.value) == f"sub/nope.yaml: scenario file not found (looked in {tmp_path}/sub)"
    with pytest.raises(InputError, match="not a file"):
        read_mapping(tmp_path, "scenario")
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8 text"):
        read_mapping(bad, "scenario")
    lst = tmp_path / "list.yaml"
    lst.write_text("- 1\n- 2\n")
    with pytest.raises(InputError, match="expected a mapping, found list"):
        read_mapping(lst, "scenario")
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 200 + "\n")
    monkeypatch.setattr(yamlfile, "MAX_YAML_BYTES", 100)
    with pytest.raises(InputError, match="at most 100"):
        read_mapping(big, "scenario")


def test_over_long_file_name_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises((InputError, NotFoundError)):
        read_mapping(tmp_path / ("x" * 5000 + ".yaml"), "scenario")


def test_every_bundled_yaml_file_reads_the_same_strictly() -> None:
    # no bundled file relies on YAML 1.1 quirks, duplicate keys or aliases
    import yaml

    data = Path(__file__).parents[1] / "src" / "llmecon" / "data"
    files = sorted(data.rglob("*.yaml"))
    assert len(files) >= 10
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert parse_yaml(text, str(f)) == yaml.safe_load(text), f


# attack33 M1: strings the YAML 1.2 core reader takes for numbers, booleans, nulls or dates
# (and those a YAML 1.1 reader would) were written unquoted by PyYAML's 1.1 SafeDumper
NOT_TEXT_WHEN_PLAIN = ["1e3", "1.5e3", "-2E-3", "0o17", "0x1F", "+1", "-0", ".5", "1.",
                       ".inf", "-.Inf", ".nan", "null", "Null", "~", "", "true", "False",
                       "yes", "No", "on", "OFF", "y", "1_000", "3:20", "2024-01-31",
                       "2024-1-5", "<<", "="]


@pytest.mark.parametrize("text", NOT_TEXT_WHEN_PLAIN)
def test_dump_quotes_what_would_read_as_not_text(text: str) -> None:
    doc = {"value": text, "list": [text], text or "empty": 1}
    assert parse_yaml(yamlfile.dump_yaml(doc), "t.yaml") == doc


def test_dump_writes_values_as_the_reader_resolves_them() -> None:
    doc = {"i": 12, "f": 1e20, "g": -0.5, "inf": float("inf"), "b": True, "n": None,
           "d": date(2024, 1, 31), "s": "FY2024"}
    text = yamlfile.dump_yaml(doc)
    assert "!!" not in text and "s: FY2024" in text  # plain where plain reads back the same
    assert parse_yaml(text, "t.yaml") == doc


def test_company_export_keeps_number_like_text(tmp_path: Path) -> None:
    from llmecon.statements.io import read_company_file, write_company_file

    csv = (Path(__file__).parent / "data" / "examplai.csv").read_text()
    csv = csv.replace("ExamplAI (fictional test company)", "1e3")
    csv = csv.replace("hand-written test fixture", "1.5e3").replace("FY2023", "2e3")
    csv = csv.replace(",high,,,,", ",high,0o17,,,")
    src = tmp_path / "rt.csv"
    src.write_text(csv)
    company = read_company_file(src)
    out = tmp_path / "rt.yaml"
    write_company_file(company, out)
    back = read_company_file(out)
    assert back.name == "1e3"
    assert {f.source for f in back.figures} == {"1.5e3"}
    assert "0o17" in {f.note for f in back.figures}
    assert "2e3" in {f.period.label for f in back.figures}
    assert back.figures == company.figures


def test_scenario_show_reads_back_number_like_text(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from llmecon.cli import main

    lab = tmp_path / "lab.yaml"
    lab.write_text('financing:\n- {month: 3, amount: 1000000, label: "1e3", committed: true, '
                   'kind: other, source: "0o17"}\n')
    assert main(["scenario", "show", "zhipu", "--scenario", str(lab)]) == 0
    shown = tmp_path / "shown.yaml"
    shown.write_text(capsys.readouterr().out)
    assert main(["scenario", "show", "zhipu", "--scenario", str(shown)]) == 0
    again = capsys.readouterr().out
    financing = parse_yaml(again, "again.yaml")["financing"]
    assert {"label": "1e3", "source": "0o17"}.items() <= financing[0].items()


@pytest.mark.parametrize("text", ["y", "Y", "n", "N"])
def test_dump_quotes_yaml_1_1_one_letter_booleans(text: str) -> None:
    # a review: YAML 1.1 reads y/Y/n/N as booleans, which PyYAML's resolver leaves out, so
    # they were written bare although the dumper promises to quote them
    assert yamlfile.dump_yaml({"a": text}) == f"a: '{text}'\n"
