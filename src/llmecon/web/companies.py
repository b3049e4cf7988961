"""The companies a dashboard offers: the bundled ones and the files its operator gave at
launch (``llmecon serve --company PATH``), loaded and checked once, before it listens.

A request chooses a company by id only: no request names a file, and no file is read
after the start.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from llmecon.errors import InputError
from llmecon.statements.model import Company


def load_launch_companies(paths: Sequence[str | Path]) -> list[Company]:
    """The company files given at launch, loaded and checked as ``llmecon validate``
    checks them (the same errors: file, field, what was expected).

    An id that is a bundled company's, or another file's, is refused: the dashboard
    chooses companies by id, so two companies with one id could not be told apart.
    """
    from llmecon.api import load_company
    from llmecon.statements.io import bundled_ids, looks_like_path

    bundled = set(bundled_ids())
    # ids are compared case-blind: the command line reads 'ZHIPU' as the bundled zhipu
    folded = {b.casefold(): b for b in bundled}
    out: list[Company] = []
    given: dict[str, tuple[str, str]] = {}
    for p in paths:
        ref = str(p)
        if ref.casefold() in folded:
            raise InputError(f"--company {ref}: a bundled company, shown already; --company "
                             "takes a company file of your own (.yaml or .csv)")
        if not looks_like_path(ref):  # a bare name is a file in the working folder
            ref = f"./{ref}"
        c = load_company(ref)
        key = c.id.casefold()
        if key in folded:
            same = "" if c.id == folded[key] else f" ({folded[key]!r} in another case)"
            raise InputError(f"--company {p}: its id {c.id!r} is a bundled company's{same}; "
                             "the dashboard shows the bundled one already: give the file "
                             "another id (YAML company: id:, CSV company column)")
        if key in given:
            other, other_id = given[key]
            same = "" if c.id == other_id else f" ({other_id!r} in another case)"
            raise InputError(f"--company {p}: its id {c.id!r} is also the id of --company "
                             f"{other}{same}; give each company file its own id")
        given[key] = (str(p), c.id)
        out.append(c)
    return out


class CompanyBook:
    """The bundled companies and the ``extra`` ones loaded at launch, by id."""

    def __init__(self, extra: Sequence[Company] = ()) -> None:
        from llmecon.statements.io import bundled_ids

        self.bundled = tuple(bundled_ids())
        self.extra = {c.id: c for c in extra}
        if twice := sorted(set(self.bundled) & set(self.extra)):
            raise InputError(f"companies: {', '.join(twice)} would be both bundled and "
                             "given: give the file another id")
        if len(self.extra) != len(extra):
            raise InputError("companies: two files give one id; give each its own id")

    @property
    def ids(self) -> tuple[str, ...]:
        return (*self.bundled, *self.extra)

    @cached_property
    def id_type(self) -> Any:
        """The ids as an enumeration (a request's value is checked against it: an unknown
        id is refused naming every known one and the closest)."""
        from llmecon.config.web import CompanyId

        if not self.extra:
            return CompanyId
        # members named c0, c1, ...: an id may be a name Enum refuses ('mro') or one of
        # its attributes ('name', 'value'); requests and routes use the values only
        return Enum("CompanyId", [(f"c{n}", i) for n, i in enumerate(self.ids)], type=str)

    def get(self, company_id: str) -> Company:
        """The company of ``company_id`` (a file given at launch is not read again)."""
        from llmecon.api import load_company

        if company_id in self.extra:
            return self.extra[company_id]
        return load_company(company_id)

    @cached_property
    def listing(self) -> list[dict[str, Any]]:
        """Each company with whether it can be projected (``simulated``; else
        ``why_not``), so the stress-test form offers only those; ``source`` is
        ``bundled`` or ``file`` (given at launch)."""
        return [*_bundled_rows(), *(_row(c, "file") for c in self.extra.values())]


def _row(c: Company, source: str) -> dict[str, Any]:
    from llmecon.errors import LlmeconError
    from llmecon.simulate.loaders import load_base_scenario

    try:
        load_base_scenario(c)
        why = None
    except LlmeconError as e:  # a file given at launch is named, not the server's path
        why = str(e).replace(c.origin, Path(c.origin).name) if c.origin and source == "file" \
            else str(e)
    return {"id": c.id, "name": c.name, "ticker": c.ticker,
            "business_model": c.business_model, "currency": c.currency,
            "periods": [p.label for p in c.duration_periods], "source": source,
            "simulated": why is None, **({"why_not": why} if why else {})}


@cache
def _bundled_rows() -> tuple[dict[str, Any], ...]:
    """The bundled companies' rows (static data: read once a process)."""
    from llmecon.api import load_company
    from llmecon.statements.io import bundled_ids

    return tuple(_row(load_company(i), "bundled") for i in bundled_ids())
