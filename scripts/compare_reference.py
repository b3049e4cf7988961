"""Compare every bundled company figure with the reference tables, mechanically.

    PYTHONPATH=src .venv/bin/python scripts/compare_reference.py

For each row of shared/reference/prospectus_figures.csv: is it bundled (through the
documented mapping of scripts/build_bundled_data.py), and is the *loaded* figure (base
units, after llmecon's loader) equal to the reference value x scale, with the same
currency, period end, period length, confidence, source URLs and source count? Rows
left out must carry a reason in the mapping. Every bundled figure that no reference row
gives must come from scripts/data/post_listing_figures.csv, and its value must be
printed in shared/reference/post_listing.md (or be a stated derivation).
"""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from datetime import date
from pathlib import Path

from llmecon.statements.io import read_company
from llmecon.units import SCALES

REF = Path("/work/shared/reference")
ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("build", ROOT / "scripts/build_bundled_data.py")
assert spec and spec.loader
build = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build)

CURRENCY = {"RMB": "CNY", "USD": "USD", "HKD": "HKD", "": None}
problems: list[str] = []
left_out: list[str] = []


def scale(unit: str) -> float:
    head = unit.split("_")[0]
    return SCALES.get(head, 1.0)


def check_row(company, row, seen) -> None:
    cid, metric, label = row["company"], row["metric"], row["period"]
    mapping = build.ZHIPU if cid == "zhipu" else build.MINIMAX
    key = (cid, metric, label)
    spec_ = build.OVERRIDES[key] if key in build.OVERRIDES else mapping.get(metric, "MISSING")
    tag = f"{cid} {label} {metric}={row['value']}"
    if spec_ == "MISSING":
        problems.append(f"{tag}: metric not in the build mapping")
        return
    if spec_ is None:
        left_out.append(tag + ("  [low/derived]" if row["confidence"] == "low" else ""))
        return
    item, segment, _role, _tol = spec_
    label = build.PERIOD_LABELS.get(label, label)
    instant = row["period_months"] == "0"
    fig = None
    for f in company.figures:
        if (f.item, f.segment, f.period.label) == (item, segment, label) and \
                f.period.is_instant == (instant or f.period.months == 0):
            fig = f
    if fig is None:
        problems.append(f"{tag}: not found in bundle as {item}/{segment}/{label}")
        return
    seen.add(id(fig))
    want = float(row["value"]) * scale(row["unit"])
    if abs(fig.value - want) > 1e-9 * max(1.0, abs(want)):
        problems.append(f"{tag}: loaded value {fig.value!r} != {want!r} ({row['unit']})")
    if fig.currency != CURRENCY[row["currency"]]:
        problems.append(f"{tag}: currency {fig.currency} != {row['currency']}")
    if fig.period.end != date.fromisoformat(row["period_end"]):
        problems.append(f"{tag}: period end {fig.period.end} != {row['period_end']}")
    if not instant and fig.period.months != int(row["period_months"]):
        problems.append(f"{tag}: months {fig.period.months} != {row['period_months']}")
    if fig.confidence != row["confidence"]:
        problems.append(f"{tag}: confidence {fig.confidence} != {row['confidence']}")
    if fig.source != row["source_url"]:
        problems.append(f"{tag}: source differs")
    if fig.source_count != int(row["source_count"]):
        problems.append(f"{tag}: source_count {fig.source_count} != {row['source_count']}")
    if row["note"].startswith("derived") and "derived" not in fig.note:
        problems.append(f"{tag}: derived in the reference but the note does not say so")


def numbers_in(text: str) -> set[float]:
    return {float(x.replace(",", "")) for x in re.findall(r"\d[\d,]*\.?\d*", text)}


def main() -> int:
    post_md = (REF / "post_listing.md").read_text(encoding="utf-8")
    post_nums = numbers_in(post_md)
    rows = list(csv.DictReader((REF / "prospectus_figures.csv").open(encoding="utf-8")))
    post = list(csv.DictReader((ROOT / "scripts/data/post_listing_figures.csv").open()))
    for cid in ("zhipu", "minimax"):
        company = read_company(cid)
        seen: set[int] = set()
        for row in rows:
            if row["company"] == cid:
                check_row(company, row, seen)
        for f in company.figures:
            if id(f) in seen:
                continue
            match = [r for r in post if r["company"] == cid and r["metric"] == f.item
                     and r["period"] == f.period.label and (r["segment"] or None) == f.segment]
            if not match:
                problems.append(f"{cid} {f.period.label} {f.item}: in bundle, in no reference")
                continue
            r = match[0]
            v = float(r["value"])
            derived = r["note"].startswith("derived")  # the figure itself, not a side note
            # the value as post_listing.md prints it (US$1.872bn = 1872, US$1.05bn = 1050)
            printed = v in post_nums or v / 1000 in post_nums
            if not printed and not derived:
                problems.append(f"{cid} {f.period.label} {f.item}={v}: value not printed in "
                                "post_listing.md and not marked derived")
            if derived and f.confidence != "low":
                problems.append(f"{cid} {f.period.label} {f.item}: derived but {f.confidence}")
            if f.value != v * scale(r["unit"]):
                problems.append(f"{cid} {f.period.label} {f.item}: loaded {f.value} != {v}")
            if f.source != r["source_url"] or f.confidence != r["confidence"]:
                problems.append(f"{cid} {f.period.label} {f.item}: provenance differs")
            # each URL of the row must appear in post_listing.md, or the row says why
            for url in r["source_url"].split(" | "):
                if url.split("//")[-1].split("/")[0] not in post_md:
                    problems.append(f"{cid} {f.period.label} {f.item}: source {url} is not "
                                    "in post_listing.md")
    print(f"{len(rows)} reference rows; {len(left_out)} left out of the bundle by the mapping")
    for x in left_out:
        print("  left out:", x)
    print(f"{len(problems)} problems")
    for p in problems:
        print("  PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
