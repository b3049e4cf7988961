"""The bundled prices (``llmecon/data/inference/prices.yaml``): dated, sourced, two sources
per chip, hand computations of the derived rows, and the currency of the API rows.

Expected values are copied from the sources (SemiAnalysis InferenceX ``GPU_SPECS``, as
transcribed in shared/reference/post_listing.md; provider price pages) or computed by hand
in the tests, never taken from the code's output.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from llmecon import formulas
from llmecon.cli import main
from llmecon.config.deployment import Demand, ServingConfig
from llmecon.config.inference import ApiPrice, GpuPrice
from llmecon.errors import InputError
from llmecon.inference.calibration import load_efficiency
from llmecon.inference.catalog import catalog_from_mapping, load_catalog
from llmecon.inference.serving import evaluate
from llmecon.units import load_fx

CAT = load_catalog()

#: The chips of issue 12, item 2 (all of them need dated GPU-hour prices).
ISSUE_CHIPS = ("H100", "H200", "H800", "H20", "B200", "B300", "GB200", "GB300", "MI300X",
               "MI325X", "MI355X", "Ascend-910C")
#: Chips for which a real search found only one document (stated in prices.yaml's header);
#: a second source for one of them should remove it from here.
SINGLE_DOCUMENT = {"MI355X"}

SEMIANALYSIS = "github.com/SemiAnalysisAI/InferenceX-app"
#: SemiAnalysis InferenceX GPU_SPECS (constants.ts, commit 0c8d2792), $/GPU-hour:
#: (costh = hyperscaler owner, costr = 3-year rental), as in post_listing.md.
SEMIANALYSIS_TABLE = {"H100": (1.30, 1.30), "H200": (1.41, 1.60), "B200": (1.95, 2.90),
                      "B300": (2.34, 3.48), "GB200": (2.21, 3.30), "GB300": (2.652, 3.96),
                      "MI300X": (1.12, 1.55), "MI325X": (1.28, 1.80), "MI355X": (1.48, 2.10)}
HOURS_4Y = 4 * 8_766  # the owner's-cost rows: four years, straight line


def _document(p: GpuPrice) -> str:
    """The document a row cites: its source up to the first space."""
    return p.source.split()[0]


@pytest.mark.parametrize("chip", ISSUE_CHIPS)
def test_each_chip_has_two_dated_sourced_prices(chip: str) -> None:
    rows = CAT.gpu_prices_for(chip)
    assert len(rows) >= 2 and len({p.source for p in rows}) >= 2, chip
    for p in rows:
        assert p.currency == "USD" and p.price > 0
        assert p.as_of[:4] in {"2024", "2025", "2026"}, (chip, p.as_of)
        assert p.confidence in {"high", "medium", "low"}, (chip, p.provider)
        assert ("owned" in p.provider) == (p.basis == "owned"), (chip, p.provider)
    documents = {_document(p) for p in rows}
    if chip in SINGLE_DOCUMENT:
        assert documents == {SEMIANALYSIS}, "a second source was added: update SINGLE_DOCUMENT"
    else:
        assert len(documents) >= 2, (chip, documents)


def test_semianalysis_rows_match_the_published_table() -> None:
    for chip, (costh, costr) in SEMIANALYSIS_TABLE.items():
        rows = [p for p in CAT.gpu_prices_for(chip) if _document(p) == SEMIANALYSIS]
        by_basis = {p.basis: p.price for p in rows}
        assert by_basis == {"owned": pytest.approx(costh), "reserved": pytest.approx(costr)}
        assert all(p.as_of == "2026-07" for p in rows)  # "July 2026 Pricing Surveys"
    # B300 and GB300 are SemiAnalysis's placeholders, 1.2 x B200 and GB200: low confidence
    assert SEMIANALYSIS_TABLE["B300"][0] == pytest.approx(1.2 * SEMIANALYSIS_TABLE["B200"][0])
    assert SEMIANALYSIS_TABLE["GB300"][1] == pytest.approx(1.2 * SEMIANALYSIS_TABLE["GB200"][1])
    for chip in ("B300", "GB300"):
        rows = [p for p in CAT.gpu_prices_for(chip) if _document(p) == SEMIANALYSIS]
        assert rows and all(p.confidence == "low" and "temporary" in p.source for p in rows)


def _row(chip: str, provider_starts: str) -> GpuPrice:
    (row,) = [p for p in CAT.gpu_prices_for(chip) if p.provider.startswith(provider_starts)]
    return row


def test_per_gpu_prices_from_instance_prices_by_hand() -> None:
    # instance price / GPUs in the instance, as read on the providers' pages
    assert _row("B200", "AWS").price == pytest.approx(113.9328 / 8)  # p6-b200.48xlarge
    assert _row("B300", "AWS").price == pytest.approx(142.416 / 8)  # p6-b300.48xlarge
    assert _row("B200", "CoreWeave").price == pytest.approx(68.80 / 8)  # HGX B200
    assert _row("B300", "CoreWeave spot").price == pytest.approx(35.84 / 8)
    assert _row("GB200", "CoreWeave").price == pytest.approx(42.00 / 4)  # NVL72, 4 GPUs
    assert _row("GB200", "Spheron").price == pytest.approx(9.08 / 2)  # per Superchip
    assert _row("B300", "CoreWeave spot").basis == "spot"


def test_gb300_owners_cost_by_hand() -> None:
    power = 120 / 72 * 1.3 * 0.08  # 120 kW rack / 72 GPUs x PUE 1.3 x $0.08/kWh
    assert _row("GB300", "owned, derived from a $3.7M").price == pytest.approx(
        3.7e6 / 72 / HOURS_4Y + power, abs=0.005)
    assert _row("GB300", "owned, derived from a $3-4M").price == pytest.approx(
        3.5e6 / 72 / HOURS_4Y + power, abs=0.005)


def test_default_price_is_the_latest_rental_list_price() -> None:
    # on-demand first, most recent first
    b200 = CAT.gpu_price("B200")
    assert b200 is not None and (b200.price, b200.basis) == (6.69, "on-demand")
    assert CAT.gpu_price("b200_sxm") == b200  # an alias finds the same row
    # no rental list price: the 3-year rental, then an owner's cost, never spot
    gb300 = CAT.gpu_price("GB300")
    assert gb300 is not None and (gb300.price, gb300.basis) == (3.96, "reserved")
    mi355x = CAT.gpu_price("MI355X")
    assert mi355x is not None and mi355x.price == 2.10
    # the chips priced before issue 12 keep their prices (the rule was "most recent")
    for chip, price in (("H100", 2.49), ("H200", 2.60), ("H800", 2.07), ("H20", 0.68),
                        ("Ascend-910C", 0.76)):
        found = CAT.gpu_price(chip)
        assert found is not None and found.price == price, chip


def test_a_users_newer_price_wins_and_spot_only_when_alone() -> None:
    mine = catalog_from_mapping({"gpu_hour": [
        {"gpu": "B200", "provider": "my contract", "price": 3.1, "currency": "USD",
         "as_of": "2026-11", "source": "my invoice"}]}, "mine.yaml")
    chosen = CAT.merged(mine).gpu_price("B200")
    assert chosen is not None and chosen.provider == "my contract"  # basis not stated
    spot_only = catalog_from_mapping({"gpu_hour": [
        {"gpu": "X9", "provider": "s", "price": 1.0, "currency": "USD", "as_of": "2026-11",
         "source": "s", "basis": "spot"},
        {"gpu": "X9", "provider": "o", "price": 2.0, "currency": "USD", "as_of": "2020",
         "source": "o", "basis": "owned"}],
        "gpus": [{"name": "X9", "bf16_tflops": 100, "memory_gb": 80, "bandwidth_tbs": 2,
                  "as_of": "2026", "source": "s"}]}, "x9.yaml")
    picked = spot_only.gpu_price("X9")
    assert picked is not None and picked.basis == "owned"  # an older owned beats spot


def test_cost_per_million_tokens_at_a_new_price_by_hand() -> None:
    # B200 at Lambda's $6.69/GPU-hour serving 2,000 output tokens/s per GPU:
    # 6.69 x 1e6 / (2,000 x 3,600) = $0.929166... per million tokens
    assert formulas.cost_per_million_tokens(6.69, 2_000.0) == pytest.approx(0.9291667,
                                                                            rel=1e-6)
    # the serving model uses the same price for B200 by default and says where it is from
    r = evaluate(ServingConfig("DeepSeek-V3", "B200", gpus=8, batch_per_gpu=32), CAT,
                 load_efficiency())
    assert r.gpu_hour_price == 6.69 and "Lambda" in r.price_source
    assert r.cost_output == pytest.approx(6.69e6 / (r.decode_tokens_per_gpu_s * 3_600))


@pytest.mark.parametrize("gpu", ["B200", "B300", "GB200", "GB300", "MI300X", "MI325X",
                                 "MI355X"])
def test_cli_cost_shows_a_cost_for_every_newly_priced_chip(
        gpu: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["inference", "cost", "--model", "DeepSeek-V3", "--gpu", gpu, "--gpus", "8",
                 "--batch", "32", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    default = CAT.gpu_price(gpu)
    assert code == 0 and default is not None
    assert doc["gpu_hour_price"] == default.price
    assert doc["cost_output"] > 0 and doc["cost_input_miss"] > 0


def test_minimax_m25_prices_keep_their_currency_and_conflicts() -> None:
    usd = CAT.api_price("MiniMax-M2.5")  # the USD rows unless asked
    assert usd is not None and usd.currency == "USD"
    assert (usd.input_cache_miss, usd.output, usd.input_cache_hit) == (0.30, 1.20, 0.03)
    cny = CAT.api_price("MiniMax-M2.5", currency="CNY")
    assert cny is not None and cny.currency == "CNY" and cny.confidence == "high"
    assert (cny.input_cache_miss, cny.output, cny.input_cache_hit) == (2.1, 8.4, 0.21)
    # the conflicting $0.15 input reading stays visible, at low confidence
    rows = [a for a in CAT.api_prices if a.model == "MiniMax-M2.5"]
    assert {a.input_cache_miss for a in rows if a.currency == "USD"} >= {0.30, 0.15}
    assert all(a.confidence == "low" for a in rows if a.input_cache_miss == 0.15)
    # the official yuan price converts to about $0.30, not $0.15, at the project's latest
    # USD/CNY average (Jan-Sep 2025, 7.165): 2.1 / 7.165 = 0.293; 8.4 / 7.165 = 1.172
    rate, _ = load_fx().rate("USD", "CNY", "average", date(2025, 1, 1), date(2025, 9, 30))
    assert rate == pytest.approx(7.165)
    assert cny.input_cache_miss / rate == pytest.approx(0.30, rel=0.03)
    assert cny.output / rate == pytest.approx(1.20, rel=0.03)


def test_a_yuan_price_list_is_refused_by_the_fleet() -> None:
    cny = CAT.api_price("MiniMax-M2.5", currency="CNY")
    assert cny is not None
    with pytest.raises(InputError, match="price list: expected USD, found CNY"):
        Demand(1e9, 1e8).with_price_list(cny)
    usd = CAT.api_price("MiniMax-M2.5", "MiniMax")
    assert usd is not None and Demand(1e9, 1e8).with_price_list(usd).price_output == 1.20


def test_api_currency_is_validated_and_gpu_prices_stay_usd() -> None:
    row = {"model": "M", "endpoint": "e", "input_cache_miss": 1, "output": 2,
           "as_of": "2026", "source": "s"}
    with pytest.raises(InputError, match=r"api\[0\]\.currency: expected a three-letter ISO"):
        catalog_from_mapping({"api": [{**row, "currency": "usd"}]}, "k.yaml")
    assert ApiPrice(**row, currency="CNY").currency == "CNY"
    with pytest.raises(InputError, match=r"gpu_hour\[0\]\.currency: expected USD"):
        catalog_from_mapping({"gpu_hour": [{"gpu": "H100", "provider": "p", "price": 9,
                                            "currency": "CNY", "as_of": "2026",
                                            "source": "s"}]}, "k.yaml")


def test_company_models_have_api_prices() -> None:
    for model in ("GLM-4.5", "GLM-4.6", "GLM-5", "GLM-5.1", "GLM-5.2", "MiniMax-M2",
                  "MiniMax-M2.5", "MiniMax-M2.7"):
        price = CAT.api_price(model)
        assert price is not None and price.currency == "USD", model
    # GLM-5 at $1.00 / $3.20 from two documents (Z.ai via openclaw; Venice)
    glm5 = [a for a in CAT.api_prices if a.model == "GLM-5"]
    assert {(a.input_cache_miss, a.output) for a in glm5} == {(1.00, 3.20)}
    assert len({a.source.split()[0] for a in glm5}) == 2
    # GLM-4.5 on Alibaba Bailian: 0.003 / 0.014 yuan per 1k tokens = 3 / 14 per million
    bailian = CAT.api_price("GLM-4.5", "Alibaba", currency="CNY")
    assert bailian is not None
    assert (bailian.input_cache_miss, bailian.output) == (0.003 * 1_000, 0.014 * 1_000)


def test_a_token_cost_says_the_basis_of_its_gpu_hour_price() -> None:
    """inf36: the cost table said "Lambda, 2026-05" for the H100 (an on-demand rental) beside
    an owner's cost for the H20, two bases not alike, the basis shown only by `catalog
    prices`. prices.yaml: H100 Lambda on-demand $2.49 (2026-05); H20 owned $0.68 (2024-07)."""
    eff = load_efficiency()
    h100 = evaluate(ServingConfig("Llama-3.1-8B", "H100", gpus=1, batch_per_gpu=1), CAT, eff)
    assert h100.price_source == "Lambda, on-demand, 2026-05"
    h20 = evaluate(ServingConfig("Llama-3.1-8B", "H20", gpus=1, batch_per_gpu=1), CAT, eff)
    assert h20.price_source.startswith("owned, derived from") and \
        h20.price_source.count("owned") == 1
