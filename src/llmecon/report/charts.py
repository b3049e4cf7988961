"""Single charts as PNG or SVG (matplotlib), for slides."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # keep `llmecon --help` fast: this module is imported to list the kinds
    from llmecon.metrics.series import CompanySeries

KINDS = ("revenue-losses", "cost-structure", "margins", "mix", "compute", "cash", "fan")
TITLES = {"revenue-losses": "revenue and losses", "cost-structure": "cost structure",
          "margins": "gross margin by line", "mix": "revenue mix",
          "compute": "compute intensity", "cash": "cash", "fan": "cash fan"}


def render(kind: str, series: Sequence[CompanySeries], path: str | Path,
           sims: dict[str, Any] | None = None) -> Path:
    import matplotlib

    from llmecon.report.formatting import CURRENCY_LABEL

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    p = Path(path)
    fig, axes = plt.subplots(1, max(len(series), 1), figsize=(6.4 * max(len(series), 1), 4),
                             squeeze=False)
    for ax, cs in zip(axes[0], series, strict=False):
        cur = CURRENCY_LABEL.get(cs.currency, cs.currency)
        x = list(range(len(cs.periods)))
        s = cs.series

        def vals(key: str, scale: float = 1.0, s: Any = s) -> list[float]:
            return [float("nan") if v is None else v * scale for v in s[key].values]

        if kind == "revenue-losses":
            ax.bar(x, vals("revenue", 1e-6), label="Revenue")
            ax.plot(x, vals("net_loss", 1e-6), "o-", color="C3", label="Net loss")
            ax.plot(x, vals("adjusted_net_loss", 1e-6), "s--", color="C1",
                    label="Adjusted net loss")
            ax.set_ylabel(f"{cur} m")
        elif kind == "cost-structure":
            keys = ("cost_of_revenue", "rd_expense", "selling_marketing_expense")
            w = 0.27
            for i, k in enumerate(keys):
                ax.bar([v + (i - 1) * w for v in x], vals(k, 1e-6), w, label=s[k].label)
            ax.set_ylabel(f"{cur} m")
        elif kind == "margins":
            for k in ["gross_margin", *[k for k in s if k.startswith("gross_margin[")]]:
                ax.plot(x, vals(k, 100), "o-", label=s[k].label)
            ax.set_ylabel("%")
        elif kind == "mix":
            bottom = [0.0] * len(x)
            for k in [k for k in s if k.startswith("revenue_share[")]:
                v = [0.0 if q != q else q for q in vals(k, 100)]
                ax.bar(x, v, bottom=bottom, label=s[k].label.replace("Share of revenue: ", ""))
                bottom = [a + b for a, b in zip(bottom, v, strict=True)]
            ax.set_ylabel("% of revenue")
        elif kind == "compute":
            for k in ("rd_to_revenue", "rd_compute_to_revenue"):
                ax.plot(x, vals(k, 100), "o-", label=s[k].label)
            ax.set_ylabel("% of revenue")
        elif kind == "cash":
            ax.bar(x, vals("cash_resources", 1e-6), label="Cash + short-term investments")
            ax.set_ylabel(f"{cur} m")
        elif kind == "fan":
            r = (sims or {}).get(cs.company_id)
            if r is not None:
                months = list(range(1, r.horizon_months + 1))
                pc = r.percentiles["cash"] / 1e6
                ax.fill_between(months, pc[0], pc[-1], alpha=0.3, label="p5-p95")
                ax.fill_between(months, pc[1], pc[3], alpha=0.5, label="p25-p75")
                ax.plot(months, pc[2], color="k", label="median")
                ax.axhline(0, color="C3", lw=1)
                ax.set_xlabel("month")
                ax.set_ylabel(f"{cur} m")
        if kind != "fan":
            ax.set_xticks(x, cs.period_labels, rotation=30, ha="right", fontsize=8)
        ax.set_title(f"{cs.name}: {TITLES[kind]}", fontsize=10)
        ax.legend(fontsize=7)
    fig.tight_layout()
    p.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(p, format=p.suffix.lstrip(".").lower())
    plt.close(fig)
    return p
