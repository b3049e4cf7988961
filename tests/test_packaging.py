"""What a user installs: the wheel and the sdist hold every file llmecon reads at run time.

Both are built offline from a copy of the project (``pip wheel --no-deps
--no-build-isolation --no-index``; the sdist through setuptools' own backend), so a test run
leaves no ``build/`` or ``*.egg-info`` behind. setuptools >= 77 (for the SPDX ``license``
text) comes with the dev extra (``make install``). An editable install reads the source
tree, so a package-data glob left out of pyproject.toml shows only here: the wheel would
lack the file, and the installed command fail on it.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

pytestmark = pytest.mark.slow  # builds a wheel and an sdist: the full tier (make test)

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "llmecon"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
# what the build reads: pyproject.toml names README.md and the licence files
COPIED = ("pyproject.toml", "README.md", "LICENSE", "MANIFEST.in", "src", "tests")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".hypothesis")


def _package_files(python: bool) -> dict[str, Path]:
    """``llmecon/...`` -> source file, for the .py files or for every other file."""
    found = {}
    for path in sorted(PACKAGE.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        if (path.suffix == ".py") == python:
            found["llmecon/" + path.relative_to(PACKAGE).as_posix()] = path
    return found


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    have = Version(importlib.metadata.version("setuptools"))
    if have < Version("77"):
        pytest.fail(f"setuptools {have} here; the build needs >= 77 (pyproject's SPDX licence): "
                    "run 'make install' (the dev extra brings it)")
    copy = tmp_path_factory.mktemp("project")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=SKIP)
        else:
            shutil.copy2(source, copy / name)
    return copy


@pytest.fixture(scope="module")
def wheel(project_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--no-build-isolation", "--no-index", "-q", "-w", str(out),
                           str(project_copy)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = out.glob("llmecon-*.whl")
    return zipfile.ZipFile(built)


@pytest.fixture(scope="module")
def sdist(project_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> tarfile.TarFile:
    out = tmp_path_factory.mktemp("sdist")
    code = f"from setuptools import build_meta; build_meta.build_sdist({str(out)!r})"
    done = subprocess.run([sys.executable, "-c", code], cwd=project_copy,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = out.glob("llmecon-*.tar.gz")
    return tarfile.open(built)


def _dist_info(wheel: zipfile.ZipFile, name: str) -> str:
    found = [n for n in wheel.namelist() if n.endswith(f".dist-info/{name}")]
    assert len(found) == 1, f"{name}: {found or 'not'} in the wheel's .dist-info"
    return found[0]


def test_every_data_file_the_package_reads_is_in_the_wheel(wheel: zipfile.ZipFile) -> None:
    expected = _package_files(python=False)
    # the walk finds what it must: the folders read through importlib.resources
    for folder in ("data/companies/", "data/inference/model_configs/", "web/static/",
                   "report/templates/", "data/assumptions/"):
        assert any(n.startswith("llmecon/" + folder) for n in expected), folder
    missing = sorted(set(expected) - set(wheel.namelist()))
    assert not missing, ("not in the wheel (add a glob to [tool.setuptools.package-data] in "
                         f"pyproject.toml): {missing}")
    changed = [n for n, p in expected.items() if wheel.read(n) != p.read_bytes()]
    assert not changed, changed


def test_every_module_is_in_the_wheel(wheel: zipfile.ZipFile) -> None:
    """A sub-package without ``__init__.py`` would be left out by packages.find."""
    missing = sorted(set(_package_files(python=True)) - set(wheel.namelist()))
    assert not missing, missing


def test_the_licence_notices_are_in_the_wheel(wheel: zipfile.ZipFile) -> None:
    for notice in PROJECT["license-files"]:
        path = _dist_info(wheel, f"licenses/{notice}")
        assert wheel.read(path) == (ROOT / notice).read_bytes(), notice
    assert b"Apache License" in wheel.read(_dist_info(wheel, "licenses/LICENSE"))
    # the bundled model configurations keep their notice beside them, where they are read
    notices = ("LICENSE-aiconfigurator", "NOTICE.md")
    assert {f"llmecon/data/inference/model_configs/{n}" for n in notices} <= set(wheel.namelist())


def _key(requirement: Requirement) -> tuple[str, frozenset[str], str, str]:
    return (canonicalize_name(requirement.name), frozenset(requirement.extras),
            str(requirement.specifier), str(requirement.marker or ""))


def test_the_wheel_metadata_declares_what_pyproject_does(wheel: zipfile.ZipFile) -> None:
    metadata = Parser().parsestr(wheel.read(_dist_info(wheel, "METADATA")).decode("utf-8"))
    declared = {_key(Requirement(r)) for r in PROJECT["dependencies"]}
    for extra, requirements in PROJECT["optional-dependencies"].items():
        declared |= {_key(Requirement(f'{r}; extra == "{extra}"')) for r in requirements}
    in_wheel = {_key(Requirement(r)) for r in metadata.get_all("Requires-Dist")}
    assert in_wheel == declared, (sorted(in_wheel - declared), sorted(declared - in_wheel))
    assert set(metadata.get_all("Provides-Extra")) == set(PROJECT["optional-dependencies"])
    assert metadata["Requires-Python"] == PROJECT["requires-python"]
    assert metadata["License-Expression"] == PROJECT["license"]
    entry_points = wheel.read(_dist_info(wheel, "entry_points.txt")).decode("utf-8")
    assert "llmecon = llmecon.cli:main" in entry_points


def test_the_sdist_builds_the_same_package_and_runs_its_tests(sdist: tarfile.TarFile) -> None:
    names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    needed = {"pyproject.toml", "README.md", *PROJECT["license-files"], "tests/conftest.py",
              "tests/data/examplai.csv"}
    needed |= {"src/" + n for n in (*_package_files(False), *_package_files(True))}
    assert not sorted(needed - names), sorted(needed - names)
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
