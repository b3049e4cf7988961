"""Presenters for inference results: terminal tables, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich.table import Table as RichTable

from llmecon.config.serving import ServingAccuracy
from llmecon.inference.calibration import AccuracyRow, Calibration, median_abs
from llmecon.inference.catalog import Catalog
from llmecon.inference.serving import CURRENCY, Fleet, ServingResult
from llmecon.report.common import jsonable
from llmecon.report.richtext import plain
from llmecon.textcells import csv_cell, md_cell

if TYPE_CHECKING:
    from llmecon.inference.frontier import Frontier, FrontierPoint
    from llmecon.inference.modes import RunConfig, RunResult


def _named(given: str, model: str) -> str:
    """The model as the user named it, with the catalog model it is an alias of
    (``DeepSeek-R1 (catalog model DeepSeek-V3)``); a file's path is not repeated."""
    if given.casefold() == model.casefold() or given.endswith((".json", ".yaml", ".yml")):
        return model
    return f"{given} (catalog model {model})"


def _batch_limit(r: ServingResult) -> str:
    """What set the batch: given, the TPOT target, or the KV memory (saying when a TPOT
    target asked for was not the limit)."""
    c = r.config
    if c.batch_per_gpu is not None:
        return "given"
    if c.tpot_ms is None:
        return "set by memory"
    if r.batch_per_gpu >= r.max_batch_per_gpu:
        return f"set by memory: TPOT {r.tpot_ms:,.1f} ms, within the {c.tpot_ms:g} ms target"
    return f"set by the {c.tpot_ms:g} ms TPOT target"


def _f(x: float | None, fmt: str = ",.2f") -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return format(x, fmt)


def _pct(share: float | None, fmt: str) -> str:
    """A share as a percentage, or ``n/a`` (no trailing sign) where there is none."""
    text = _f(None if share is None else share * 100, fmt)
    return text if text == "n/a" else text + "%"


def serving_table(r: ServingResult) -> RichTable:
    c = r.config
    stages = f", {c.pp} pipeline stages" if c.pp > 1 else ""
    t = RichTable(title=plain(f"{_named(c.model, r.model)} on {c.gpus} x {r.gpu} "
                              f"({c.precision} weights, "
                              f"{c.kv_dtype} KV{stages})"), title_justify="left",
                  header_style="bold")
    t.add_column("quantity")
    t.add_column("value", justify="right")
    t.add_column("unit")
    price = f"USD at ${r.gpu_hour_price:g}/GPU-hour ({r.price_source})" if r.gpu_hour_price \
        is not None else f"USD: no GPU-hour price bundled for {r.gpu}; give --gpu-price"
    rows: list[tuple[str, str, str]] = [
        ("workload", f"{c.input_tokens:,.0f} in / {c.output_tokens:,.0f} out", "tokens"),
        ("batch per GPU (max that fits)", f"{r.batch_per_gpu:,.0f} ({r.max_batch_per_gpu:,.0f})",
         f"sequences; {_batch_limit(r)}"),
        ("weights per GPU", _f(r.weights_gb_per_gpu, ",.1f"), "GB"),
        ("KV cache per sequence", _f(r.kv_gb_per_sequence * 1e3, ",.1f"), "MB"),
        ("prefill throughput", _f(r.prefill_tokens_per_gpu_s, ",.0f"), "tokens/s per GPU"),
        ("decode throughput", _f(r.decode_tokens_per_gpu_s, ",.0f"), "tokens/s per GPU"),
        ("time per output token (TPOT)", _f(r.tpot_ms, ",.1f"), "ms"),
        ("time to first token (no queue)", _f(r.ttft_ms, ",.0f"), "ms"),
        (f"decode step: attention / dense / experts / comm{' / pipeline' if c.pp > 1 else ''}"
         " / fixed", f"{r.attention_ms:.1f} / {r.dense_ms:.1f} / {r.experts_ms:.1f} / "
         f"{r.comm_ms:.1f}{f' / {r.pipeline_ms:.1f}' if c.pp > 1 else ''} / {r.fixed_ms:.1f}",
         f"ms (bound: {r.bound})" + (
             f"; a step yields {r.step_ms / r.tpot_ms:.2f} tokens (MTP)"
             if c.mtp_draft and r.tpot_ms else "")),
        ("cost per M input tokens, cache miss", _f(r.cost_input_miss, ",.4f"), price),
        ("cost per M input tokens, cache hit", _f(r.cost_input_hit, ",.5f"),
         f"USD: read + ${c.kv_storage_price_per_gb_hour:g}/GB-h x "
         f"{c.cache_retention_hours:g} h"),
        ("cost per M output tokens", _f(r.cost_output, ",.4f"), "USD"),
    ]
    for row in rows:
        t.add_row(*(plain(v) for v in row))
    return t


def expected_error(acc: ServingAccuracy | None) -> str:
    """One line on how far predictions fall from measured runs (leave one model out)."""
    if acc is None:
        return "expected error: not recorded for these serving factors"
    e = acc.leave_one_model_out
    return (f"expected error, from {acc.table} with each model's runs predicted by factors "
            f"fitted without it: TTFT median {e.ttft_median:.0%} (p90 {e.ttft_p90:.0%}), TPOT "
            f"median {e.tpot_median:.0%} (p90 {e.tpot_p90:.0%})")


def model_note(engine: str) -> str:
    """Which model answered: the serving model with one engine's fitted factors."""
    return (f"serving model with the {engine} factors fitted on measured runs (the model of "
            "'inference run', 'frontier' and 'predict'; --engine to change): decode steps "
            "at the given batch, prefill in full chunks, no queueing")


def error_json(acc: ServingAccuracy | None) -> dict[str, Any] | None:
    """The recorded accuracy for JSON output (None when not recorded)."""
    return None if acc is None else {**acc.model_dump(), "meaning": (
        "median and 90th percentile of |predicted / measured - 1|; leave_one_model_out: "
        "each model's rows predicted by factors fitted without that model")}


def layout(c: RunConfig) -> str:
    """A deployment's workers and parallelism in words (agg: one worker; disagg: prefill
    and decode workers)."""
    def worker(tp: int, pp: int, dp: int = 1) -> str:
        parts = [f"TP {tp}"] + ([f"attention DP {dp}"] if dp > 1 else []) \
            + ([f"PP {pp}"] if pp > 1 else [])
        return " x ".join(parts)

    decode = worker(c.tp, c.pp, c.attention_dp)
    if c.mode == "agg":
        return f"1 worker of {decode}"
    return (f"{c.prefill_workers} prefill worker(s) of {worker(c.prefill_tp, c.prefill_pp)}, "
            f"{c.decode_workers} decode worker(s) of {decode}")


def run_table(r: RunResult, acc: ServingAccuracy | None) -> list[Any]:
    """``inference run``: one deployment's latency, throughput and cost, then its expected
    error."""
    from llmecon.report.terminal import key_values

    c = r.config
    cost = "n/a (no GPU-hour price)" if r.cost_per_m_output is None else \
        f"{r.cost_per_m_output:,.3f} USD at ${c.gpu_hour_price:g}/GPU-hour"
    return [key_values(f"{c.model} on {r.gpus} x {c.gpu}, {c.mode}, {c.engine}, {c.precision}", [
        ("workload", f"{c.isl:,.0f} in / {c.osl:,.0f} out, {c.concurrency} in flight"),
        ("layout", layout(c)),
        ("time to first token (TTFT)", f"{r.ttft_ms:,.0f} ms"),
        ("time per output token (TPOT)", f"{r.tpot_ms:,.1f} ms"),
        ("tokens/s per user", f"{r.tokens_per_s_per_user:,.1f}"),
        ("output tokens/s per GPU", f"{r.output_tokens_per_s_per_gpu:,.0f}"),
        ("requests whose KV cache fits", f"{r.max_sequences:,.0f}"),
        ("binding limit", r.bound),
        ("cost per M output tokens (all GPU time)", cost)]),
        *([f"note: {r.precision_note}"] if r.precision_note else []), expected_error(acc)]



#: A frontier point's fields: the label of the chosen point's table and the unit of the
#: JSON's ``units`` (the CSV and JSON keep the field names).
FRONTIER_FIELDS: dict[str, tuple[str, str]] = {
    "tp": ("tensor-parallel degree", "GPUs"),
    "attention_dp": ("attention data-parallel degree", "GPUs"),
    "pp": ("pipeline stages", "stages"),
    "gpus": ("GPUs per worker", "GPUs"),
    "nodes": ("nodes per worker", "nodes"),
    "concurrency": ("requests in flight per worker", "requests"),
    "ttft_ms": ("time to first token (ms)", "ms"),
    "tpot_ms": ("time per output token (ms)", "ms"),
    "tokens_per_s_per_user": ("output tokens/s per user", "tokens/s"),
    "output_tokens_per_s_per_gpu": ("output tokens/s per GPU", "tokens/s"),
    "cost_per_m_output": (f"cost per M output tokens, all GPU time ({CURRENCY})",
                          f"{CURRENCY} per million output tokens"),
    "cost_per_m_input_alone": (f"cost per M prompt tokens alone, all GPU time ({CURRENCY})",
                               f"{CURRENCY} per million prompt tokens"),
    "cost_per_request": (f"cost per request ({CURRENCY})", f"{CURRENCY} per request"),
    "bound": ("binding limit", "")}

#: Units of a fleet's numbers (``Fleet.to_dict``).
FLEET_UNITS = {
    "prefill_gpus_average": "GPUs", "decode_gpus_average": "GPUs", "nodes_average": "nodes",
    "nodes_peak": "nodes", "daily_cost": f"{CURRENCY} per day",
    "daily_cost_at_average": f"{CURRENCY} per day", "daily_cost_at_peak": f"{CURRENCY} per day",
    "daily_revenue": f"{CURRENCY} per day", "gross_margin": "share of revenue",
    "cost_profit_margin": "share of cost",
    "cost_per_million_output_equivalent": f"{CURRENCY} per million output tokens",
    "gpus_per_node": "GPUs", "price_input_hit_used": f"{CURRENCY} per million input tokens",
    "replica_gpus": "GPUs", "prefill_replica_gpus": "GPUs"}


def frontier_json(front: Frontier, point: FrontierPoint | None, fleet: Fleet | None,
                  acc: ServingAccuracy | None) -> str:
    """``inference frontier --format json``: strict JSON (``null`` where nothing is chosen),
    with the currency and the unit of every number of a point and of the fleet."""
    return to_json({
        "model": front.model, "gpu": front.gpu, "engine": front.engine,
        "precision": front.precision, "precision_note": front.precision_note or None,
        "isl": front.isl, "osl": front.osl,
        "currency": CURRENCY, "gpu_hour_price": front.gpu_hour_price,
        "evaluated": front.evaluated,
        "units": {"isl": "tokens per request", "osl": "tokens per request",
                  "gpu_hour_price": f"{CURRENCY} per GPU-hour",
                  "points": {k: u for k, (_, u) in FRONTIER_FIELDS.items() if u},
                  "fleet": FLEET_UNITS},
        "points": front.to_frame().to_dict(orient="records"),
        "chosen": None if point is None else point.__dict__,
        "fleet": None if fleet is None else fleet.to_dict(),
        "expected_error": error_json(acc)})


def frontier_csv_frame(front: Frontier) -> Any:
    """``inference frontier --format csv``: the points, with the GPU-hour price they are
    priced at and its currency (the costs' currency) on every row."""
    return front.to_frame().assign(gpu_hour_price=front.gpu_hour_price, currency=CURRENCY)


def _point_rows(point: FrontierPoint) -> list[tuple[str, str]]:
    """The chosen point's fields, labelled with their units."""
    return [(FRONTIER_FIELDS[k][0], f"{v:,.4g}" if isinstance(v, float) else str(v))
            for k, v in point.__dict__.items()]


def frontier_parts(front: Frontier, point: FrontierPoint | None, fleet: Fleet | None,
                   interactivity: float | None, acc: ServingAccuracy | None) -> list[Any]:
    """The frontier table, the chosen point and its fleet, and the expected error."""
    from llmecon.report.terminal import frame_table, key_values

    parts: list[Any] = [frame_table(
        f"Frontier: {front.model} on {front.gpu} ({front.engine}, {front.precision}, "
        f"{front.isl:,.0f} in / {front.osl:,.0f} out, ${front.gpu_hour_price:g}/GPU-hour;"
        f" {len(front.points)} of {front.evaluated} configurations; US$ per M output"
        " tokens and per M prompt tokens each charge all the GPU time: not to be added)",
        front.to_frame().rename(columns=_FRONTIER_COLUMNS))]
    if point is not None:
        parts.append(key_values(f"Cheapest at >= {interactivity:g} tokens/s per user",
                                _point_rows(point)))
    if fleet is not None:
        parts += [fleet_table(fleet), f"provisioning: {fleet.provisioning}"]
    if front.precision_note:
        parts.append(f"note: {front.precision_note}")
    return [*parts, expected_error(acc)]


#: short headers for the frontier's terminal table (the JSON and CSV keep the field names)
_FRONTIER_COLUMNS = {
    "tp": "TP", "attention_dp": "attn DP", "pp": "PP", "gpus": "GPUs", "nodes": "nodes",
    "concurrency": "conc.", "ttft_ms": "TTFT ms", "tpot_ms": "TPOT ms",
    "tokens_per_s_per_user": "tok/s/user", "output_tokens_per_s_per_gpu": "out tok/s/GPU",
    "cost_per_m_output": "$/M out", "cost_per_m_input_alone": "$/M in alone",
    "cost_per_request": "$/request", "bound": "bound"}

#: the fleet cost the margins use, by ``Fleet.provisioning``
_PROVISIONED = {"peak": "provisioned for the peak", "average": "following the load"}


def fleet_record(f: Fleet) -> dict[str, Any]:
    """A fleet as one CSV row: its fields (its currency among them) and the reasons for its
    empty cells as JSON text (not a Python mapping)."""
    d = f.to_dict()
    notes = d.pop("notes", None)
    return {**d, "notes": "" if not notes else json.dumps(notes, ensure_ascii=False)}


def _busy_rows(f: Fleet) -> list[tuple[str, str]]:
    """The busy GPUs: on prefill and on decode, or, for aggregated workers whose GPU time
    is not split (a frontier point's), one row that says each GPU does both."""
    if not f.prefill_replica_gpus and not f.prefill_gpus_average:
        return [("GPUs busy (average), each prefilling and decoding",
                 _f(f.decode_gpus_average, ",.1f"))]
    return [("GPUs on prefill (average)", _f(f.prefill_gpus_average, ",.1f")),
            ("GPUs on decode (average)", _f(f.decode_gpus_average, ",.1f"))]


def _replicas(f: Fleet) -> str:
    """The replica sizes a fleet's nodes hold whole."""
    if f.prefill_replica_gpus:
        return f"{f.replica_gpus:,} decode, {f.prefill_replica_gpus:,} prefill"
    return f"{f.replica_gpus:,} (prefill and decode)"


def fleet_table(f: Fleet) -> RichTable:
    t = RichTable(title="Fleet for the daily demand", title_justify="left",
                  header_style="bold")
    t.add_column("quantity")
    t.add_column("value", justify="right")
    for label, value in (
        *_busy_rows(f),
        ("nodes at average / at peak", f"{f.nodes_average:,} / {f.nodes_peak:,}"),
        ("nodes hold whole replicas of (GPUs)", _replicas(f)),
        ("daily cost, provisioned for the peak (USD)", _f(f.daily_cost_at_peak, ",.0f")),
        ("daily cost, following the load (USD)", _f(f.daily_cost_at_average, ",.0f")),
        ("daily revenue at the price list (USD)", _f(f.daily_revenue, ",.0f")),
        (f"gross margin (on the cost {_PROVISIONED[f.provisioning]})",
         _pct(f.gross_margin, ",.1f")),
        ("cost profit margin (profit / cost)", _pct(f.cost_profit_margin, ",.0f")),
        ("fleet cost per M output tokens, prefill included (USD)",
         _f(f.cost_per_million_output_equivalent, ",.3f")),
    ):
        t.add_row(label, value)
    return t


def accuracy_table(rows: Sequence[AccuracyRow], serving: Mapping[str, float],
                   engine: str) -> list[Any]:
    """``inference accuracy``: the published-case calibration's errors and the serving
    model's (``serving``: case id -> error with ``engine``'s factors), then both medians."""
    t = RichTable(title="Inference models against published deployments", title_justify="left",
                  header_style="bold")
    for name in ("case", "predicted", "published", "unit", "error", "leave-one-out",
                 f"serving model ({engine})", "tol."):
        t.add_column(name, justify="left" if name in ("case", "unit") else "right")
    for r in rows:
        t.add_row(*(plain(v) for v in (
            r.case.id, _f(r.predicted, ",.2f"), _f(r.case.published, ",.2f"),
            _unit(r.case.kind), f"{r.error:+.0%}",
            "" if r.loo_error is None else f"{r.loo_error:+.0%}",
            f"{serving[r.case.id]:+.0%}", f"±{r.case.tolerance:.0%}")))
    return [t, _accuracy_summary(rows, serving, engine)]


def _accuracy_summary(rows: Sequence[AccuracyRow], serving: Mapping[str, float],
                      engine: str) -> str:
    text = f"Median absolute error: {median_abs(r.error for r in rows):.1%} " \
        f"over {len(rows)} cases"
    out_of_sample = [r.loo_error for r in rows if r.loo_error is not None]
    if out_of_sample:
        text += f"; leave-one-out (each case predicted from the others): " \
            f"{median_abs(out_of_sample):.1%}"
    inside = sum(abs(serving[r.case.id]) <= r.case.tolerance for r in rows)
    return (text + ".\nThe serving model every command answers with "
            f"({engine} factors, fitted on measured runs; its decode efficiency is this "
            f"calibration's): median {median_abs(serving.values()):.1%}"
            f", {inside} of {len(rows)} cases within their tolerances.")


def calibration_yaml(c: Calibration) -> str:
    """``inference calibrate``: the fitted factors as the ``efficiency:`` block of
    ``data/inference/efficiency.yaml``, with the median errors as comments."""
    e = c.efficiency
    return ("# paste into src/llmecon/data/inference/efficiency.yaml\n"
            f"efficiency:\n  prefill_mfu: {e.prefill_mfu}\n  decode_mfu: {e.decode_mfu}\n"
            f"  decode_bw: {e.decode_bw}\n  network: {e.network}\n"
            f"  memory_reserve: {e.memory_reserve}\n"
            f"# median absolute error {c.median_abs_error:.1%}; leave-one-out median "
            f"{c.loo_median_abs_error:.1%}")


def _unit(kind: str) -> str:
    from llmecon.inference.calibration import UNITS

    return UNITS[kind]


def accuracy_markdown(rows: Sequence[AccuracyRow], serving: Mapping[str, float],
                      engine: str) -> str:
    lines = ["| case | predicted | published | unit | error | leave-one-out | "
             f"serving model ({engine}) | tolerance |", "|---|---:|---:|---|---:|---:|---:|---:|"]
    for r in rows:
        loo = "" if r.loo_error is None else f"{r.loo_error:+.0%}"
        lines.append(f"| {r.case.id} | {r.predicted:,.2f} | {r.case.published:,.2f} | "
                     f"{_unit(r.case.kind)} | {r.error:+.0%} | {loo} | "
                     f"{serving[r.case.id]:+.0%} | ±{r.case.tolerance:.0%} |")
    return "\n".join(lines) + "\n\n" + _accuracy_summary(rows, serving, engine)


def catalog_table(cat: Catalog, what: str) -> RichTable:
    t = RichTable(title=f"Catalog: {what}", title_justify="left", header_style="bold")
    rows: list[list[str]] = []
    if what == "gpus":
        cols = ["name", "BF16 TFLOPS", "FP8 TFLOPS", "INT8 TOPS", "memory GB", "HBM TB/s",
                "scale-up GB/s", "scale-out GB/s", "as of", "conf.", "source"]
        for g in cat.gpus:
            rows.append([g.name, _f(g.bf16_tflops, ",.0f"), _f(g.fp8_tflops, ",.0f"),
                         _f(g.int8_tops, ",.0f"), _f(g.memory_gb, ",.1f"),
                         _f(g.bandwidth_tbs, ",.2f"), _f(g.scale_up_gbs, ",.0f"),
                         _f(g.scale_out_gbs, ",.0f"), g.as_of, g.confidence, g.source])
    elif what == "models":
        cols = ["name", "total B", "active B", "layers", "attention", "experts (top-k)",
                "KV bytes/token (BF16)", "context", "as of", "conf.", "source"]
        for m in cat.models:
            moe = f"{m.routed_experts} ({m.top_k})" if m.is_moe else "dense"
            attn = m.attention + (f", {m.linear_layers} linear" if m.linear_layers else "")
            rows.append([m.name, _f(m.total_params_b, ",.1f"), _f(m.active_params_b, ",.1f"),
                         str(m.layers), attn, moe, f"{m.kv_elements_per_token() * 2:,.0f}",
                         f"{m.context_length:,}", m.as_of, m.confidence, m.source])
    else:
        cols = ["kind", "item", "provider / endpoint", "basis", "input hit", "input miss",
                "output", "price", "as of", "conf.", "source"]
        for p in cat.gpu_prices:
            rows.append(["GPU-hour", p.gpu, p.provider, p.basis, "", "", "",
                         f"{p.price:g} {p.currency}", p.as_of, p.confidence, p.source])
        for a in cat.api_prices:
            rows.append(["API per M", a.model, a.endpoint, "list", _f(a.input_cache_hit, "g"),
                         _f(a.input_cache_miss, "g"), _f(a.output, "g"), a.currency, a.as_of,
                         a.confidence, a.source])
    for c in cols:
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(*(plain(v) for v in r))
    return t


def to_json(obj: dict[str, Any]) -> str:
    return json.dumps(jsonable(obj), indent=2, default=str, allow_nan=False)


def records_to_csv(records: Sequence[dict[str, Any]]) -> str:
    out = io.StringIO()
    if not records:
        return ""
    w = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\n")
    w.writeheader()
    for r in records:
        w.writerow({k: csv_cell(v) for k, v in r.items()})
    return out.getvalue()


def sweep_select(s: Any, csv: bool = True) -> str:
    """The SQL select list that writes a sweep's columns (:meth:`Sweep.columns`) with the
    model and GPU names looked up from their indexes (names quoted for SQL)."""
    def names(values: Sequence[str]) -> str:
        shown = [csv_cell(v) if csv else v for v in values]  # a spreadsheet opens a CSV
        return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in shown) + "]"

    def value(name: str) -> str:  # NaN (no rate: the batch does not fit) written blank
        if name == "fits":  # the one column that is not a float
            return f'"{name}"'
        return f'CASE WHEN isnan("{name}") THEN NULL ELSE "{name}" END AS "{name}"'

    return ", ".join([f"{names(s.models)}[model_index + 1] AS model",
                      f"{names(s.gpus)}[gpu_index + 1] AS gpu",
                      *(value(name) for name, _ in s.COLUMNS)])


#: The sweep's units, which its column names (kept for CSV and Parquet readers) do not say.
SWEEP_UNITS = ("gpu_hour_price in USD per GPU-hour; cost_per_m_* in USD per million tokens; "
               "*_tokens_per_gpu_s in tokens/s per GPU; tpot_ms in ms; a blank where fits is "
               "false: the batch does not fit in memory (no decode rate, TPOT or output "
               "cost; no prefill either when the weights alone do not fit)")


def sweep_table(frame: Any, configurations: int) -> RichTable:
    """The first 200 rows of a sweep (names escaped for rich)."""
    from rich.markup import escape

    t = RichTable(title=f"Sweep: {configurations:,} configurations", title_justify="left",
                  caption=SWEEP_UNITS, caption_justify="left")
    for c in frame.columns:
        t.add_column(escape(str(c)))
    for row in frame.head(200).itertuples(index=False):
        t.add_row(*[("" if v != v else f"{v:,.4g}") if isinstance(v, float)
                    else escape(str(v)) for v in row])
    return t


def error_frame(items: Sequence[tuple[str, Any]]) -> Any:
    """Median and p90 |error| of TTFT and TPOT per named group, as a DataFrame of text."""
    import pandas as pd

    return pd.DataFrame([{"rows of": k, "rows": v.rows,
                          "TTFT median abs. error": f"{v.ttft_median:.1%}",
                          "TTFT p90": f"{v.ttft_p90:.1%}",
                          "TPOT median abs. error": f"{v.tpot_median:.1%}",
                          "TPOT p90": f"{v.tpot_p90:.1%}"} for k, v in items])


def markdown_table(title: str, frame: Any) -> str:
    """A bold title and a Markdown table (first column left-aligned, the rest right)."""
    lines = [f"**{md_cell(title)}**", "", "| " + " | ".join(map(md_cell, frame.columns)) + " |",
             "|---|" + "---:|" * (len(frame.columns) - 1)]
    lines += ["| " + " | ".join(md_cell(v) for v in row) + " |"
              for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def measured_accuracy_parts(acc: Any, table: str, fmt: str) -> list[Any]:
    """``inference accuracy --measured``: the overall and per-group errors as ``fmt``
    (``json``, ``md`` or ``table``; printable parts)."""
    from dataclasses import asdict

    from llmecon.report.terminal import frame_table

    overall = [("in sample (bundled factors)", acc.in_sample)]
    if acc.out_of_sample is not None:
        overall.append(("leave one model out", acc.out_of_sample))
    groups = [("/".join(k), v) for k, v in sorted(acc.groups.items())]
    if fmt == "json":
        return [to_json({"rows": acc.rows, "predicted_share": acc.predicted_share,
                         "overall": {k: asdict(v) for k, v in overall},
                         "groups": {k: asdict(v) for k, v in groups}})]
    title = f"Serving model against {table}: {acc.rows:,} rows, {acc.predicted_share:.1%} " \
            f"predicted, {acc.in_sample.rows:,} scored (predicted, with a measured TTFT and " \
            "TPOT)"
    if fmt == "md":
        return [markdown_table(title, error_frame(overall))]
    return [frame_table(title, error_frame(overall)),
            frame_table("Per model / system / engine / mode (in sample)", error_frame(groups))]
