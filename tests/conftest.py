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
def examplai() -> Company:
    return load_company(str(DATA / "examplai.csv"))
