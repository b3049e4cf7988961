"""Catalogs of GPUs, model architectures and prices (bundled YAML; users add their own).

Every row carries ``as_of`` and ``source``. A user's file has the same shape as the
bundled one (``gpus:``, ``models:``, ``gpu_hour:`` / ``api:``); pass it with
``--catalog FILE`` and refer to its rows by name, or give the path of a file holding one
row where a GPU or model name is expected.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from llmecon.config.base import parse_config
from llmecon.config.inference import (
    ApiPrice,
    CatalogFile,
    Gpu,
    GpuPrice,
    HfModelRow,
    Model,
    as_of_parts,
    price_after_period,
)
from llmecon.errors import InputError, NotFoundError
from llmecon.inference.architecture import (
    check_stated_counts,
    load_hf_model,
    model_from_hf_config,
    parse_config_json,
    read_config_json,
)

#: The order in which :meth:`Catalog.gpu_price` prefers a basis when it picks one price per
#: GPU: what a company renting today pays first (a row whose basis is not stated counts as a
#: rental list price), then a committed rental, an implied price, an owner's cost, spot.
BASIS_PREFERENCE: dict[str, int] = {"on-demand": 0, "unknown": 0, "reserved": 1,
                                    "implied": 2, "owned": 3, "spot": 4}

#: Rank of a confidence flag when two rows are otherwise equal (higher wins).
CONFIDENCE_RANK: dict[str, int] = {"high": 3, "medium": 2, "low": 1, "unknown": 0}

__all__ = ["BASIS_PREFERENCE", "ApiPrice", "Catalog", "Gpu", "GpuPrice", "Model",
           "catalog_from_mapping", "load_catalog", "load_catalog_file"]


@dataclass(frozen=True)
class Catalog:
    gpus: tuple[Gpu, ...] = ()
    models: tuple[Model, ...] = ()
    gpu_prices: tuple[GpuPrice, ...] = ()
    api_prices: tuple[ApiPrice, ...] = ()
    sources: tuple[str, ...] = field(default=())

    def __repr__(self) -> str:
        return (f"Catalog({len(self.gpus)} GPUs, {len(self.models)} models, "
                f"{len(self.gpu_prices)} GPU-hour prices, {len(self.api_prices)} API prices; "
                f"from {', '.join(self.sources) or 'nothing'})")

    def to_yaml(self) -> str:
        """The catalog as one YAML file of the shape :func:`load_catalog_file` reads."""
        return CatalogFile(gpus=self.gpus, models=self.models, gpu_hour=self.gpu_prices,
                           api=self.api_prices).to_yaml()

    def _find(self, rows: Sequence[Any], name: str, kind: str) -> Any:
        key = name.strip().lower()
        for r in rows:
            if r.name.lower() == key or key in (a.lower() for a in r.aliases):
                return r
        known = ", ".join(r.name for r in rows)
        raise NotFoundError(f"unknown {kind} {name!r}; known: {known} (or add yours with "
                            f"--catalog FILE)")

    def gpu(self, name: str) -> Gpu:
        if _is_path(name):
            found: Gpu = _single(load_catalog_file(Path(name)).gpus, name, "GPU")
            return found
        gpu: Gpu = self._find(self.gpus, name, "GPU")
        return gpu

    def model(self, name: str) -> Model:
        if name.lower().endswith(".json"):
            return load_hf_model(name)
        if _is_path(name):
            found: Model = _single(load_catalog_file(Path(name)).models, name, "model")
            return found
        model: Model = self._find(self.models, name, "model")
        return model

    def merged(self, other: Catalog) -> Catalog:
        """This catalog with another's rows added (rows of the same name are replaced)."""
        def merge(a: Sequence[Any], b: Sequence[Any]) -> tuple[Any, ...]:
            names = {x.name.lower() for x in b}
            return tuple(x for x in a if x.name.lower() not in names) + tuple(b)

        return Catalog(merge(self.gpus, other.gpus), merge(self.models, other.models),
                       self.gpu_prices + other.gpu_prices, self.api_prices + other.api_prices,
                       self.sources + other.sources)

    def gpu_prices_for(self, gpu: str) -> tuple[GpuPrice, ...]:
        """Every GPU-hour price in the catalog for a GPU (or an alias), in file order; none
        for a GPU the catalog does not hold (one read from its own file with --gpu FILE)."""
        try:
            g = self.gpu(gpu).name.lower()
        except NotFoundError:
            return ()
        return tuple(p for p in self.gpu_prices if p.gpu.lower() == g)

    def gpu_price(self, gpu: str) -> GpuPrice | None:
        """The GPU-hour price used when none is given, if the catalog has any.

        One rule picks it among a GPU's rows: the preferred basis first
        (:data:`BASIS_PREFERENCE`: a rental list price, then a committed rental, an implied
        price, an owner's cost, spot), then the most recent ``as_of``, then the higher
        confidence, then the first row in the file.
        """
        rows = self.gpu_prices_for(gpu)
        if not rows:
            return None
        return min(rows, key=lambda p: (BASIS_PREFERENCE[p.basis], _newest_first(p.as_of),
                                        -CONFIDENCE_RANK[p.confidence]))

    def api_price(self, model: str, endpoint: str | None = None,
                  currency: str | None = "USD", period_end: date | None = None
                  ) -> ApiPrice | None:
        """The most recent list price bundled for a model (or an alias), if any; with
        ``endpoint``, only rows whose endpoint starts with it (e.g. the maker's own); only
        rows in ``currency`` (US dollars unless asked; None for any). Equal dates go to the
        higher confidence, then to the first row in the file.

        With ``period_end``, the list in force then: the most recent dated on or before it;
        where none is, the earliest after it (the nearest; its date says it is after); the
        most recent only where no date can tell."""
        m = self.model(model)
        names = {m.name.lower(), *(a.lower() for a in m.aliases)}
        rows = [p for p in self.api_prices if p.model.lower() in names and
                (endpoint is None or p.endpoint.lower().startswith(endpoint.lower())) and
                (currency is None or p.currency == currency.upper())]
        exact = [p for p in rows if p.model.lower() == model.lower()]
        pick = exact or rows
        if not pick:
            return None
        if period_end is not None:
            before = [p for p in pick if price_after_period(p.as_of, period_end) is False]
            after = [p for p in pick if price_after_period(p.as_of, period_end)]
            if not before and after:
                return min(after, key=lambda p: (as_of_parts(p.as_of) or (),
                                                 -CONFIDENCE_RANK[p.confidence]))
            pick = before or pick
        return min(pick, key=lambda p: (_newest_first(p.as_of),
                                        -CONFIDENCE_RANK[p.confidence]))


def _newest_first(as_of: str) -> tuple[int, ...]:
    """A sort key that puts a later ``as_of`` (text such as ``2026-07``) first: the text
    order reversed, a prefix (``2026``) counting as earlier than its extensions."""
    return (*(-ord(c) for c in as_of), 1)


def _is_path(name: str) -> bool:
    return name.lower().endswith((".yaml", ".yml"))


def _single(rows: Sequence[Any], path: str, kind: str) -> Any:
    if len(rows) != 1:
        raise InputError(f"{path}: expected exactly one {kind} in the file, found {len(rows)}; "
                         "to use a file of several, pass it with --catalog and name the row")
    return rows[0]


def catalog_from_mapping(doc: Any, origin: str, folder: Traversable | None = None) -> Catalog:
    """A catalog from the parsed text of a catalog file (validated; errors name ``origin``).

    ``hf_models`` rows read their ``config.json`` from ``folder`` (the file's folder)."""
    if doc is None:
        doc = {}
    f = parse_config(CatalogFile, doc, origin)
    for m in f.models:
        check_stated_counts(m, origin)
    hf = tuple(_hf_model(r, origin, folder) for r in f.hf_models)
    names = {m.name.lower() for m in hf}
    models = tuple(m for m in f.models if m.name.lower() not in names) + hf
    return Catalog(f.gpus, models, f.gpu_hour, f.api, (origin,))


def _hf_model(row: HfModelRow, origin: str, folder: Traversable | None) -> Model:
    where = f"{origin}: hf_models: {row.name}: config"
    if folder is None:
        raise InputError(f"{where}: no folder to read {row.config!r} from")
    if Path(row.config).is_absolute() or ".." in Path(row.config).parts:
        raise InputError(f"{where}: expected a file inside the catalog's folder, found "
                         f"{row.config!r}")
    target = folder.joinpath(row.config)
    if isinstance(target, Path):  # a user's catalog: a regular file inside its folder
        if target.is_symlink() or not target.resolve().is_relative_to(Path(str(folder))
                                                                      .resolve()):
            raise InputError(f"{where}: expected a file inside the catalog's folder, found "
                             f"{row.config!r}")
        doc = read_config_json(target, f"{where} {row.config!r}")
    else:  # bundled with the package
        try:
            raw = target.read_bytes()
        except FileNotFoundError:
            raise InputError(f"{where}: no such file {row.config!r}") from None
        doc = parse_config_json(raw, f"{where} {row.config!r}")
    fields = row.model_dump(exclude={"config", "name"}, exclude_none=True)
    return model_from_hf_config(doc, name=row.name, origin=f"{origin} ({row.config})",
                                row={**fields, "config_file": row.config})


def _read_yaml(text: str, origin: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)  # a safe loader
    except yaml.YAMLError as e:
        raise InputError(f"{origin}: not valid YAML: {e}") from None


def load_catalog_file(path: Path) -> Catalog:
    from llmecon.yamlfile import read_mapping

    doc = read_mapping(path, "catalog")
    if not doc:
        raise InputError(f"{path}: the catalog file is empty; expected gpus, models, "
                         "hf_models, gpu_hour or api")
    return catalog_from_mapping(doc, str(path), Path(path).parent)


def load_catalog(extra: Iterable[str | Path] = ()) -> Catalog:
    """The bundled catalogs, with any user files merged in (theirs win on a name clash)."""
    cat = Catalog()
    folder = resources.files("llmecon").joinpath("data/inference")
    for name in ("gpus.yaml", "models.yaml", "hf_models.yaml", "prices.yaml"):
        text = folder.joinpath(name).read_text(encoding="utf-8")
        origin = f"llmecon/data/inference/{name}"
        cat = cat.merged(catalog_from_mapping(_read_yaml(text, origin), origin,
                                              folder.joinpath("model_configs")))
    for p in extra:
        cat = cat.merged(load_catalog_file(Path(p)))
    return cat
