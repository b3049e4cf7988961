"""The unit-economics assumptions: what prospectuses do not disclose, typed and ranged.

:func:`load_assumptions` reads the bundled ``data/assumptions/defaults.yaml`` and merges a
user's file over it (section by section, key by key; a deployment under ``inference`` is
replaced whole), then validates the result into :class:`Assumptions`. Every field has a
range and a unit in its description; an error names the file, the field, what was expected
and what was found, as an :class:`~llmecon.errors.InputError`.

Shares accept a fraction (``0.3``) or a percent as text (``"30%"``); a bare number above 1
for a share is refused with "did you mean 30%?" rather than read as 3000%.

The models are read-only mappings as well (``a["c2c"]["payer_churn_monthly"]``) so code
written against the earlier ``dict`` keeps working; new code uses attributes
(``a.c2c.payer_churn_monthly``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, ClassVar, Self

import pydantic
from pydantic import BeforeValidator, Field, Strict, field_validator, model_validator

from llmecon.config.base import TEXT_NUMBER, ConfigModel, format_errors, parse_config
from llmecon.config.serving import Engine
from llmecon.constants import MAX_HORIZON_MONTHS, MIN_MAGNITUDE, NUMBER_TEXT
from llmecon.errors import InputError

BUNDLED = "data/assumptions/defaults.yaml"


# ---------------------------------------------------------------- shares and percents
def parse_share(value: Any, what: str = "share") -> float:
    """A share as a fraction: ``0.3``, ``"0.3"`` or ``"30%"`` give 0.3.

    A bare number above 1 is ambiguous (30 could mean 30% or 3000%) and is refused with a
    hint, never guessed.

    >>> parse_share("30%"), parse_share(0.3), parse_share("0.5")
    (0.3, 0.3, 0.5)
    >>> try:
    ...     parse_share(30, "target margin")
    ... except InputError as e:
    ...     print(str(e).split("; ")[-1])
    did you mean 30%?
    """
    try:
        return _share_value(value)
    except ValueError as e:
        raise InputError(f"{what}: {e}") from None


def _share_value(value: Any) -> float:
    """The before-validator of every share field (see :func:`parse_share`)."""
    if isinstance(value, bool):
        raise ValueError(f"expected a share in [0, 1] (0.3 or '30%'), found {value!r}")
    if isinstance(value, str):
        text = value.strip()
        try:
            digits = text[:-1].strip() if text.endswith("%") else text
            if not NUMBER_TEXT.fullmatch(digits):  # '３０%' or '1_0' are not read as 30, 10
                raise ValueError(digits)
            number = float(digits) / 100.0 if text.endswith("%") else float(text)
        except ValueError:
            raise ValueError(f"expected a share in [0, 1] (0.3 or '30%'), found {value!r}"
                             ) from None
        if 0 < abs(number) < MIN_MAGNITUDE:  # as the fields' bounds check a number
            raise ValueError(f"expected 0 or a share of at least {MIN_MAGNITUDE:g} "
                             f"(smaller ones overflow divisions), found {value!r}")
        if text.endswith("%"):
            return number
    elif isinstance(value, int | float):
        number = float(value)
    else:
        return value  # type: ignore[no-any-return]  # pydantic reports the wrong type
    if 1.0 < number <= 100.0:
        shown = f"{number:g}" if float(f"{number:g}") == number else repr(number)
        hint = f"; did you mean {shown}%?" if number > 1.01 else ""  # not for 1.0000001
        raise ValueError(f"expected a share in [0, 1] (0.3 or '30%'), found {shown}{hint}")
    return number


#: A share in [0, 1], given as a fraction or as "30%".
Share = Annotated[float, BeforeValidator(_share_value), Field(ge=0.0, le=1.0), TEXT_NUMBER]
#: A share in (0, 1].
PositiveShare = Annotated[float, BeforeValidator(_share_value), Field(gt=0.0, le=1.0),
                          TEXT_NUMBER]


# ---------------------------------------------------------------- mapping view
class Section(ConfigModel, Mapping[str, Any]):
    """A configuration model that also reads as a mapping of its fields."""

    def __getitem__(self, key: str) -> Any:
        if key not in type(self).model_fields:
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:  # type: ignore[override]
        return iter(type(self).model_fields)

    def __len__(self) -> int:
        return len(type(self).model_fields)


# ---------------------------------------------------------------- sections
class C2CAssumptions(Section):
    """Consumer products: acquisition, churn, discounting and usage (monthly rates)."""

    sm_share_to_products: PositiveShare = Field(
        description="share of company S&M spent acquiring product users, in (0, 1]")
    user_churn_monthly: Share = Field(
        description="share of active users who leave each month and are replaced")
    payer_churn_monthly: PositiveShare = Field(
        description="share of paying users who stop paying each month, in (0, 1]")
    annual_discount_rate: float = Field(ge=0.0, le=1.0, description="per year, fraction")
    tokens_per_user_day: float = Field(gt=0.0, description="tokens a free user uses a day "
                                       "(the fallback where no line margin is disclosed)")
    payer_usage_multiple: float = Field(ge=0.01, le=1_000,
                                        description="a payer's tokens / a free user's")
    # above 10^6 the curve is constant churn alpha / (alpha + beta) and its survival loses
    # precision (a difference of two log-beta functions of huge arguments)
    sbg_alpha: float | None = Field(default=None, gt=0.0, le=1e6,
                                    description="sBG alpha (monthly)")
    sbg_beta: float | None = Field(default=None, gt=0.0, le=1e6,
                                   description="sBG beta (monthly)")

    @model_validator(mode="after")
    def _both_sbg(self) -> C2CAssumptions:
        if (self.sbg_alpha is None) != (self.sbg_beta is None):
            raise ValueError("sbg_alpha and sbg_beta: give both (an sBG retention curve) or "
                             "neither (constant payer churn)")
        return self


class ApiAssumptions(Section):
    """API / cloud: fleet utilisation, token mix and the margin solved for."""

    utilisation: PositiveShare = Field(description="share of time the fleet is busy, (0, 1]")
    output_share: Share = Field(description="share of tokens that are output tokens")
    cache_hit: Share = Field(description="share of input tokens served from the prefix cache")
    target_gross_margin: Annotated[float, BeforeValidator(_share_value),
                                   Field(ge=0.0, lt=1.0), TEXT_NUMBER] = Field(
        description="gross margin the cost target is solved for, in [0, 1)")


#: (month from signing, share of the contract).
#: A month of a contract (from signing): a whole number (not true/false), within the
#: longest projection.
ContractMonth = Annotated[int, Strict(), Field(ge=0, le=MAX_HORIZON_MONTHS)]
Milestone = tuple[ContractMonth, Share]


def schedule_adds_to_one(v: tuple[Milestone, ...]) -> tuple[Milestone, ...]:
    """A milestone schedule's shares must add up to 1 (100% of the contract), its months
    in order, each once."""
    months = [m for m, _ in v]
    if months != sorted(set(months)):
        raise ValueError(f"expected milestone months in increasing order, each once, found "
                         f"{months}")
    total = sum(share for _, share in v)
    if abs(total - 1.0) > 1e-9:
        raise ValueError(f"expected shares that add up to 1 (100% of the contract), found "
                         f"{total:g}")
    return v


class B2BAssumptions(Section):
    """B2B projects: the average contract and how it is delivered, billed and recognised."""

    # at least one unit of money: 1e-18 reached the project model as an internal error
    contract_value: float = Field(ge=1.0, description="average project, company currency")
    loaded_cost_per_person_month: float = Field(ge=1.0, description="delivery staff cost, "
                                                "company currency per person-month")
    delivery_months: Annotated[int, Strict(), Field(ge=1, le=MAX_HORIZON_MONTHS)] = Field(
        description="months of delivery")
    payment_schedule: tuple[Milestone, ...] = Field(
        description="(month, share of contract) invoices; shares add up to 1")
    acceptance_month: ContractMonth = Field(description="month revenue is recognised")
    reusable_shares: tuple[Share, ...] = Field(min_length=1, description="sweep of the "
                                               "share of delivery done by reusable parts")

    @field_validator("payment_schedule")
    @classmethod
    def _adds_to_one(cls, v: tuple[Milestone, ...]) -> tuple[Milestone, ...]:
        return schedule_adds_to_one(v)


class DeploymentAssumptions(Section):
    """The serving deployment that costs a company's tokens (the fields of
    :class:`llmecon.inference.serving.ServingConfig`, plus whose list price to compare)."""

    model: str
    gpu: str
    precision: str = "fp8"
    kv_dtype: str = "bf16"
    gpus: int = Field(default=8, ge=1)
    pp: int = Field(default=1, ge=1)
    tp: int | None = Field(default=None, ge=1)
    batch_per_gpu: float | None = Field(default=None, gt=0.0)
    tpot_ms: float | None = Field(default=None, gt=0.0)
    input_tokens: float = Field(default=2000.0, gt=0.0)
    output_tokens: float = Field(default=500.0, gt=0.0)
    cache_hit: Share = 0.0
    mtp_draft: int = Field(default=0, ge=0)
    mtp_accept: Share = 0.0
    gpu_hour_price: float | None = Field(default=None, ge=0.01, le=10_000)
    prefill_gpus: int | None = Field(default=None, ge=1)
    price_endpoint: str | None = None
    #: The engine whose fitted factors cost the tokens (``llmecon.inference.engines``).
    engine: Engine = "trtllm"

    def serving_fields(self) -> dict[str, Any]:
        """The keyword arguments of ``ServingConfig`` (without ``price_endpoint`` and
        ``engine``)."""
        return {k: getattr(self, k) for k in type(self).model_fields
                if k not in ("price_endpoint", "engine")}


class Assumptions(Section):
    """Every unit-economics assumption (see ``data/assumptions/defaults.yaml``)."""

    c2c: C2CAssumptions
    api: ApiAssumptions
    b2b: B2BAssumptions
    inference: dict[str, DeploymentAssumptions]
    #: The file the assumptions came from (named in errors found later, when a deployment
    #: is served).
    _source: str = pydantic.PrivateAttr(default="assumptions")
    #: The deployments a user's file gave (beside the bundled ones).
    _user_keys: tuple[str, ...] = pydantic.PrivateAttr(default=())

    @property
    def source(self) -> str:
        return self._source

    def __eq__(self, other: object) -> bool:  # the same assumptions from any file are equal
        return isinstance(other, Assumptions) and self.model_dump() == other.model_dump()

    def __hash__(self) -> int:
        return hash(self.model_dump_json())

    @field_validator("inference")
    @classmethod
    def _has_default(cls, v: dict[str, DeploymentAssumptions]
                     ) -> dict[str, DeploymentAssumptions]:
        if "default" not in v:
            raise ValueError("expected a 'default' deployment (used for companies without "
                             "their own)")
        seen: dict[str, str] = {}
        for k in v:  # 'Zhipu' beside the bundled 'zhipu' was ignored without a word
            if (other := seen.setdefault(k.strip().lower(), k)) != k:
                raise ValueError(f"{k!r} and {other!r} differ only in case: company ids are "
                                 "written exactly (lower case for the bundled ones)")
        return v

    def deployment(self, company_id: str) -> tuple[str, DeploymentAssumptions]:
        """The key (the company's id or ``default``) and its deployment. A deployment the
        user's file gives under a typo of the id (one letter added, dropped, changed or
        swapped: ``zhipuu`` for ``zhipu``), and none under the id itself, is an error: it
        was ignored without a word. Ids with digits or separators (``zhipu2``,
        ``minimax-cn``) are other companies."""
        if company_id not in self._user_keys:
            typo = next((k for k in self._user_keys if one_letter_apart(k, company_id)), None)
            if typo is not None:
                raise InputError(f"{self._source}: inference.{typo}: no deployment is given "
                                 f"for {company_id!r}, which this command serves; did you "
                                 f"mean {company_id!r}? (ids are written exactly)")
        key = company_id if company_id in self.inference else "default"
        return key, self.inference[key]


def one_letter_apart(a: str, b: str) -> bool:
    """Two words of letters one letter added, dropped, changed or swapped apart.

    >>> [one_letter_apart(k, "zhipu") for k in ("zhipuu", "zhpu", "zhupu", "zhiup")]
    [True, True, True, True]
    >>> [one_letter_apart(k, "zhipu") for k in ("zhipu", "zhipu2", "zhi", "minimax")]
    [False, False, False, False]
    """
    if a == b or not (a.isalpha() and b.isalpha()) or abs(len(a) - len(b)) > 1:
        return False
    i = 0  # the first place they differ
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) != len(b):  # one letter added or dropped
        longer, shorter = (a, b) if len(a) > len(b) else (b, a)
        return longer[i + 1:] == shorter[i:]
    if a[i + 1:] == b[i + 1:]:  # one letter changed
        return True
    swapped = i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i]
    return swapped and a[i + 2:] == b[i + 2:]


# ---------------------------------------------------------------- loading
def bundled_assumptions_data() -> dict[str, Any]:
    """The bundled defaults as plain data (read by the one strict YAML reader)."""
    from llmecon.yamlfile import parse_mapping

    text = resources.files("llmecon").joinpath(BUNDLED).read_text(encoding="utf-8")
    return parse_mapping(text, str(BUNDLED))


def merge_assumptions(base: Mapping[str, Any], user: Mapping[str, Any]) -> dict[str, Any]:
    """``user`` over ``base``: key by key inside each section (a deployment whole)."""
    out = {k: dict(v) if isinstance(v, Mapping) else v for k, v in base.items()}
    for section, values in user.items():
        if isinstance(values, Mapping) and isinstance(out.get(section), dict):
            out[section].update(values)
        else:
            out[section] = values
    return out


def assumptions_from(data: Mapping[str, Any], source: str) -> Assumptions:
    """Validate plain data (already merged) into :class:`Assumptions`."""
    out = parse_config(Assumptions, dict(data), source)
    out._source = source
    return out


def load_assumptions(path: str | Path | None = None) -> Assumptions:
    """The bundled defaults, with a user's file merged over them, validated.

    Errors name the user's file (or the bundled file) and the field, e.g.
    ``my.yaml: c2c.payer_churn_monthly: expected a number <= 1, found 1.5``.
    """
    base = bundled_assumptions_data()
    if path is None:
        return assumptions_from(base, f"bundled {BUNDLED}")
    from llmecon.yamlfile import read_mapping

    user = read_mapping(Path(path), "assumptions")
    if not user:
        raise InputError(f"{path}: the assumptions file is empty; expected sections such as "
                         "c2c, b2b, api or inference")
    out = assumptions_from(merge_assumptions(base, user), str(path))
    given = user.get("inference")
    out._user_keys = tuple(str(k) for k in given) if isinstance(given, Mapping) else ()
    return out


class CheckedInputs(ConfigModel):
    """Inputs of a unit-economics model: validated on construction (ranges in the fields,
    cross-field rules in ``model_validator``), with errors as an InputError naming what the
    inputs are (``_what``: built from a company's figures and the assumptions, they have
    no file of their own) and the field."""

    _what: ClassVar[str] = ""

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except pydantic.ValidationError as e:
            what = self._what or type(self).__name__
            text = format_errors(e, what).replace(": (top level): ", ": ")
            raise InputError(text, lines=text.split("\n")) from None

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields changed, validated again."""
        return type(self)(**{**{k: getattr(self, k) for k in type(self).model_fields},
                             **changes})
