"""Consistency audit: gather the same headline figures from every output and compare them.

Run from the clone's root:  PYTHONPATH=src .venv/bin/python scripts/consistency.py [OUT_DIR]

Every figure is keyed by (company, metric key, period). Each output contributes the value
(where it carries one: JSON, CSV, Excel, the API, the dashboard) and the text a reader sees
(terminal table, markdown, HTML, the JSON ``text`` field). A disagreement is a different
value (relative difference above 1e-9), a different text, or a different period for the
same key. Prints the disagreements and writes every figure to OUT_DIR/figures.csv.
"""

from __future__ import annotations

import csv
import html as htmllib
import io
import json
import math
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/c35/audit")
COMPANIES = {
    "zhipu": "zhipu",
    "minimax": "minimax",
    "consco": str(ROOT / "scripts/data/consco.csv"),
}
SEED, PATHS = 7, 500
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "250"}
PY = str(ROOT / ".venv/bin/python")

# (company, key, period) -> source -> {"value": float|None, "text": str|None}
KEY_OF_LABEL: dict[str, str] = {}
UE_JSON: dict[str, dict] = {}
NATIVE = {"zhipu": "CNY", "minimax": "USD", "consco": "USD"}
FIG: dict[tuple[str, str, str], dict[str, dict]] = defaultdict(dict)


def llmecon(*args: str) -> str:
    p = subprocess.run([PY, "-m", "llmecon", *args], capture_output=True, text=True,
                       env=ENV, cwd=ROOT, check=False)
    if p.returncode != 0:
        raise SystemExit(f"llmecon {' '.join(args)} failed: {p.stderr.strip()}")
    return p.stdout


def put(company: str, key: str, period: str, source: str, value=None, text=None) -> None:
    FIG[(company, key, period)][source] = {"value": value, "text": text}


def from_compare_json(d: dict, source: str, only_company: str | None = None) -> None:
    for t in d["tables"]:
        for r in t["rows"]:
            for col, c in zip(t["columns"], r["cells"], strict=True):
                if only_company and col["company"] != only_company:
                    continue
                put(col["company"], f"{t['title']}:{r['key']}", col["period"], source,
                    c["value"], c["text"])
    for s in d["signals"]:
        lt = s["latest"]
        put(s["company"], f"signal:{s['signal']}", lt["period"], source, lt["value"], lt["text"])
        put(s["company"], f"signal-change:{s['signal']}", lt["period"], source, s["change"],
            s.get("change_text"))


def from_compare_csv(text: str, source: str) -> None:
    for row in csv.DictReader(io.StringIO(text)):
        table = "signal" if row["table"] == "Signals" else row["table"]
        v = row["value"]
        val = None if v == "" else float(v)
        put(row["company"], f"{table}:{row['metric']}", row["period"], source, val, None)


def md_cells(text: str) -> dict[tuple[str, str], str]:
    """(row label, column header) -> cell text of every markdown table."""
    out: dict[tuple[str, str], str] = {}
    header: list[str] | None = None
    for line in text.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
        elif not set(line) <= set("|-: "):
            for h, c in zip(header[1:], cells[1:], strict=False):
                out[(cells[0], h)] = c
    return out


def rich_cells(text: str) -> dict[str, list[str]]:
    """Row label -> the cells of a rich (terminal) table row."""
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.startswith("│"):
            cells = [c.strip() for c in line.strip().strip("│").split("│")]
            if cells[0]:
                out.setdefault(cells[0], cells[1:])
    return out


def label_index(d: dict) -> dict[tuple[str, str], str]:
    """(table title, row label) -> row key, from a compare JSON."""
    return {(t["title"], r["label"]): r["key"] for t in d["tables"] for r in t["rows"]}


def gather_cli() -> dict[str, dict]:
    jsons = {}
    for cid, ref in COMPANIES.items():
        d = json.loads(llmecon("compare", ref, "--format", "json"))
        jsons[cid] = d
        from_compare_json(d, "compare.json")
        from_compare_json(json.loads(llmecon("compare", ref, "--format", "json", "--currency",
                                             "USD")), "compare.json USD")
        from_compare_csv(llmecon("compare", ref, "--format", "csv"), "compare.csv")
        labels = label_index(d)
        period = d["tables"][0]["columns"][0]["period"]
        md = md_cells(llmecon("compare", ref, "--format", "md"))
        for (label, _hdr), text in md.items():
            for (title, lab), key in labels.items():
                if lab == label:
                    put(cid, f"{title}:{key}", period, "compare.md", None, text)
        rich = rich_cells(llmecon("compare", ref))
        for (title, lab), key in labels.items():
            if lab in rich:  # the signals table shares labels: the first row wins
                put(cid, f"{title}:{key}", period, "compare.table", None, rich[lab][0])
        sh = json.loads(llmecon("show", ref, "--format", "json"))
        from_compare_json(sh, "show.json")
        from_compare_csv(llmecon("show", ref, "--format", "csv"), "show.csv")
        shmd = md_cells(llmecon("show", ref, "--format", "md"))
        for (label, hdr), text in shmd.items():
            m = re.match(r"\S+ (\S+)", hdr)
            for (title, lab), key in label_index(sh).items():
                if lab == label and m:
                    put(cid, f"{title}:{key}", m.group(1), "show.md", None, text)
    return jsons


def gather_peers(jsons: dict[str, dict]) -> None:
    keys = sorted({s["signal"] for d in jsons.values() for s in d["signals"]})
    for key in keys:
        d = json.loads(llmecon("peers", key, *COMPANIES.values(), "--format", "json"))
        for e in d["entries"]:
            native = NATIVE.get(e["company"])
            conv = e.get("currency") not in (None, native)
            put(e["company"], f"signal:{key}", str(e.get("period")).split(" ")[0],
                f"peers.json{' USD' if conv else ''}", e.get("value"), e.get("text"))


def gather_other() -> None:
    """ttm, valuation (TTM revenue), unit economics (JSON, table text)."""
    for e in json.loads(llmecon("ttm", *COMPANIES.values(), "--as-of", "2025-12-31",
                                "--format", "json")):
        put(e["company_id"], "Unit economics:revenue_ttm", e["period_label"], "ttm.json",
            e["value"])
    for cid in ("zhipu", "minimax"):
        for v in json.loads(llmecon("valuation", cid, "--format", "json")):
            m = re.search(r"TTM revenue to (\S+) \((?:TTM = \S+ \+ )?(\S+?)[ )]", " ".join(
                v["basis"]))
            if m:  # the TTM to a period end: the period is the basis's latest label
                put(cid, "Unit economics:revenue_ttm", m.group(2).strip("()"),
                    "valuation.json", v["ttm_revenue"])
        ue = json.loads(llmecon("unit-economics", cid, "--format", "json"))
        for r in ue["rows"]:
            put(cid, f"ue:{r['line']}:{r['quantity']}", "latest", "unit-economics.json",
                r["value"] if isinstance(r["value"], (int, float)) else None)
        UE_JSON[cid] = ue


def gather_api() -> None:
    from llmecon.api import compare, load_company

    for cid, ref in COMPANIES.items():
        ue, cf, sig = compare([load_company(ref)])
        for t in (ue, cf):
            for _, r in t.to_frame(detail=True).iterrows():
                put(cid, f"{t.title}:{r['metric']}", str(r["period"]), "api", r["value"])
        for _, r in sig.to_frame().iterrows():
            put(cid, f"signal:{KEY_OF_LABEL.get(r['signal'], r['signal'])}", str(r["period"]),
                "api", r["value"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def gather_dashboard() -> dict:
    port, token = free_port(), secrets.token_hex(16)
    cmd = [PY, "-m", "llmecon", "serve", "--port", str(port), "--token", token, "--store",
           str(OUT / "runs.duckdb")]
    proc = subprocess.Popen(cmd, env=ENV, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                get(base, "/api/stresses", token)
                break
            except OSError:
                time.sleep(0.2)
        for cid in ("zhipu", "minimax"):
            from_compare_json(get(base, f"/api/compare?companies={cid}", token), "dashboard")
        job = post(base, "/api/simulations", token, {"company": "minimax", "paths": PATHS,
                                                      "seed": SEED})
        for _ in range(300):
            j = get(base, f"/api/simulations/{job['job_id']}", token)
            if j["status"] in ("done", "failed", "cancelled"):
                break
            time.sleep(0.5)
        return {"ue": {c: get(base, f"/api/unit-economics/{c}", token)
                       for c in ("zhipu", "minimax")}, "sim": j}
    finally:
        proc.terminate()
        proc.wait(10)


def get(base: str, path: str, token: str) -> dict:
    req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def post(base: str, path: str, token: str, body: dict) -> dict:
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Authorization": f"Bearer {token}",
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def gather_report(jsons: dict[str, dict]) -> None:
    import openpyxl

    html_path, xlsx_path = OUT / "report.html", OUT / "report.xlsx"
    refs = list(COMPANIES.values())
    llmecon("report", *refs, "--paths", str(PATHS), "--seed", str(SEED), "-o", str(html_path),
            "--force")
    llmecon("report", *refs, "--paths", str(PATHS), "--seed", str(SEED), "--format", "xlsx",
            "-o", str(xlsx_path), "--force")
    page = html_path.read_text()
    order = list(COMPANIES)
    for title in ("Unit economics", "Cash-flow structure"):
        m = re.search(rf'<table data-table="{title}">(.*?)</table>', page, re.S)
        assert m, title
        for row in re.findall(r"<tr>(.*?)</tr>", m.group(1), re.S)[1:]:
            cells = [htmllib.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                     for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for cid, text in zip(order, cells[1:], strict=True):
                key = label_index(jsons[cid]).get((title, cells[0]))
                if key:
                    period = jsons[cid]["tables"][0]["columns"][0]["period"]
                    put(cid, f"{title}:{key}", period, "report.html", None, text)
    wb = openpyxl.load_workbook(xlsx_path)
    for title in ("Unit economics", "Cash-flow structure"):
        ws = wb[title]
        rows = list(ws.iter_rows(values_only=True))
        for row in rows[1:]:
            for cid, v in zip(order, row[1:], strict=True):
                key = label_index(jsons[cid]).get((title, row[0]))
                if key:
                    period = jsons[cid]["tables"][0]["columns"][0]["period"]
                    put(cid, f"{title}:{key}", period, "report.xlsx",
                        v if isinstance(v, (int, float)) else None,
                        v if isinstance(v, str) else None)


def simulations(dash: dict) -> list[str]:
    """The base stress test of minimax: simulate (JSON), report (Excel), dashboard."""
    import openpyxl

    cli = json.loads(llmecon("simulate", "minimax", "--paths", str(PATHS), "--seed", str(SEED),
                             "--no-save", "--format", "json"))
    ws = openpyxl.load_workbook(OUT / "report.xlsx")["Sim minimax base"]
    rows = {(r[0], r[1]): r for r in ws.iter_rows(values_only=True)}
    hdr = list(next(ws.iter_rows(values_only=True)))
    out = []
    horizon = cli["summary"]["horizon_months"]
    for q in ("p5", "p25", "p50", "p75", "p95"):
        c = cli["summary"]["cash_at_horizon"][q]
        x = rows[("cash", horizon)][hdr.index(q)]
        w = dash["sim"]["result"]["cash"][q][-1] if dash else None
        if not (c == x == w):
            out.append(f"minimax base cash at month {horizon} {q}: simulate {c}, report {x}, "
                       f"dashboard {w}")
    text = llmecon("simulate", "minimax", "--paths", str(PATHS), "--seed", str(SEED),
                   "--no-save")
    m = re.search(r"P\(cash < 0 within the horizon\): (\S+?);", text)
    wt = (dash["sim"]["result"].get("text") or {}).get("prob_cash_out_text") if dash else None
    if m and wt is not None and m.group(1) != wt:
        out.append(f"minimax P(cash<0) text: simulate {m.group(1)}, dashboard {wt}")
    pc = cli["prob_cash_out"] if isinstance(cli["prob_cash_out"], list) else None
    pw = dash["sim"]["result"]["prob_cash_out"] if dash else None
    if pc is not None and pw is not None and pc != pw:
        out.append(f"minimax P(cash<0) by month: simulate {pc[:6]}..., dashboard {pw[:6]}...")
    return out


def norm_text(t: str) -> str:
    return re.sub(r"\s+", " ", str(t)).strip()


def disagreements() -> list[str]:
    return _disagreements(False) + _disagreements(True)


def _disagreements(usd: bool) -> list[str]:
    out = []
    for (cid, key, period), by in sorted(FIG.items(), key=lambda kv: str(kv[0])):
        vals = {s: v["value"] for s, v in by.items() if v["value"] is not None
                and not (isinstance(v["value"], float) and math.isnan(v["value"]))
                and ("USD" in s) == usd}
        texts = {s: norm_text(v["text"]) for s, v in by.items() if v["text"] is not None
                 and ("USD" in s) == usd and not key.startswith("signal-change")}
        nums = [float(v) for v in vals.values() if not isinstance(v, str)]
        if nums and max(nums) - min(nums) > 1e-9 * max(1.0, max(abs(x) for x in nums)):
            out.append(f"VALUE {cid} {key} {period}: {vals}")
        if len(set(texts.values())) > 1:
            out.append(f"TEXT  {cid} {key} {period}: {texts}")
    return out


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT / "src"))
    jsons = gather_cli()
    KEY_OF_LABEL.update({s["label"]: s["signal"] for d in jsons.values()
                         for s in d["signals"]})
    gather_api()
    gather_other()
    gather_peers(jsons)
    gather_report(jsons)
    dash = gather_dashboard() if "--no-serve" not in sys.argv else {}
    for cid, ue in dash.get("ue", {}).items():
        for r in ue["rows"]:
            put(cid, f"ue:{r['line']}:{r['quantity']}", "latest", "dashboard",
                r["value"] if isinstance(r["value"], (int, float)) else None)
    import openpyxl

    wb = openpyxl.load_workbook(OUT / "report.xlsx")
    for cid in ("zhipu", "minimax"):
        for row in list(wb[f"UE {cid}"].iter_rows(values_only=True))[1:]:
            put(cid, f"ue:{row[0]}:{row[2]}", "latest", "report.xlsx",
                row[3] if isinstance(row[3], (int, float)) else None)
    problems = disagreements() + simulations(dash)
    with open(OUT / "figures.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["company", "key", "period", "source", "value", "text"])
        for (cid, key, period), by in sorted(FIG.items(), key=lambda kv: str(kv[0])):
            for s, v in by.items():
                w.writerow([cid, key, period, s, v["value"], v["text"]])
    print("\n".join(problems) or "no disagreement")
    print(f"{len(FIG)} figures, {sum(len(v) for v in FIG.values())} readings; "
          f"{len(problems)} disagreements; all figures in {OUT / 'figures.csv'}")


if __name__ == "__main__":
    main()
