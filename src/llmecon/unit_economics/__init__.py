"""Unit economics: retention (sBG), C2C products, B2B projects, API usage.

Models (pure, typed inputs): ``retention`` (sBG fit, survival, discounted lifetime, cohorts),
``c2c``, ``b2b``, ``api``. From a company: ``drivers`` (one value and one source tag per
driver, shared with the projection), ``company`` (the per-line table, built by ``lines_*``
from ``rows``), ``b2b_acquisition`` (B2B CAC and payback), ``answers`` (cost needed for a
target margin, per line), ``deployment`` (the serving cost and list price of a company's
deployment). ``bundled`` loads the bundled catalog and serving factors for callers.
"""
