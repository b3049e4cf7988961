"""Day counts, unit scales and run limits: each written once, here.

Every module that converts days to months, hours to seconds or counts tokens in millions
imports these names; the limits are shared by the command line, the library and the web app.
"""

from __future__ import annotations

import re

#: Average days in a year (Julian year): the basis of every day/month conversion.
DAYS_PER_YEAR = 365.25
#: Average days in a month.
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
SECONDS_PER_HOUR = 3_600.0
SECONDS_PER_DAY = 86_400.0
#: Prices and costs of tokens are quoted per million tokens.
TOKENS_PER_MILLION = 1e6

# Run limits (Monte Carlo and projections), shared by the library, the CLI and the web app.
#: Most simulated paths a single run accepts: a guard against a mistyped number, not a
#: memory limit. A run's memory does not grow with its paths (blocks are summarised and
#: dropped); what bounds it is its memory estimate against the budget
#: (:data:`MEMORY_BUDGET_BYTES`), and its time is the user's to spend.
MAX_PATHS = 10**12
#: Longest projection, in months.
MAX_HORIZON_MONTHS = 240
#: Longest dashboard projection, in months.
MAX_WEB_HORIZON_MONTHS = 120

# --- cli ---
#: Most local Dask workers a run may start (also capped at four per CPU core).
MAX_WORKERS = 64


# --- mc (Monte Carlo at scale) ---
#: Memory a Monte Carlo run may plan to use (bytes) unless the caller gives another budget;
#: the run estimates its peak before starting and refuses above this.
MEMORY_BUDGET_BYTES = 4 * 2**30


# --- hostile (issue 14) ---
#: Largest size of a number read from a scenario, catalog or cohort file. Larger values
#: (1e308 and the like) would overflow the arithmetic into infinity or NaN (a cash balance
#: of 1e308 times a growth factor is infinite), so loaders refuse them; 1e18 is far above
#: any real amount of money, tokens or users and leaves room for products and squares.
MAX_MAGNITUDE = 1e18
#: Smallest size of a non-zero number read from a user: tinier ones (1e-320 and the like,
#: far below any real price, share or count) overflow the arithmetic that divides by them.
MIN_MAGNITUDE = 1.0 / MAX_MAGNITUDE
#: Longest text field (a label, name, note or source) read from a scenario or catalog file.
MAX_TEXT_CHARS = 2_000


# --- input text shared by files and the command line ---
#: A number as text: ASCII digits, a sign, a point, an exponent, surrounding spaces (Python's
#: float() also reads "1_000" and full-width digits, which are refused).
#: The years a date may fall in (company periods FY1900-FY2199; a period ending on the last
#: day Python knows, 9999-12-31, has no next day).
MIN_YEAR, MAX_YEAR = 1900, 2199
#: A date as files write it: YYYY-MM-DD (Python's fromisoformat also reads '20250301' and
#: '2025-W10-1'; pydantic reads a number of seconds).
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NUMBER_TEXT = re.compile(r"\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*|"
                         r"\s*[+-]?(inf|infinity|nan)\s*", re.IGNORECASE)
#: What the command line's help says of the number formats (NVFP4 and MXFP4 are formats of
#: their own, FP4 with block scales: ``llmecon.config.inference.PRECISION_BYTES``).
PRECISION_HELP = ("bf16, fp8, int8, fp4 (4 bits, block scales not counted), nvfp4 (4.5 bits: "
                  "an FP8 scale per 16 values), mxfp4 (4.25 bits: an 8-bit scale per 32); the "
                  "FP4 formats run at the FP4 peak")
