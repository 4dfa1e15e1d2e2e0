"""Catalog fixtures: product files to import, and logins allowed (or not) to import."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

# The template's headers, as exports write them: some with a trailing space.
HEADER = [
    "商品编码",
    "标题 ",
    "类目",
    "保质期",
    "成本价",
    "标价 ",
    "供应商",
    "状态",
    "商家编码",
    "销售属性",
    "SKU售价",
]

ROWS = [
    # Two SKUs of one tent, one stove without SKUs, one canister with a shelf life.
    [
        "T100",
        "双人帐篷",
        "帐篷",
        "",
        "320.00",
        "599元",
        "",
        "在售",
        "T100-GR",
        "颜色:军绿",
        "",
    ],
    [
        "T100",
        "双人帐篷",
        "帐篷",
        "",
        "320.00",
        "599元",
        "",
        "在售",
        "T100-OR",
        "颜色:橙",
        "619",
    ],
    ["S200", "便携炉头", "炉具", "", "45.5", "129", "", "草稿", "", "", ""],
    ["G300", "高山气罐 230g", "燃料", "730", "12.00", "¥25.00", "", "", "G300", "", ""],
]


def _csv_bytes(
    rows: Sequence[Sequence[Any]], header: Sequence[str], encoding: str
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


@pytest.fixture
def product_header() -> list[str]:
    """The product file's headers (Chinese, some with a trailing space)."""
    return list(HEADER)


@pytest.fixture
def product_rows() -> list[list[Any]]:
    """Rows of a good product file (a fresh copy: change them freely)."""
    return [list(row) for row in ROWS]


@pytest.fixture
def product_csv() -> Callable[..., bytes]:
    """Return `csv(rows=ROWS, header=HEADER, encoding="utf-8") -> bytes`."""

    def build(
        rows: Sequence[Sequence[Any]] | None = None,
        header: Sequence[str] | None = None,
        encoding: str = "utf-8",
    ) -> bytes:
        return _csv_bytes(
            ROWS if rows is None else rows,
            HEADER if header is None else header,
            encoding,
        )

    return build


@pytest.fixture
def product_file(tmp_path: Path) -> Callable[..., Path]:
    """Return `write(rows=ROWS, header=HEADER, encoding="utf-8", name=...) -> Path`."""
    counter = iter(range(1, 1000))

    def write(
        rows: Sequence[Sequence[Any]] | None = None,
        header: Sequence[str] | None = None,
        encoding: str = "utf-8",
        name: str | None = None,
    ) -> Path:
        path = tmp_path / (name or f"products-{next(counter)}.csv")
        path.write_bytes(
            _csv_bytes(
                ROWS if rows is None else rows,
                HEADER if header is None else header,
                encoding,
            )
        )
        return path

    return write


@pytest.fixture
def supplier(db: None) -> Any:
    from shopops.catalog.models import Supplier

    return Supplier.objects.create(code="hz-outdoor", name="杭州户外用品厂")


@pytest.fixture
def ops_user(make_staff: Callable[..., Any]) -> Any:
    """A login in the `ops_manager` group (may import products)."""
    from django.contrib.auth.models import Group

    user = make_staff("ops_manager").user
    assert user.groups.filter(pk=Group.objects.get(name="ops_manager").pk).exists()
    return user


@pytest.fixture
def designer_user(make_staff: Callable[..., Any]) -> Any:
    """A login in the `designer` group (may look at products, not import them)."""
    return make_staff("designer").user
