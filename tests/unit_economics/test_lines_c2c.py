"""Rows of a consumer line: every n/a says why (econ33 L4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmecon.config.assumptions import load_assumptions
from llmecon.statements.model import Company
from llmecon.unit_economics.bundled import bundled_inference
from llmecon.unit_economics.company import unit_economics_table
from llmecon.unit_economics.rows import UERow
from llmecon.units import load_fx


def test_churn_lever_under_an_sbg_curve_is_na_with_its_reason(minimax: Company,
                                                              tmp_path: Path) -> None:
    # the retention fit in docs/ (sBG alpha 0.668, beta 3.806): no constant churn rate
    # is solved for, and the row says so instead of a bare n/a over the constant-churn formula
    path = tmp_path / "sbg.yaml"
    path.write_text("c2c:\n  sbg_alpha: 0.668\n  sbg_beta: 3.806\n")
    ue = unit_economics_table(minimax, load_assumptions(path), load_fx(),
                              *bundled_inference())
    (row,) = [r for r in ue.rows if r.quantity == "payer churn needed for LTV/CAC >= 3"]
    assert row.value is None and row.status == "n/a"
    assert row.basis.startswith("not solved under a shifted-beta-geometric payer curve")
    assert all(r.basis not in ("", "n/a") for r in ue.rows if r.value is None)


def _examplchat(tmp_path: Path, metric: str, value: str, segment: str = "") -> Company:
    """tests/data/examplchat_c2c.csv with one FY2024 figure changed."""
    import csv

    from llmecon.api import read_company

    src = Path(__file__).parents[1] / "data" / "examplchat_c2c.csv"
    rows = list(csv.reader(src.read_text(encoding="utf-8").splitlines()))
    for r in rows:
        if r[1] == "FY2024" and r[4] == metric and r[12] == segment:
            r[5] = value
    path = tmp_path / "examplchat.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return read_company(path)


def _rows(company: Company) -> dict[str, UERow]:
    from llmecon.api import unit_economics

    return {r.quantity: r for r in unit_economics(company).rows if r.line == "chat_app"}


def test_simple_payback_of_a_negative_contribution_is_never_with_its_reason(
        tmp_path: Path) -> None:
    """chat_app at a -40% line margin: ARPPU 40m / 0.5m payers / 12 = 6.667 a month, serving
    cost 6.667 x 1.4 = 9.333, contribution -2.667 a payer-month: CAC / contribution has no
    payback. The row read 'inf', status derived, over the formula 'CAC per payer /
    contribution per payer-month' (JSON: the string "inf"); now n/a, saying why."""
    rows = _rows(_examplchat(tmp_path, "gross_margin", "-40", "line:chat_app"))
    assert rows["contribution per payer per month"].value == \
        pytest.approx(40e6 / 0.5e6 / 12 * -0.4)
    row = rows["CAC payback, simple (no churn)"]
    assert (row.value, row.status) == (None, "n/a")
    assert "contribution per payer-month is not positive" in row.basis


def test_churn_lever_above_100_percent_is_na_any_churn_reaches_it(tmp_path: Path) -> None:
    """S&M cut to US$0.1m: CAC per payer 0.1009 (the docs: S&M / new users x paying rate),
    contribution 6.667 x 5% = 0.3333 a payer-month, more than 3 x CAC = 0.3028. The churn
    solved for, (1 + r) x 0.3333 / 0.3028 - r with r = 1.1^(1/12) - 1 = 0.797%, is 1.10: a
    churn of 110% a month, shown as a number. At 100% churn LTV is one month's
    contribution, already 3 x CAC: the row is n/a, reached at any churn."""
    rows = _rows(_examplchat(tmp_path, "selling_marketing_expense", "0.1"))
    cac = rows["CAC per new payer"].value
    contribution = rows["contribution per payer per month"].value
    assert contribution == pytest.approx(40e6 / 0.5e6 / 12 * 0.05)
    r = 1.1 ** (1 / 12) - 1
    assert (1 + r) * contribution / (3 * cac) - r == pytest.approx(1.1016, abs=1e-3)
    row = rows["payer churn needed for LTV/CAC >= 3"]
    assert (row.value, row.status) == (None, "n/a")
    assert row.basis.startswith("reached at any churn")


def _lumora(tmp_path: Path, *, with_h1_2024: bool) -> Company:
    """tests/data/lumora.yaml (own36's hand-written company), with or without H1 2024."""
    import yaml

    from llmecon.api import load_company

    d = yaml.safe_load((Path(__file__).parents[1] / "data" / "lumora.yaml").read_text())
    if not with_h1_2024:
        del d["periods"]["H1_2024"]
        d["figures"] = [f for f in d["figures"] if f["period"] != "H1_2024"]
    path = tmp_path / "lumora.yaml"
    path.write_text(yaml.safe_dump(d))
    return load_company(path)


def test_a_missing_year_earlier_mau_is_named_not_printed_as_none(tmp_path: Path) -> None:
    # own36: without H1 2024 the chat line printed a row "average MAU None" with "no prior",
    # and "missing: prior MAU" did not say which period a finance team had to add
    from llmecon.api import unit_economics

    rows = [r for r in unit_economics(_lumora(tmp_path, with_h1_2024=False)).rows
            if r.line == "chat"]
    assert not any("None" in r.quantity for r in rows)
    (before,) = [r for r in rows if r.quantity == "average MAU a year earlier"]
    assert before.value is None and "ending a year before H1_2025" in before.basis
    (ue,) = [r for r in rows if r.quantity == "unit economics"]
    assert ue.basis == "missing: MAU a year earlier"


def test_lumora_chat_cac_by_hand(tmp_path: Path) -> None:
    # tests/data/lumora.yaml H1 2025: product S&M 21.0m x 90% = 18.9m; users acquired
    # (13.0m - 6.5m) x 6/12 + 10% churn x 13.0m x 6 = 11.05m; CAC 18.9 / 11.05 = US$1.710;
    # per payer (paying rate 0.70 / 13.0) 18.9 / (11.05 x 0.70 / 13.0) = US$31.76
    from llmecon.api import unit_economics

    rows = {r.quantity: r for r in unit_economics(_lumora(tmp_path, with_h1_2024=True)).rows
            if r.line == "chat"}
    assert rows["average MAU H1_2024"].value == pytest.approx(6.5e6)
    assert rows["CAC per new user"].value == pytest.approx(18.9 / 11.05)
    assert rows["CAC per new payer"].value == pytest.approx(18.9 / (11.05 * 0.70 / 13.0))


def test_company_sm_per_net_new_mau_when_users_fell_says_so(tmp_path: Path) -> None:
    # atk37: tests/data/lumora.yaml with company MAU (the chat line's, given for the company
    # too) at 5m in H1 2025 against 6.5m in H1 2024: the row read n/a beside the formula
    # 'S&M x 12/6 / (MAU H1_2025 - MAU H1_2024)', as if figures were missing
    import yaml

    from llmecon.api import load_company, unit_economics

    doc = yaml.safe_load((Path(__file__).parents[1] / "data" / "lumora.yaml").read_text(
        encoding="utf-8"))
    for fig in [x for x in doc["figures"] if x["item"] == "mau"
                and x.get("segment") == "line:chat"]:
        company = {k: v for k, v in fig.items() if k != "segment"}
        if fig["period"] == "H1_2025":
            fig["value"] = company["value"] = 5.0
        doc["figures"].append(company)
    f = tmp_path / "fell.yaml"
    f.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    (row,) = [r for r in unit_economics(load_company(str(f))).rows
              if r.quantity == "S&M per net new MAU (aligned windows, company)"]
    assert row.value is None and row.status == "n/a"
    assert row.basis == "no net new MAU: MAU H1_2025 5,000,000 is not above H1_2024's 6,500,000"
