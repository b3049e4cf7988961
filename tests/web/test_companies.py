"""`llmecon serve --company PATH`: a company file of the operator's own, loaded and checked
at launch, offered beside the bundled companies by id (never a path from a request)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from llmecon.cli import main
from llmecon.errors import InputError, LlmeconError
from llmecon.web.app import create_app
from llmecon.web.companies import load_launch_companies

DATA = Path(__file__).parents[1] / "data"
LUMORA = DATA / "lumora.yaml"  # a hand-written fictional company (tests/data)


@pytest.fixture()
def client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(tmp_path / "runs.duckdb",
                                 companies=load_launch_companies([LUMORA])),
                      base_url="http://localhost")


def test_a_launch_file_is_listed_beside_the_bundled_companies(client: TestClient) -> None:
    rows = {r["id"]: r for r in client.get("/api/companies").json()}
    assert {"zhipu", "minimax", "lumora"} <= set(rows)
    assert rows["lumora"]["source"] == "file" and rows["zhipu"]["source"] == "bundled"
    assert rows["lumora"]["name"] == "Lumora AI" and not rows["lumora"]["ticker"]
    assert rows["lumora"]["simulated"] is True


def test_a_launch_file_compares_with_the_hand_computed_figures(client: TestClient) -> None:
    r = client.get("/api/compare", params={"companies": ["lumora", "zhipu"]})
    assert r.status_code == 200
    ue = r.json()["tables"][0]
    gm = next(x for x in ue["rows"] if x["key"] == "gross_margin")
    # tests/data/lumora.yaml H1 2025: (27.0 - 17.55) / 27.0 = 35% (Zhipu H1 2025: 50.0%)
    assert gm["cells"][0]["value"] == pytest.approx(0.35)
    assert gm["cells"][1]["value"] == pytest.approx(0.50, abs=0.001)
    sm = next(x for x in ue["rows"] if x["key"] == "sm_to_revenue")
    assert sm["cells"][0]["value"] == pytest.approx(21.0 / 27.0)  # S&M 21 / revenue 27
    assert client.get("/api/unit-economics/lumora").status_code == 200


def _finished(client: TestClient, r: Any) -> dict[str, Any]:
    """The job a POST to /api/simulations started (``r``, accepted), once it has ended."""
    assert r.status_code == 202, r.text
    job = r.json()["job_id"]
    for _ in range(300):
        j: dict[str, Any] = client.get(f"/api/simulations/{job}").json()
        if j["status"] not in ("queued", "running"):
            break
        time.sleep(0.1)
    return j


def test_a_launch_file_can_be_stress_tested(client: TestClient) -> None:
    r = client.post("/api/simulations", json={"company": "lumora", "paths": 200,
                                              "horizon_months": 12,
                                              "stresses": ["marketing-stop"]})
    j = _finished(client, r)
    assert j["status"] == "done", j
    assert j["result"]["summary"]["company"] == "lumora"
    assert j["result"]["summary"]["currency"] == "USD"
    runs = client.get("/api/runs").json()
    assert [x["company"] for x in runs] == ["lumora"]


def test_requests_choose_by_id_never_by_path(client: TestClient, tmp_path: Path) -> None:
    r = client.get("/api/compare", params={"companies": ["lumra"]})
    assert r.status_code == 422
    assert r.json()["detail"][0]["msg"].endswith("or 'lumora'; did you mean 'lumora'?")
    for company in (str(LUMORA), "tests/data/lumora.yaml"):
        assert client.post("/api/simulations", json={"company": company}).status_code == 422
        assert client.get("/api/compare", params={"companies": [company]}).status_code == 422
    # a server started without the file does not know the id
    bare = TestClient(create_app(tmp_path / "r.duckdb"), base_url="http://localhost")
    assert bare.get("/api/unit-economics/lumora").status_code == 422
    assert "lumora" not in {r["id"] for r in bare.get("/api/companies").json()}


def test_a_launch_file_is_checked_as_validate_checks_it(tmp_path: Path) -> None:
    from llmecon.api import load_company

    bad = DATA / "malformed" / "bad_business_model.csv"
    with pytest.raises(LlmeconError) as by_validate:
        load_company(str(bad))
    with pytest.raises(LlmeconError) as at_launch:
        load_launch_companies([bad])
    assert str(at_launch.value) == str(by_validate.value)
    assert "business_model" in str(at_launch.value)


def test_an_id_that_is_bundled_or_given_twice_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "zhipu_copy.yaml"
    assert main(["export", "zhipu", "-o", str(copy)]) == 0
    with pytest.raises(InputError, match="'zhipu' is a bundled company's"):
        load_launch_companies([copy])
    csv = tmp_path / "lumora.csv"
    assert main(["export", str(LUMORA), "-o", str(csv)]) == 0
    with pytest.raises(InputError, match="also the id of --company"):
        load_launch_companies([LUMORA, csv])
    with pytest.raises(InputError, match="a bundled company, shown already"):
        load_launch_companies(["minimax"])


@pytest.mark.parametrize(("given", "named"), [
    ("malformed/bad_business_model.csv", "business_model: expected one of"),
    ("nosuch.yaml", "company file not found"),
])
def test_serve_refuses_a_bad_file_in_one_line_before_it_listens(
        given: str, named: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import llmecon.web.app as web

    def never(*_: object) -> None:
        raise AssertionError("bound a socket for a server that cannot start")

    monkeypatch.setattr(web, "bind", never)
    assert main(["serve", "--port", "1", "--company", str(DATA / given)]) == 2
    err = capsys.readouterr().err
    assert named in err and given.split("/")[-1] in err and err.count("\n") == 1


def _with_id(tmp_path: Path, cid: str, name: str | None = None) -> Path:
    """tests/data/lumora.yaml under the id ``cid`` (the file's only change)."""
    text = LUMORA.read_text(encoding="utf-8").replace("  id: lumora\n", f"  id: {cid}\n", 1)
    assert f"  id: {cid}\n" in text
    out = tmp_path / (name or f"{cid}.yaml")
    out.write_text(text, encoding="utf-8")
    return out


@pytest.mark.parametrize("cid", ["mro", "name", "value", "a.b", "1st"])
def test_an_id_that_is_a_python_word_is_served(cid: str, tmp_path: Path) -> None:
    # atk37: id 'mro' (a valid company id) stopped serve with 'internal error: ValueError:
    # invalid enum member name(s)': the ids were the enumeration's member names
    app = create_app(tmp_path / "runs.duckdb",
                     companies=load_launch_companies([_with_id(tmp_path, cid)]))
    c = TestClient(app, base_url="http://localhost")
    assert cid in {r["id"] for r in c.get("/api/companies").json()}
    r = c.get("/api/compare", params={"companies": [cid, "zhipu"]})
    assert r.status_code == 200, r.text
    assert r.json()["tables"][0]["columns"][0]["company"] == cid
    assert c.get(f"/api/unit-economics/{cid}").json()["company"] == cid
    assert c.post("/api/simulations", json={"company": cid, "paths": 100,
                                            "horizon_months": 3}).status_code == 202
    bad = c.get("/api/unit-economics/nosuch").json()["detail"][0]["msg"]
    assert f"or '{cid}'" in bad


def test_an_id_in_another_case_is_the_same_id(tmp_path: Path) -> None:
    # atk37: a file with id 'Zhipu' was served beside the bundled zhipu (the command line
    # reads 'ZHIPU' as zhipu), its columns headed 'Zhipu' beside 'zhipu'
    with pytest.raises(InputError, match=r"'Zhipu' is a bundled company's \('zhipu' in "
                                         "another case\\)"):
        load_launch_companies([_with_id(tmp_path, "Zhipu")])
    with pytest.raises(InputError, match=r"also the id of --company .*lumora.yaml "
                                         r"\('lumora' in another case\)"):
        load_launch_companies([LUMORA, _with_id(tmp_path, "LUMORA", "upper.yaml")])
    with pytest.raises(InputError, match="a bundled company, shown already"):
        load_launch_companies(["MiniMax"])


def test_a_stress_test_says_what_the_command_line_says_beside_it(client: TestClient) -> None:
    # atk37: the dashboard ran fx-shock, credit-withdrawn and funding-closed on lumora
    # (tests/data/lumora.yaml: all in US$, no bank credit, a follow-on raise uncommitted)
    # identical to its base without a word, and did not say that the projection starts at
    # FY2024 because H1 2025 lacks rd_compute_cost; 'llmecon simulate' says all four
    r = client.post("/api/simulations", json={
        "company": "lumora", "paths": 100, "horizon_months": 6, "financing": "all",
        "stresses": ["fx-shock", "credit-withdrawn", "funding-closed"]})
    j = _finished(client, r)
    notes = j["result"]["notes"]
    assert notes[0].startswith("fx-shock changes nothing for lumora: no revenue, cost")
    assert notes[1] == ("credit-withdrawn changes nothing for lumora: no bank facility or "
                        "borrowings to withdraw")
    # financing 'all': the raise is counted in this run, so no 'compare with ...'
    assert notes[2].startswith("funding-closed removes ") and notes[2].endswith(
        ", counted in this run (financing all)")
    assert notes[3].startswith("the projection starts at FY2024 (2024-12-31), not at a "
                               "newer period: H1_2025 does not disclose rd_compute_cost")
    assert len(notes) == 4


def test_why_a_launch_file_is_not_projected_names_the_file_not_the_servers_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """atk37: a --company file's reason reached every browser client with the server's path
    of the file ('llmecon unit-economics /tmp/atk37/tiny.csv' names the missing ones)."""
    import shutil

    from llmecon.api import load_company
    from llmecon.simulate import loaders
    from llmecon.web.companies import _row

    src = Path(__file__).parents[1] / "data" / "lumora.yaml"
    mine = tmp_path / "secret-folder" / "lumora.yaml"
    mine.parent.mkdir()
    shutil.copy(src, mine)
    c = load_company(str(mine))

    def refuse(company: object, *a: object, **k: object) -> None:
        raise InputError(f"lumora: the chat line ('llmecon unit-economics {c.origin}' names "
                         "the missing ones)")

    monkeypatch.setattr(loaders, "load_base_scenario", refuse)
    why = _row(c, "file")["why_not"]
    assert "secret-folder" not in why and "'llmecon unit-economics lumora.yaml'" in why
