"""Build the bundled company YAML files from the reference table of prospectus figures.

Maintainer tool (not part of the package): it documents how each reference row became a
canonical figure, and which rows were left out because they can be computed from others.

    PYTHONPATH=src python scripts/build_bundled_data.py ../shared/reference/prospectus_figures.csv

(llmecon itself is needed for the Snowflake peer, imported from
``../shared/reference/filings/snowflake_companyfacts.json`` by llmecon.importers.sec.)

Figures published after the prospectuses (MiniMax FY2025 results, later share prices) are
in ``scripts/data/post_listing_figures.csv``, already under canonical item names, with
their sources from ``shared/reference/post_listing.md`` (and, for share prices after the
listing, the page quoted in each row).

Reference metric -> (canonical item, segment, role, tolerance, unit override). Rows mapped
to None are derived in the reference (computable here) or out of scope; the reason is
given beside them.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import yaml

L = "line:"
Spec = tuple[str, str | None, str, float | None] | None

COMMON: dict[str, Spec] = {
    "revenue": ("revenue", None, "raw", None),
    "revenue_growth_yoy": ("revenue_growth_yoy", None, "check", None),
    "cost_of_revenue": ("cost_of_revenue", None, "raw", None),
    "gross_profit": ("gross_profit", None, "check", 0.001),
    "rd_expense": ("rd_expense", None, "raw", None),
    "rd_to_revenue_ratio": ("rd_to_revenue", None, "check", None),
    "selling_marketing_expense": ("selling_marketing_expense", None, "raw", None),
    "advertising_marketing_expense": ("advertising_marketing_expense", None, "raw", None),
    "net_loss": ("net_loss", None, "raw", None),
    "adjusted_net_loss": ("adjusted_net_loss", None, "raw", None),
    "non_ifrs_adjustments_total": None,  # derived: net loss - adjusted net loss
    "operating_cash_flow": ("operating_cash_flow", None, "raw", None),
    "cash_burn_rate_monthly": ("cash_burn_rate_monthly", None, "raw", None),
    "cash_and_equivalents": ("cash_and_equivalents", None, "raw", None),
    "trade_receivables_turnover_days": ("receivable_days", None, "raw", None),
    "total_headcount": ("headcount", None, "raw", None),
    "rd_headcount": ("rd_headcount", None, "raw", None),
    "rd_headcount_share": ("rd_headcount_share", None, "raw", None),
    "revenue_per_employee": None,  # derived: revenue / headcount
    "listing_date": None,  # company metadata
    "offer_price": ("offer_price", None, "raw", None),
    "gross_proceeds": ("ipo_gross_proceeds", None, "raw", None),
    "net_proceeds": ("ipo_net_proceeds", None, "raw", None),
    "shares_outstanding_post_ipo": ("shares_outstanding", None, "raw", None),
    "total_liabilities": ("total_liabilities", None, "raw", None),
    "net_assets": ("net_assets", None, "raw", None),
    "current_liabilities": ("current_liabilities", None, "raw", None),
    "bank_borrowings": ("bank_borrowings", None, "raw", None),
    "lease_liabilities": ("lease_liabilities", None, "raw", None),
    "unused_bank_facilities": ("unused_bank_facilities", None, "raw", None),
}

ZHIPU: dict[str, Spec] = {
    **COMMON,
    "revenue_cagr_2022_2024": None,  # derived in the reference; llmecon computes CAGR
    "gross_margin": ("gross_margin", None, "check", None),
    "localized_deployment_revenue_share": ("revenue_share", L + "localized_deployment", "raw",
                                           None),
    "cloud_deployment_revenue_share": ("revenue_share", L + "cloud_deployment", "check", None),
    "localized_deployment_revenue": ("revenue", L + "localized_deployment", "raw", None),
    "cloud_deployment_revenue": ("revenue", L + "cloud_deployment", "raw", None),
    "localized_deployment_gross_margin": ("gross_margin", L + "localized_deployment", "raw",
                                          None),
    "cloud_deployment_gross_margin": ("gross_margin", L + "cloud_deployment", "raw", None),
    "net_loss_to_revenue_ratio": ("net_loss_to_revenue", None, "check", None),
    "rd_compute_service_fee": ("rd_compute_cost", None, "raw", None),
    "rd_compute_share_of_rd": ("rd_compute_share_of_rd", None, "check", None),
    "rd_staff_cost": ("rd_staff_cost", None, "raw", None),
    "cost_of_revenue_compute_share": ("cost_of_revenue_compute_share", None, "raw", None),
    "cost_of_revenue_labor_share": ("cost_of_revenue_labor_share", None, "raw", None),
    "cost_of_revenue_compute": None,  # derived: share x cost of revenue
    "top5_customers_revenue": ("top5_customers_revenue", None, "raw", None),
    "top5_customers_revenue_share": ("top5_customer_share", None, "check", None),
    "largest_customer_revenue_share": None,  # AI-generated page, unverified
    "market_share_china_general_llm": None,  # industry statistic, not a company figure
    "institutional_customers_cumulative": ("customers", None, "raw", None),
    "enterprise_customers": ("customers", None, "raw", None),
    "end_user_devices_served": None,  # not used by any signal
    "developers_served": ("developers", None, "raw", None),
    "daily_avg_tokens": ("daily_tokens", None, "raw", None),
    "localized_deployment_key_customers": None,  # period not stated
    "glm_coding_plan_paying_developers": None,  # post-period
    "revenue_share_mainland_china": ("revenue_share", "region:mainland_china", "raw", None),
    "total_assets": None,  # derived: total liabilities + net assets
    "trade_receivables_gross": ("trade_receivables_gross", None, "raw", None),
    "trade_receivables_loss_allowance": ("trade_receivables_allowance", None, "raw", None),
    "trade_receivables_net": None,  # derived: gross - allowance
    "pre_ipo_post_money_valuation": None,
    "pre_ipo_equity_raised_cumulative": ("equity_raised_cumulative", None, "raw", None),
    "q3_2025_revenue_growth_yoy_expected": None,  # guidance, not a result
    "global_offering_shares": None,
    "hk_public_offer_shares_initial": None,
    "hk_public_offer_shares_final": None,
    "international_offer_shares_final": None,
    "over_allotment_shares": None,
    "gross_proceeds_usd": None,  # a conversion of gross_proceeds
    "hk_public_offer_oversubscription": None,
    "international_offer_oversubscription": None,
    "cornerstone_investors": None,
    "cornerstone_subscription": None,
    "cornerstone_shares": None,
    "market_cap_at_offer_price": None,
    "first_day_open_price": None,
    "first_day_close_price": ("share_price", None, "raw", None),
    "first_day_change": None,
    "market_cap_first_day_close": ("market_capitalisation", None, "check", None),
    "market_cap_second_day_close": None,  # dated the day after the IPO row's date
}

MINIMAX: dict[str, Spec] = {
    **COMMON,
    "gross_margin": ("gross_margin", None, "raw", None),
    "cost_of_revenue": None,  # derived in the reference from the ratio
    "gross_profit": None,  # derived in the reference from the ratio
    "cost_of_revenue_to_revenue": ("cost_of_revenue_to_revenue", None, "check", None),
    "ai_native_products_revenue": ("revenue", L + "ai_native_products", "raw", None),
    "open_platform_enterprise_revenue": ("revenue", L + "open_platform", "raw", None),
    "ai_native_products_revenue_share": ("revenue_share", L + "ai_native_products", "check",
                                         None),
    "open_platform_enterprise_revenue_share": ("revenue_share", L + "open_platform", "check",
                                               None),
    "ai_native_products_gross_margin": ("gross_margin", L + "ai_native_products", "raw", None),
    "open_platform_enterprise_gross_margin": ("gross_margin", L + "open_platform", "raw", None),
    "talkie_xingye_revenue_share": ("revenue_share", "product:talkie_xingye", "raw", None),
    "talkie_xingye_revenue": ("revenue", "product:talkie_xingye", "raw", None),
    "hailuo_revenue_share": ("revenue_share", "product:hailuo", "raw", None),
    "hailuo_revenue": None,  # derived: subscription + in-app
    "hailuo_subscription_revenue": ("revenue", "product_revenue_type:hailuo_subscription",
                                    "raw", None),
    "hailuo_in_app_purchase_revenue": ("revenue", "product_revenue_type:hailuo_in_app", "raw",
                                       None),
    "talkie_xingye_in_app_purchase_revenue": (
        "revenue", "product_revenue_type:talkie_xingye_in_app", "raw", None),
    "overseas_revenue_share": ("overseas_revenue_share", None, "check", None),
    "mainland_china_revenue_share": ("revenue_share", "region:mainland_china", "raw", None),
    "singapore_revenue_share": ("revenue_share", "region:singapore", "raw", None),
    "us_revenue_share": ("revenue_share", "region:us", "raw", None),
    "inference_cloud_cost": ("cost_of_revenue_compute", None, "raw", None),
    "training_cloud_cost_to_revenue": ("rd_compute_cost_to_revenue", None, "raw", None),
    "training_cloud_cost": None,  # derived: ratio x revenue
    "rd_training_compute_share": ("rd_compute_share_of_rd", None, "check", None),
    "net_loss_cumulative_2022_9m2025": None,  # sum of the yearly net losses
    "adjusted_net_loss_margin": ("adjusted_net_loss_to_revenue", None, "check", 0.5),
    "ai_native_avg_mau": ("mau", L + "ai_native_products", "raw", None),
    "total_avg_mau": ("mau", None, "raw", None),
    "open_platform_avg_mau": ("mau", L + "open_platform", "raw", None),
    "talkie_xingye_avg_mau": ("mau", "product:talkie_xingye", "raw", None),
    "hailuo_avg_mau": ("mau", "product:hailuo", "raw", None),
    "minimax_app_avg_mau": ("mau", "product:minimax_app", "raw", None),
    "minimax_audio_avg_mau": ("mau", "product:minimax_audio", "raw", None),
    "paying_users_ai_native": ("paying_users", L + "ai_native_products", "raw", None),
    "arppu": ("arppu", L + "ai_native_products", "raw", None),
    "hailuo_arpu": None,  # period and basis not stated
    "cumulative_individual_users": ("cumulative_users", None, "raw", None),
    "enterprise_and_developer_customers": ("customers", None, "raw", None),
    "open_platform_paying_customers": ("paying_customers", L + "open_platform", "raw", None),
    "financial_assets_current": ("short_term_investments", None, "raw", None),
    "cash_and_financial_assets_total": None,  # derived: sum
    "cash_reserves_as_reported": None,  # definition unclear; see note on cash
    "trade_receivables": ("trade_receivables", None, "raw", None),
    "cash_runway_months": None,  # llmecon computes runway; sources disagree (37/50/53)
    "cumulative_net_funding_raised": ("equity_raised_cumulative", None, "raw", None),
    "cumulative_spend_since_founding": None,
    "pre_ipo_post_money_valuation": None,
    "rd_headcount": None,  # derived: headcount x share
    "offer_price_range_low": None,
    "offer_price_range_high": None,
    "global_offering_shares_base": None,
    "hk_public_offer_shares_initial": None,
    "international_offer_shares_initial": None,
    "offer_shares_after_upsize": None,
    "max_offer_shares_incl_overallotment": None,
    "gross_proceeds_usd": None,
    "hk_public_offer_oversubscription": None,
    "international_offer_oversubscription": None,
    "cornerstone_investors": None,
    "cornerstone_subscription": None,
    "market_cap_at_offer_price_range_low": None,
    "market_cap_at_offer_price_range_high": None,
    "first_day_open_price": None,
    "market_cap_at_open": None,
    "first_day_close_price": ("share_price", None, "raw", None),
    "first_day_change": None,
    "market_cap_first_day_close": ("market_capitalisation", None, "check", 200.0),
}

# (company, metric, period) -> replacement spec, for rows whose role differs by period.
OVERRIDES: dict[tuple[str, str, str], Spec] = {
    # reported rounded to RMB 1m (1.44亿): the check 250.2% implies 143.6, within 1pp
    ("zhipu", "net_loss_to_revenue_ratio", "FY2022"): ("net_loss_to_revenue", None, "check",
                                                        1.0),
    ("zhipu", "rd_compute_share_of_rd", "H1_2025"): None,  # derived 1145/1594.7
    ("zhipu", "localized_deployment_revenue_share", "FY2024"): (
        "revenue_share", L + "localized_deployment", "check", None),
    # H1 2025: the amounts 1.62亿 and 2910万 add up to 0.1% more than revenue. The cloud
    # amount is exact to RMB 10k, the 84.8% share to RMB 0.1m and 1.62亿 to RMB 0.5m: cloud
    # is its amount, the project line revenue less cloud, and the rest check them
    ("zhipu", "localized_deployment_revenue_share", "H1_2025"): (
        "revenue_share", L + "localized_deployment", "check", None),
    ("zhipu", "localized_deployment_revenue", "H1_2025"): (
        "revenue", L + "localized_deployment", "check", 0.5),
    ("zhipu", "localized_deployment_revenue", "FY2022"): None,  # derived 95.5% x revenue
    ("zhipu", "cloud_deployment_revenue", "FY2024"): None,  # derived 312.414 - 264.0
    # receivable days the average-balance formula reproduces (FY2023/FY2024 and FY2024/H1
    # balances are both disclosed); FY2022 has no opening balance, so it stays raw
    ("zhipu", "trade_receivables_turnover_days", "FY2024"): ("receivable_days", None, "check",
                                                              1.0),
    ("zhipu", "trade_receivables_turnover_days", "H1_2025"): ("receivable_days", None, "check",
                                                               1.0),
    # the headcount 888 (657 / 74%) is bundled as the reference gives it, low confidence
    # (not found directly; media put it near 700 after the September 2025 layoffs), so that
    # revenue per employee carries that flag instead of the high one of its two inputs
    ("minimax", "talkie_xingye_revenue", "FY2024"): None,  # derived 63.7% x revenue
    ("minimax", "talkie_xingye_revenue_share", "9M_2025"): (
        "revenue_share", "product:talkie_xingye", "check", None),
    # reported 2,574% / 349% are whole percents
    ("minimax", "rd_to_revenue_ratio", "FY2023"): ("rd_to_revenue", None, "check", 0.5),
    ("minimax", "rd_to_revenue_ratio", "FY2024"): ("rd_to_revenue", None, "check", 0.2),
    ("zhipu", "revenue_growth_yoy", "H1_2025"): ("revenue_growth_yoy", None, "check", 0.5),
    # HK$4,818m is the gross before the over-allotment (29,197,600 shares x HK$165); the
    # FY2025 results' 'IPO proceeds US$0.68bn' exceed its US$619m, so the over-allotment was
    # exercised: the gross with it and the net are in scripts/data/post_listing_figures.csv
    ("minimax", "gross_proceeds", "IPO"): None,
}

# Why a check value needs more than the default tolerance (appended to the figure's note).
TOLERANCE_NOTES: dict[tuple[str, str, str], str] = {
    ("zhipu", "net_loss_to_revenue_ratio", "FY2022"):
        "tolerance 1pp: the net loss is rounded to RMB 1m (1.44亿)",
    ("zhipu", "revenue_growth_yoy", "H1_2025"):
        "tolerance 0.5pp: H1-24 revenue is rounded to RMB 0.1m (4490万)",
    ("zhipu", "localized_deployment_revenue", "H1_2025"):
        "checks revenue - cloud (161.8); tolerance RMB 0.5m: reported rounded to RMB 1m "
        "(1.62亿)",
    ("zhipu", "trade_receivables_turnover_days", "FY2024"):
        "tolerance 1 day: reported in whole days",
    ("zhipu", "trade_receivables_turnover_days", "H1_2025"):
        "tolerance 1 day: reported in whole days",
    ("minimax", "rd_to_revenue_ratio", "FY2023"):
        "tolerance 0.5pp: reported as a whole percent",
    ("minimax", "rd_to_revenue_ratio", "FY2024"):
        "tolerance 0.2pp: R&D is rounded to US$0.1m",
    ("minimax", "adjusted_net_loss_margin", "FY2023"): "tolerance 0.5pp: a whole percent",
    ("minimax", "adjusted_net_loss_margin", "FY2024"): "tolerance 0.5pp: a whole percent",
    ("minimax", "adjusted_net_loss_margin", "9M_2025"): "tolerance 0.5pp: a whole percent",
    ("minimax", "market_cap_first_day_close", "IPO"):
        "tolerance HK$200m: reported rounded to HK$0.1bn; shares outstanding (309.26m) are "
        "from February 2026",
}

PERIOD_LABELS = {"Q3_2025_update": "Q3_2025"}


def unit_of(row: dict[str, str], item: str) -> str:
    unit = row["unit"]
    return {
        "million_per_month": "million_per_month",
        "per_paying_user": "per_paying_user",
        "million_shares": "million_shares",
        "persons": "persons",
        "percent": "percent",
    }.get(unit, unit)


def build(reference: Path, company: str, meta: dict[str, Any], mapping: dict[str, Spec],
          currency: str) -> dict[str, Any]:
    periods: dict[str, dict[str, Any]] = {}
    figures: list[dict[str, Any]] = []
    with reference.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["company"] != company:
                continue
            metric, label = row["metric"], row["period"]
            key = (company, metric, label)
            if metric not in mapping:
                raise SystemExit(f"unmapped reference metric {company}/{metric}")
            spec = OVERRIDES[key] if key in OVERRIDES else mapping[metric]
            if spec is None:
                continue
            item, segment, role, tol = spec
            label = PERIOD_LABELS.get(label, label)
            months = int(row["period_months"])
            p = periods.setdefault(label, {"end": row["period_end"], "months": 0})
            instant = months == 0
            if months:
                p["months"] = months
            fig: dict[str, Any] = {"item": item}
            if segment:
                fig["segment"] = segment
            fig["period"] = label
            if instant:
                fig["instant"] = True
            fig["value"] = float(row["value"])
            fig["unit"] = unit_of(row, item)
            if row["currency"]:
                fig["currency"] = "CNY" if row["currency"] == "RMB" else row["currency"]
            if role != "raw":
                fig["role"] = role
            if tol is not None:
                fig["tolerance"] = tol
            fig["confidence"] = row["confidence"]
            fig["source_count"] = int(row["source_count"])
            fig["source"] = row["source_url"]
            note = "; ".join(x for x in (row["note"], TOLERANCE_NOTES.get(key, "")) if x)
            if note:
                fig["note"] = note
            figures.append(fig)
    figures.extend(_post_listing(company, periods))
    for (owner, label), day in PUBLISHED.items():
        if owner == company:
            periods[label]["published"] = day
    # periods that only hold instants keep months 0 and drop the redundant instant flag
    for fig in figures:
        if periods[fig["period"]]["months"] == 0:
            fig.pop("instant", None)
    return {"company": {"id": company, **meta, "currency": currency}, "periods": periods,
            "figures": figures}


POST_LISTING = Path(__file__).resolve().parent / "data" / "post_listing_figures.csv"
#: When a period's figures became public, where results came out after the listing (a
#: valuation at an earlier date must not use them): MiniMax's FY2025 results were announced
#: on 2 March 2026 (shared/reference/post_listing.md, 5a).
PUBLISHED = {("minimax", "FY2025"): "2026-03-02"}


def _post_listing(company: str, periods: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Figures published after the prospectus, already under canonical names."""
    out: list[dict[str, Any]] = []
    with POST_LISTING.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["company"] != company:
                continue
            label, months = row["period"], int(row["period_months"])
            p = periods.setdefault(label, {"end": row["period_end"], "months": 0})
            if months:
                p["months"] = months
            fig: dict[str, Any] = {"item": row["metric"]}
            if row["segment"]:
                fig["segment"] = row["segment"]
            fig["period"] = label
            if months == 0:
                fig["instant"] = True
            fig["value"] = float(row["value"])
            fig["unit"] = row["unit"]
            if row["currency"]:
                fig["currency"] = row["currency"]
            if row["role"]:
                fig["role"] = row["role"]
            if row["tolerance"]:
                fig["tolerance"] = float(row["tolerance"])
            fig["confidence"] = row["confidence"]
            fig["source_count"] = int(row["source_count"])
            fig["source"] = row["source_url"]
            if row["note"]:
                fig["note"] = row["note"]
            out.append(fig)
    return out


def main(reference: str) -> None:
    ref = Path(reference)
    out = Path(__file__).resolve().parents[1] / "src/llmecon/data/companies"
    zhipu_meta = {
        "name": "Knowledge Atlas Technology (Zhipu AI)",
        "ticker": "2513.HK",
        "exchange": "HKEX",
        "listing_date": "2026-01-08",
        "business_model": "b2b_project",
        "lines": ["localized_deployment", "cloud_deployment"],
        "platform_line": "cloud_deployment",
        "description": (
            "B2B, project-based: on-premise (localized) deployments for government and "
            "state enterprises, and cloud/MaaS API. Figures from secondary sources quoting "
            "the HKEX prospectus; see shared/reference/prospectus_figures.md."),
        "as_of": "2026-03-27",
        "coverage_note": (
            "Latest results: H1 2025 (six months to 30 June 2025, from the prospectus). "
            "FY2025 annual results: not found in the stored sources: five searches for "
            "shared/reference/post_listing.md and four more for this release (English and "
            "Chinese) returned only prospectus-era figures, and the latest stored page (a "
            "longbridge.com analyst post of 27 March 2026) still expects them in April-May "
            "2026. Market data: the listing-day close and one later quoted price."),
    }
    minimax_meta = {
        "name": "MiniMax",
        "ticker": "0100.HK",
        "exchange": "HKEX",
        "listing_date": "2026-01-09",
        "business_model": "c2c_product",
        "lines": ["ai_native_products", "open_platform"],
        "platform_line": "open_platform",
        "description": (
            "C2C, product-based: AI-native apps (Talkie/Xingye, Hailuo, MiniMax app, Audio) "
            "paid by subscription, in-app purchases and ads, mostly overseas; plus an open "
            "platform (API) for enterprises and developers. Figures from secondary sources "
            "quoting the HKEX prospectus; see shared/reference/prospectus_figures.md."),
        "as_of": "2026-03-03",
        "coverage_note": (
            "Latest results: FY2025 (announced 2 March 2026), from secondary sources quoting "
            "the announcement (shared/reference/post_listing.md 5a). Not found for FY2025: "
            "line gross margins, cost breakdown, cash-flow statement, balance sheet beyond "
            "one cash total, paying users; token usage is given only as a multiple (M2 "
            "daily tokens in February 2026 over six times December 2025), not a count."),
    }
    for cid, meta, mapping, cur in (("zhipu", zhipu_meta, ZHIPU, "CNY"),
                                    ("minimax", minimax_meta, MINIMAX, "USD")):
        doc = build(ref, cid, meta, mapping, cur)
        header = (
            f"# {meta['name']} ({meta['ticker']}): figures as disclosed, with sources.\n"
            "# Built by scripts/build_bundled_data.py from "
            "shared/reference/prospectus_figures.csv\n"
            "# and scripts/data/post_listing_figures.csv (figures published after the listing);\n"
            "# conflicts between sources and their resolution are in each figure's note.\n"
            "# Values are in the unit given on each figure; ratios are percent points.\n"
            "# role: check marks a reported ratio or subtotal that llmecon recomputes.\n")
        text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
        (out / f"{cid}.yaml").write_text(header + text, encoding="utf-8")
        print(f"{cid}: {len(doc['figures'])} figures")


def build_snowflake(reference: Path) -> None:
    """The Snowflake peer, imported from its SEC companyfacts file (fiscal years 2023-2026)."""
    from llmecon.importers.sec import import_companyfacts
    from llmecon.statements.io import write_yaml_text

    facts = reference.parent / "filings" / "snowflake_companyfacts.json"
    company = import_companyfacts(facts, company_id="snowflake", since_year=2023)
    from dataclasses import replace

    company = replace(company, ticker="SNOW", exchange="NYSE", business_model="unknown",
                      description=(
                          "Peer: a usage-priced data cloud (customers pay for compute "
                          "consumed), not an AI-model company; the closest disclosed US "
                          "analogue of an API/platform line. Imported from SEC XBRL "
                          "companyfacts (CIK 1640147; edgartools test fixture, MIT licence) by "
                          "llmecon.importers.sec; fiscal years end 31 January."),
                      coverage_note=(
                          "Figures up to the 10-Q for the quarter ended 30 April 2025; no "
                          "market data bundled."))
    out = Path(__file__).resolve().parents[1] / "src/llmecon/data/companies/snowflake.yaml"
    header = ("# Snowflake Inc. (SNOW): figures as filed with the SEC (XBRL companyfacts).\n"
              "# Built by scripts/build_bundled_data.py from shared/reference/filings/;\n"
              "# every figure names its form and accession number.\n")
    out.write_text(header + write_yaml_text(company), encoding="utf-8")
    print(f"snowflake: {len(company.figures)} figures")


if __name__ == "__main__":
    ref = sys.argv[1] if len(sys.argv) > 1 else "../shared/reference/prospectus_figures.csv"
    main(ref)
    build_snowflake(Path(ref))
