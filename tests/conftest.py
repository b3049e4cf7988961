from __future__ import annotations

from pathlib import Path

import pytest

from llmecon.api import load_company
from llmecon.statements.model import Company

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def zhipu() -> Company:
    return load_company("zhipu")


@pytest.fixture(scope="session")
def minimax() -> Company:
    return load_company("minimax")


@pytest.fixture(scope="session")
def minimax_gross_only(minimax: Company) -> Company:
    """MiniMax without the FY2025 results' net IPO proceeds: gross proceeds only, so a
    runway or valuation must assume the fees (the path a company disclosing gross only takes)."""
    from dataclasses import replace

    return replace(minimax, figures=tuple(f for f in minimax.figures
                                          if f.item != "ipo_net_proceeds"))


@pytest.fixture(scope="session")
def examplai() -> Company:
    return load_company(str(DATA / "examplai.csv"))


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--disable-quic"]


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """Debian's chromium driven by Playwright (installed by the Makefile's test set-up)."""
    from pathlib import Path as _P

    from playwright.sync_api import sync_playwright

    assert _P(CHROMIUM).exists(), "chromium missing: run 'make test' (it installs it)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
