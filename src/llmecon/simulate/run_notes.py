"""What a stress run says beside its figures, on the command line (``llmecon simulate``,
``scenario show``) and on the dashboard alike: a stress that cannot move the company, what a
financing preset takes away, a projection that starts before the newest period."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from llmecon.simulate.preset_checks import financing_notes, inert_stresses


def older_start(company: Any, s: Any) -> list[str]:
    """A note when the projection starts before the company's newest period (that period
    does not disclose all the calibration needs): which period, and what it lacks."""
    from llmecon.metrics.resolve import newer_periods_lacking
    from llmecon.simulate.calibrate import CALIBRATION_NEEDS

    start = next((p for p in company.duration_periods if p.end == s.start), None)
    if start is None:
        return []
    newer = newer_periods_lacking(company, start, CALIBRATION_NEEDS)
    if not newer:
        return []
    why = "; ".join(f"{label} does not disclose {', '.join(missing)}"
                    for label, missing in newer)
    return [f"the projection starts at {start.label} ({s.start}), not at a newer period: "
            f"{why} (it needs {', '.join(CALIBRATION_NEEDS)}; add them to start later)"]


def run_notes(company: Any, s: Any, unstressed: Any, names: Sequence[str],
              all_flag: str = "--financing all") -> list[str]:
    """Everything a stress run says beside its figures (the command line and the
    dashboard alike): stresses that cannot move this company, what a financing preset
    takes away, and a projection that starts before the newest period."""
    from llmecon.simulate.scenario import stress_presets

    return [*inert_stresses(s), *financing_notes(unstressed, names, stress_presets(),
                                                 all_flag),
            *older_start(company, s)]
