"""The apps depend one way: the import-linter contract of pyproject.toml holds on the
code, and it fails when an app imports one above it or a new app is left out of the
order.

Each case runs `lint-imports` in a subprocess against a copy of `src/shopops` in a
temporary directory (the real tree is never touched), with pyproject.toml's contract.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tmp_path: Path, plant: dict[str, str] | None = None) -> tuple[int, str]:
    """Copy the package into `tmp_path`, write the `plant`ed modules (path relative to
    `src/shopops` → source), run the contract; return its exit code and output."""
    src = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "shopops",
        src / "shopops",
        ignore=shutil.ignore_patterns(
            "__pycache__", "templates", "static", "locale", "*.mo", "*.po"
        ),
    )
    for relative, code in (plant or {}).items():
        path = src / "shopops" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(code, encoding="utf-8")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run(  # noqa: S603 - our own tool, fixed arguments
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def test_the_code_keeps_the_contract(tmp_path):
    code, output = _lint(tmp_path)
    assert code == 0, output
    assert "Apps depend downwards only KEPT" in output


@pytest.mark.parametrize(
    ("module", "source", "reported"),
    [
        # orders may not know after-sales or stock (they sit above it) ...
        (
            "orders/planted.py",
            "from shopops.stock.services import stock_release_order\n",
            "shopops.orders.planted -> shopops.stock.services",
        ),
        (
            "orders/planted.py",
            "def later():\n    from shopops.aftersales import services\n",
            "shopops.orders.planted -> shopops.aftersales.services",
        ),
        # ... nor core any app, nor stock the after-sales that bridge it to orders
        (
            "core/planted.py",
            "import shopops.org.models\n",
            "shopops.core.planted -> shopops.org.models",
        ),
        (
            "stock/planted.py",
            "from shopops.aftersales.models import AfterSale\n",
            "shopops.stock.planted -> shopops.aftersales.models",
        ),
    ],
)
def test_an_upward_import_breaks_the_contract(tmp_path, module, source, reported):
    code, output = _lint(tmp_path, {module: source})
    assert code == 1, output
    assert "Apps depend downwards only BROKEN" in output
    assert reported in output


def test_a_new_app_must_take_its_place_in_the_order(tmp_path):
    code, output = _lint(tmp_path, {"planning/__init__.py": ""})
    assert code == 1, output
    assert "shopops.planning" in output


def test_the_architecture_diagram_is_the_contract():
    """docs/architecture.md's dependency diagram lists the contract's layers, in order
    (the first column of each line)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [contract] = [
        c
        for c in config["tool"]["importlinter"]["contracts"]
        if c["id"] == "apps-one-way"
    ]
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    diagram = doc.split("Apps depend downwards only.", 1)[1].split("```")[1]
    drawn = [
        re.split(r"\s{2,}", line.strip())[0] for line in diagram.strip().splitlines()
    ]
    assert drawn == contract["layers"]
