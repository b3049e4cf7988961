"""The dashboard's JSON API: validation with bounds, errors as 4xx naming the field, the
token off loopback, background simulations, and a schemathesis fuzz of the OpenAPI schema."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from llmecon.web.app import create_app


@pytest.fixture()
def client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(tmp_path / "runs.duckdb", max_paths=5000),
                      base_url="http://localhost")


def test_compare_values(client: TestClient) -> None:
    r = client.get("/api/compare", params={"companies": ["zhipu", "minimax"],
                                           "period": "FY2024"})
    assert r.status_code == 200
    ue = r.json()["tables"][0]
    gm = next(x for x in ue["rows"] if x["key"] == "gross_margin")
    assert gm["cells"][0]["value"] == pytest.approx(0.563, abs=0.001)  # Zhipu FY2024 56.3%
    assert "ratio as a fraction" in r.json()["units"]  # as `compare --format json` says


@pytest.mark.parametrize(("params", "field"), [
    ({"companies": ["openai"]}, "companies"),
    ({}, "companies"),
    ({"companies": ["zhipu"], "currency": "EUR"}, "currency"),
    ({"companies": ["zhipu"], "period": "../../etc"}, "period"),
])
def test_compare_validation(client: TestClient, params: dict[str, object], field: str) -> None:
    r = client.get("/api/compare", params=params)
    assert r.status_code == 422
    assert field in str(r.json()["detail"])


def test_a_repeated_query_parameter_is_refused_and_a_repeated_company_too(
        client: TestClient) -> None:
    # from a hostile-input audit: period=H1_2025&period=FY2022 answered for FY2022
    r = client.get("/api/compare?companies=zhipu&period=H1_2025&period=FY2022")
    assert r.status_code == 422 and "'period' is given more than once" in r.json()["detail"]
    r = client.get("/api/compare?companies=zhipu&companies=zhipu")
    assert r.status_code == 400 and "'zhipu' is given twice" in r.json()["detail"]
    # the dashboard reads no company file: its message does not ask to edit one
    assert "choose each company once" in r.json()["detail"]
    assert "file" not in r.json()["detail"]


def test_domain_error_is_400_with_the_reason(client: TestClient) -> None:
    r = client.get("/api/compare", params={"companies": ["zhipu"], "period": "FY2030"})
    assert r.status_code == 404 and "no period 'FY2030'" in r.json()["detail"]


@pytest.mark.parametrize(("body", "field"), [
    ({"gpus": 0}, "gpus"), ({"batch_per_gpu": -1}, "batch_per_gpu"),
    ({"cache_hit": 1.5}, "cache_hit"), ({"precision": "fp3"}, "precision"),
    ({"model": "../secrets.yaml"}, "model"), ({"unknown": 1}, "unknown"),
    # attack33 L7: fractional token counts were priced
    ({"input_tokens": 1.5}, "input_tokens"), ({"output_tokens": 99.9}, "output_tokens"),
])
def test_inference_validation(client: TestClient, body: dict[str, object], field: str) -> None:
    r = client.post("/api/inference/cost", json=body)
    assert r.status_code == 422 and field in str(r.json()["detail"])


def test_inference_file_name_refused(client: TestClient) -> None:
    r = client.post("/api/inference/cost", json={"model": "mine.yaml"})
    assert r.status_code == 422 and "not a file" in str(r.json()["detail"])


def test_inference_cost_without_a_price_takes_the_catalogs(client: TestClient,
                                                           capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    """A new user's audit: the API priced an omitted GPU-hour at $2 and called it given,
    where the command line takes the catalog's dated price."""
    from llmecon.cli import main

    body = {"model": "DeepSeek-V3", "gpu": "H100", "gpus": 72, "batch_per_gpu": 256,
            "input_tokens": 2000}
    r = client.post("/api/inference/cost", json=body).json()
    assert main(["inference", "cost", "--model", "DeepSeek-V3", "--gpu", "H100", "--gpus",
                 "72", "--batch", "256", "--input", "2000", "--format", "json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert r["gpu_hour_price"] == cli["gpu_hour_price"] == 2.49
    assert r["price_source"] == cli["price_source"] == "Lambda, on-demand, 2026-05"
    assert r["cost_output"] == pytest.approx(cli["cost_output"])


def test_inference_cost(client: TestClient) -> None:
    r = client.post("/api/inference/cost", json={"model": "DeepSeek-V3", "gpu": "H100",
                                                 "gpus": 72, "batch_per_gpu": 256,
                                                 "input_tokens": 2000, "output_tokens": 100,
                                                 "gpu_hour_price": 2.0})
    assert r.status_code == 200
    assert r.json()["cost_output"] == pytest.approx(0.20, rel=0.35)  # LMSYS: $0.20 per M
    # the serving model's recorded error comes with the answer, with its engine
    from llmecon.inference.engines import load_serving_factors

    acc = load_serving_factors().accuracy
    assert acc is not None
    shown = r.json()["expected_error"]
    assert shown["leave_one_model_out"] == acc.leave_one_model_out.model_dump()
    assert f"TPOT median {acc.leave_one_model_out.tpot_median:.0%}" in shown["note"]
    assert r.json()["engine"] == "trtllm" and "trtllm factors" in shown["note"]


def test_simulation_limits_and_flow(client: TestClient) -> None:
    assert client.post("/api/simulations", json={"company": "minimax", "paths": 10**6}) \
        .status_code == 422
    assert client.post("/api/simulations", json={"company": "minimax", "paths": 5001}) \
        .status_code == 422  # this server's limit
    assert client.post("/api/simulations", json={"company": "x"}).status_code == 422
    assert client.post("/api/simulations", json={"company": "minimax", "horizon_months": 0}) \
        .status_code == 422
    r = client.post("/api/simulations", json={"company": "minimax", "paths": 500,
                                              "stresses": ["price-war"]})
    assert r.status_code == 202
    job = r.json()["job_id"]
    for _ in range(200):
        j = client.get(f"/api/simulations/{job}").json()
        if j["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert j["status"] == "done" and len(j["result"]["cash"]["p50"]) == 36
    # the base case counts committed financing only; months carry their dates: MiniMax
    # calibrates on 9M 2025 (to 30 Sep 2025), so month 1 ends 31 Oct 2025, month 36 Sep 2028
    assert j["result"]["financing"] == j["result"]["summary"]["financing"] == "committed"
    assert j["result"]["month_ends"][0] == "2025-10-31"
    assert j["result"]["month_ends"][-1] == "2028-09-30"
    # how the runway rests on the unexplained operating line, as `simulate` says (an audit).
    # By hand, 9M 2025 (US$m a month): operating cash flow -209 / 9, less what the adjusted
    # loss 186.3 / 9 and the interest on the opening US$1,006.8m at 4% a year explain (no
    # opening receivables disclosed): +0.834
    unexplained = j["result"]["unexplained_operating"]
    hand = (-209 + 186.3) / 9 + 1006.8 * 0.04 / 12
    assert unexplained["monthly"] == pytest.approx(hand * 1e6, rel=1e-3)
    assert "unexplained operating inflow of US$ 833.8k a month" in unexplained["note"]
    runs = client.get("/api/runs").json()
    assert [x["run_id"] for x in runs] == [j["run_id"]]
    assert client.get(f"/api/runs/{j['run_id']}").status_code == 200
    assert client.get("/api/runs/zzzz").status_code == 422
    assert client.get("/api/simulations/nope").status_code == 404


def test_simulation_financing_choice(client: TestClient) -> None:
    assert client.post("/api/simulations", json={"company": "minimax", "paths": 100,
                                                 "financing": "maybe"}).status_code == 422
    r = client.post("/api/simulations", json={"company": "minimax", "paths": 100,
                                              "horizon_months": 6, "financing": "all"})
    assert r.status_code == 202
    for _ in range(200):
        j = client.get(f"/api/simulations/{r.json()['job_id']}").json()
        if j["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert j["status"] == "done" and j["result"]["financing"] == "all"
    assert j["result"]["summary"]["financing_events"]  # the uncommitted raise is listed


def test_token_required_when_set(tmp_path: Path) -> None:
    c = TestClient(create_app(tmp_path / "r.duckdb", token="s3cret"), base_url="http://localhost")
    assert c.get("/api/companies").status_code == 401
    assert c.get("/api/companies", headers={"Authorization": "Bearer s3cret"}).status_code \
        == 200
    assert c.get("/api/companies?token=s3cret").status_code == 200


def _free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _no_loop(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """uvicorn's server loop replaced by a stand-in that records the socket it was handed
    (serve binds it first) and returns."""
    import uvicorn

    seen: dict[str, object] = {}

    def run(self: object, sockets: list[Any] | None = None) -> None:
        assert sockets is not None
        seen["address"] = sockets[0].getsockname()

    monkeypatch.setattr(uvicorn.Server, "run", run)
    return seen


def test_serve_off_loopback_makes_a_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from llmecon.web import app as web

    seen = _no_loop(monkeypatch)
    port = _free_port()
    web.serve("0.0.0.0", port, store=str(tmp_path / "runs.duckdb"))
    assert "need the token" in capsys.readouterr().out
    assert seen["address"] == ("0.0.0.0", port)


# attack33 L3: '' silently meant no token; ' ' could not be sent in a header; 'abc' guarded
# every address
@pytest.mark.parametrize(("host", "token", "expected"), [
    ("127.0.0.1", "", "--token: empty; give a token"),
    ("127.0.0.1", "   ", "--token: blank; give a token"),
    ("127.0.0.1", " tok", "--token: has spaces at its start or end"),
    ("0.0.0.0", "abc", "--token: 3 characters; off loopback a token needs at least 16"),
])
def test_serve_refuses_an_empty_blank_or_short_token(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        host: str, token: str, expected: str) -> None:
    from llmecon.cli import main

    seen = _no_loop(monkeypatch)
    store = str(tmp_path / "runs.duckdb")
    assert main(["serve", "--host", host, "--port", str(_free_port()), "--store", store,
                 "--token", token]) == 2
    err = capsys.readouterr().err
    assert err.startswith("llmecon: error: ") and expected in err
    assert err.count("\n") == 1 and not seen


def test_serve_prints_the_url_it_listens_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    # walk20 L4: on loopback 'llmecon serve' printed nothing at all
    from llmecon.cli import main

    seen = _no_loop(monkeypatch)
    store = str(tmp_path / "runs.duckdb")
    port = _free_port()
    assert main(["serve", "--port", str(port), "--store", store]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and f"listening on http://127.0.0.1:{port}/" in out
    assert seen["address"] == ("127.0.0.1", port)
    port = _free_port()
    assert main(["serve", "--port", str(port), "--token", "s3cret", "--store", store]) == 0
    out = capsys.readouterr().out  # a token the user gave is required, not echoed
    assert f"http://127.0.0.1:{port}/" in out and "--token given" in out
    assert "s3cret" not in out


@pytest.mark.slow
def test_openapi_fuzz_finds_no_server_error(tmp_path: Path) -> None:
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    from llmecon.config.web import WebLimits

    # schemathesis calls the app as "testserver": a host name this server is told to accept
    app = create_app(tmp_path / "fuzz.duckdb",
                     limits=WebLimits(max_paths=500, allowed_hosts=("testserver",)))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = [op.ok() for op in schema.get_all_operations()]
    assert len(operations) >= 9

    def fuzz(operation: object) -> None:
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)
        @given(case=operation.as_strategy())  # type: ignore[attr-defined]
        def check(case: object) -> None:
            response = case.call()  # type: ignore[attr-defined]
            if response.status_code >= 500:
                failures.append(f"{operation}: {response.status_code} {response.text[:200]}")

        check()

    for operation in operations:
        fuzz(operation)
    assert failures == []


def test_inference_cost_takes_pipeline_stages(client: TestClient) -> None:
    # Llama-3.1-405B on 16 H100 as two stages of TP 8: the same answer as the Python API
    from llmecon.inference.catalog import load_catalog
    from llmecon.inference.engines import engine_efficiency, load_serving_factors
    from llmecon.inference.serving import ServingConfig, evaluate

    body = {"model": "Llama-3.1-405B", "gpu": "H100", "gpus": 16, "pp": 2,
            "batch_per_gpu": 8, "gpu_hour_price": 2.0}
    r = client.post("/api/inference/cost", json=body)
    assert r.status_code == 200
    direct = evaluate(ServingConfig(**body), load_catalog(),
                      engine_efficiency(load_serving_factors(), "trtllm"))
    assert r.json()["tpot_ms"] == pytest.approx(direct.tpot_ms, rel=1e-12)
    assert r.json()["pipeline_ms"] > 0
    bad = client.post("/api/inference/cost", json={**body, "pp": 3})
    assert bad.status_code == 400 and "pp: expected a divisor of gpus (16)" in bad.text


def test_no_page_loads_scripts_from_elsewhere(client: TestClient) -> None:
    # from a hostile-input audit: /docs loaded swagger-ui from a CDN (unpinned, no integrity
    # hash) into the dashboard's origin, and under --token could not read the schema
    assert client.get("/docs").status_code == 404 and client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").status_code == 200
    page = client.get("/").text
    assert "https://" not in page.split("<body")[0]  # no external script or style


def test_a_store_that_cannot_be_written_is_found_at_the_start_and_a_job_keeps_its_result(
        tmp_path: Path) -> None:
    # from a hostile-input audit: 'serve --store notes.csv' started, and every job ran to
    # its end, failed at the save and threw its result away
    from llmecon.errors import InputError
    from llmecon.web.app import serve

    bad = tmp_path / "notes.csv"
    bad.write_text("a,b\n")
    with pytest.raises(InputError, match="not a DuckDB database"):
        serve(port=1, store=str(bad))  # refused before uvicorn starts
    client = TestClient(create_app(bad, max_paths=5000), base_url="http://localhost")
    r = client.post("/api/simulations", json={"company": "minimax", "paths": 100,
                                              "horizon_months": 6})
    for _ in range(200):
        j = client.get(f"/api/simulations/{r.json()['job_id']}").json()
        if j["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert j["status"] == "failed" and "not a DuckDB database" in j["error"]
    assert j["result"]["summary"]["paths"] == 100


def test_run_ids_follow_the_clis_rule(client: TestClient) -> None:
    # from a hostile-input audit: the dashboard took 1-40 lower-case hex characters (33-40
    # then failed in the store, upper case was refused) where the CLI takes 1-32 in any case
    assert client.get("/api/runs/ABC123").status_code == 404  # read as abc123: no such run
    assert client.get("/api/runs/" + "a" * 33).status_code == 422


def test_errors_give_no_command_line_advice(client: TestClient) -> None:
    # from a hostile-input audit: "add yours with --catalog FILE", "add one to an FX file"
    r = client.post("/api/inference/cost", json={"gpu": "x"})
    assert r.status_code in (400, 404) and "unknown GPU 'x'" in r.json()["detail"]
    assert "--catalog" not in r.text
    # a missing rate makes the cells it converts n/a, saying which rate (a new user's
    # audit: the whole comparison was refused, with a 404)
    r = client.get("/api/compare?companies=minimax&currency=CNY")
    assert r.status_code == 200
    assert "no average USD/CNY rate" in r.text and "--fx" not in r.text


def test_an_unknown_query_parameter_is_refused_not_ignored(client: TestClient) -> None:
    # from a hostile-input audit: "&foo=bar" (or a typo, "perod") was ignored
    r = client.get("/api/compare?companies=zhipu&perod=FY2024")
    assert r.status_code == 422
    assert r.json()["detail"] == ("unknown query parameter(s) 'perod'; this endpoint takes "
                                  "companies, currency, period")
    assert client.get("/api/runs?foo=bar").status_code == 422
    assert client.get("/api/runs").status_code == 200


@pytest.mark.parametrize(("given", "hint"), [
    ("price_war", "; did you mean 'price-war'?"),  # was refused by a pattern, no hint
    ("budget-freez", "; did you mean 'budget-freeze'?"),
    ("recession", ""),  # no preset is close: the list alone
])
def test_an_unknown_stress_lists_every_preset_uncut_and_the_closest(
        client: TestClient, given: str, hint: str) -> None:
    # audit attack23 M9: "Value error, expected one of budget-freeze, credit-withdrawn,
    # funding-closed,..." was cut at 80 characters (some presets and "found 'x'" lost)
    r = client.post("/api/simulations", json={"company": "zhipu", "stresses": [given]})
    assert r.status_code == 422
    (err,) = r.json()["detail"]
    assert err["loc"] == ["body", "stresses", 0]
    assert err["msg"] == (f"unknown stress {given!r}: expected one of budget-freeze, "
                          "marketing-stop, price-war, inference-cost-down, gpu-price-spike, "
                          f"funding-closed, credit-withdrawn, fx-shock{hint}")


def test_a_stress_given_twice_is_named_uncut(client: TestClient) -> None:
    # "each stress once: ..." was cut at 80 characters, losing presets named twice
    twice = ["inference-cost-down", "gpu-price-spike", "credit-withdrawn"]
    r = client.post("/api/simulations", json={"company": "zhipu", "stresses": twice * 2})
    assert r.status_code == 422
    (err,) = r.json()["detail"]
    # the same words as the command line's (a hostile audit found two wordings)
    assert err["msg"] == ("stress 'credit-withdrawn', 'gpu-price-spike', "
                          "'inference-cost-down' given twice; each preset applies once (it "
                          "would compound with itself)")


def test_an_unknown_choice_lists_every_allowed_value_and_the_closest(
        client: TestClient) -> None:
    # walk20 L2: the list was cut at 80 characters ("... 'soundhound' o..."), just before
    # 'zhipu'; the allowed values are the server's, so all are listed, and the echo of the
    # user's input alone stays short
    r = client.get("/api/compare?companies=zhipu&companies=minmax")
    assert r.status_code == 422
    (err,) = r.json()["detail"]
    assert err["msg"].endswith("or 'zhipu'; did you mean 'minimax'?")
    assert all(f"'{c}'" in err["msg"] for c in ("minimax", "mobvoi", "sensetime",
                                                 "snowflake", "soundhound", "zhipu"))
    r = client.get("/api/unit-economics/zhipuu")
    assert r.json()["detail"][0]["msg"].endswith("did you mean 'zhipu'?")
    long = "z" * 5000
    (err,) = client.get(f"/api/unit-economics/{long}").json()["detail"]
    assert len(err["input"]) <= 80 and long[:100] not in err["msg"]


def test_the_schema_shows_the_shape_of_a_stress_name(client: TestClient) -> None:
    # from a hostile-input audit: the names are checked against the presets, and the
    # schema had lost their pattern
    import re

    from llmecon.config.web import STRESS_NAME_PATTERN
    from llmecon.simulate.scenario import stress_presets

    schema = client.get("/openapi.json").json()["components"]["schemas"]
    items = next(s["properties"]["stresses"]["items"] for s in schema.values()
                 if "stresses" in s.get("properties", {}))
    assert items["pattern"] == STRESS_NAME_PATTERN
    assert all(re.fullmatch(STRESS_NAME_PATTERN, name) for name in stress_presets())
    r = client.post("/api/simulations", json={"company": "minimax", "stresses": ["Price_War"]})
    assert r.status_code == 422 and "price-war" in r.text  # still the suggestion


def test_favicon_is_the_page_icon(client: TestClient) -> None:
    """A client asking for /favicon.ico itself (not every browser reads the page's inline
    icon) got 404; it gets the page's SVG icon."""
    import re
    import xml.etree.ElementTree as ET
    from urllib.parse import unquote

    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(r.text)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    page = client.get("/").text
    inline = re.search(r'rel="icon" href="data:image/svg\+xml,([^"]+)"', page)
    assert inline is not None and unquote(inline.group(1)) == r.text
