"""Product import: the service, the page, the command and the API endpoint."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from shopops.catalog.importers.products import PRODUCT_SPEC
from shopops.catalog.models import Category, Product, Sku, Supplier
from shopops.catalog.services import product_import
from shopops.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _import(path: Path, actor: Any = None) -> Any:
    return product_import(actor=actor, file=path, filename=path.name)


def _errors(report: Any) -> set[tuple[int | None, str]]:
    return {(e.row, e.column) for e in report.errors}


# --- the service --------------------------------------------------------------------


def test_import_creates_products_skus_and_categories(
    product_file: Callable[..., Path], ops_user: Any
) -> None:
    # given a CSV of three products, one with two SKUs
    path = product_file()

    # when it is imported
    report = _import(path, ops_user)

    # then every product, SKU and category exists, money exact
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert report.rows == 4
    assert report.extra["skus_created"] == 3
    assert report.extra["categories_created"] == ["帐篷", "炉具", "燃料"]
    tent = Product.objects.get(code="T100")
    assert tent.title == "双人帐篷"
    assert tent.category.name == "帐篷"
    assert tent.cost_price == Decimal("320.00")
    assert tent.list_price == Decimal("599.00")
    assert tent.status == Product.Status.ACTIVE
    assert tent.shelf_life_days is None
    skus = {s.outer_code: s for s in tent.skus.all()}
    assert skus["T100-GR"].attributes == "颜色:军绿"
    assert skus["T100-GR"].price is None
    assert skus["T100-OR"].price == Decimal("619.00")
    stove = Product.objects.get(code="S200")
    assert stove.status == Product.Status.DRAFT
    assert stove.cost_price == Decimal("45.50")
    assert not stove.skus.exists()
    canister = Product.objects.get(code="G300")
    assert canister.shelf_life_days == 730
    assert canister.list_price == Decimal("25.00")
    # and the audit has one entry per product plus the summary
    assert AuditEntry.objects.filter(verb="product.create").count() == 3
    summary = AuditEntry.objects.get(verb="product.import")
    assert summary.action == AuditEntry.Action.IMPORT
    assert summary.actor == ops_user
    assert summary.changes["created"] == 3
    assert summary.changes["file"] == path.name


def test_same_file_twice_changes_nothing(product_file: Callable[..., Path]) -> None:
    # given a file imported once
    path = product_file()
    _import(path)
    products_before = list(Product.objects.values().order_by("pk"))
    skus_before = list(Sku.objects.values().order_by("pk"))
    entries_before = AuditEntry.objects.exclude(verb="product.import").count()

    # when it is imported again
    report = _import(path)

    # then everything is unchanged and no product audit entry is added
    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert report.extra["skus_created"] == report.extra["skus_updated"] == 0
    assert list(Product.objects.values().order_by("pk")) == products_before
    assert list(Sku.objects.values().order_by("pk")) == skus_before
    assert AuditEntry.objects.exclude(verb="product.import").count() == entries_before


def test_changed_values_update_with_audit(
    product_file: Callable[..., Path], supplier: Supplier, product_rows: list[list[Any]]
) -> None:
    # given the products imported
    _import(product_file())

    # when a newer file raises the tent's price, names a supplier and adds a SKU
    rows = product_rows
    for row in rows[:2]:
        row[5] = "629.00"
        row[6] = supplier.code
    rows.append(
        [
            "T100",
            "双人帐篷",
            "帐篷",
            "",
            "320",
            "629",
            "hz-outdoor",
            "在售",
            "T100-BL",
            "颜色:蓝",
            "",
        ]
    )
    rows[2][7] = "停售"
    report = _import(product_file(rows))

    # then the tent and the stove are updated, the canister unchanged
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 2, 1)
    assert report.extra["skus_created"] == 1
    tent = Product.objects.get(code="T100")
    assert tent.list_price == Decimal("629.00")
    assert tent.default_supplier == supplier
    assert set(tent.skus.values_list("outer_code", flat=True)) == {
        "T100-GR",
        "T100-OR",
        "T100-BL",
    }
    assert Product.objects.get(code="S200").status == Product.Status.DISCONTINUED
    entry = AuditEntry.objects.get(verb="product.update", object_id=str(tent.pk))
    assert entry.changes["list_price"] == ["599.00", "629.00"]
    assert entry.changes["default_supplier"] == [None, "hz-outdoor"]
    assert [s["outer_code"] for s in entry.changes["skus_added"]] == ["T100-BL"]
    assert AuditEntry.objects.filter(verb="product.update").count() == 2


def test_sku_price_and_attributes_update(
    product_file: Callable[..., Path], product_rows: list[list[Any]]
) -> None:
    _import(product_file())
    rows = product_rows
    rows[1][9] = "颜色:亮橙"
    rows[1][10] = ""
    report = _import(product_file(rows))

    assert (report.updated, report.unchanged) == (1, 2)
    assert report.extra["skus_updated"] == 1
    sku = Sku.objects.get(outer_code="T100-OR")
    assert (sku.attributes, sku.price) == ("颜色:亮橙", None)


def test_absent_optional_columns_leave_values_alone(
    product_file: Callable[..., Path], product_rows: list[list[Any]]
) -> None:
    # given the canister imported with a shelf life and the stove as a draft
    _import(product_file())

    # when a file without 保质期, 状态 and the SKU columns is imported
    header = ["code", "title", "category", "cost_price", "list_price"]
    rows = [[r[0], r[1], r[2], r[4], r[5]] for r in product_rows]
    report = _import(product_file(rows, header))

    # then nothing changes: what the file does not say stays as it was
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert Product.objects.get(code="G300").shelf_life_days == 730
    assert Product.objects.get(code="S200").status == Product.Status.DRAFT
    assert Sku.objects.count() == 3


def test_gbk_file_with_english_headers_reordered(
    product_file: Callable[..., Path],
) -> None:
    header = ["list_price", "Title", "CODE", "category", "cost_price", "notes"]
    rows = [["88", "登山杖（碳素）", "P1", "登山杖", "30", "extra column"]]
    report = _import(product_file(rows, header, encoding="gbk"))

    assert report.ok, report.errors
    product = Product.objects.get(code="P1")
    assert product.title == "登山杖（碳素）"
    assert product.list_price == Decimal("88.00")


def test_xlsx_upload_with_numbers_as_floats(
    tmp_path: Path, product_header: list[str]
) -> None:
    # given an XLSX with prices and a barcode stored as numbers, the long code as text
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.append([h.strip() for h in product_header])
    sheet.append(
        [
            "123456789012345678",
            "睡袋",
            "睡袋",
            3650,
            88.8,
            199.9,
            None,
            "active",
            6901234567890,
            None,
            19.9,
        ]
    )
    path = tmp_path / "products.xlsx"
    book.save(path)

    report = _import(path)

    assert report.ok, report.errors
    product = Product.objects.get(code="123456789012345678")
    assert product.cost_price == Decimal("88.80")
    assert product.list_price == Decimal("199.90")
    assert product.shelf_life_days == 3650
    sku = product.skus.get()
    assert sku.outer_code == "6901234567890"
    assert sku.price == Decimal("19.90")


def test_bad_file_writes_nothing_and_names_every_bad_row(
    product_file: Callable[..., Path], supplier: Supplier, product_rows: list[list[Any]]
) -> None:
    # given one product already imported, owning SKU T100-GR
    _import(product_file(product_rows[:1]))
    products_before = list(Product.objects.values().order_by("pk"))
    entries_before = AuditEntry.objects.count()

    # when a file with good rows and many bad ones is imported
    rows = [
        [
            "A1",
            "好商品",
            "新类目",
            "",
            "10",
            "20",
            "",
            "",
            "A1-1",
            "",
            "",
        ],  # row 2: fine
        ["A2", "", "帐篷", "", "10", "20", "", "", "", "", ""],  # 3: no title
        ["A3", "帐篷", "帐篷", "", "-1", "20", "", "", "", "", ""],  # 4: negative cost
        ["A4", "帐篷", "帐篷", "abc", "10", "二十", "", "", "", "", ""],  # 5: two cells
        ["A5", "帐篷", "帐篷", "", "10", "20", "nobody", "", "", "", ""],  # 6: supplier
        ["A6", "帐篷", "帐篷", "", "10", "20", "", "", "T100-GR", "", ""],  # 7: taken
        ["A7", "帐篷", "帐篷", "", "10", "20", "", "", "A1-1", "", ""],  # 8: repeated
        [
            "A1",
            "别的标题",
            "新类目",
            "",
            "10",
            "20",
            "",
            "",
            "A1-2",
            "",
            "",
        ],  # 9: differs
        [
            "A8",
            "帐篷",
            "帐篷",
            "0",
            "10",
            "20",
            "",
            "卖完了",
            "",
            "",
            "",
        ],  # 10: two cells
    ]
    report = _import(product_file(rows, name="bad.csv"))

    # then nothing is written
    assert not report.ok
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert list(Product.objects.values().order_by("pk")) == products_before
    assert not Category.objects.filter(name="新类目").exists()
    assert AuditEntry.objects.count() == entries_before
    # and every bad row is named with its column, in row order
    assert _errors(report) == {
        (3, "标题"),
        (4, "成本价"),
        (5, "保质期"),
        (5, "标价"),
        (6, "供应商"),
        (7, "商家编码"),
        (8, "商家编码"),
        (9, "标题"),
        (10, "保质期"),
        (10, "状态"),
    }
    assert [e.row for e in report.errors] == sorted(e.row or 0 for e in report.errors)
    assert {e.file for e in report.errors} == {"bad.csv"}
    by_place = {(e.row, e.column): e for e in report.errors}
    assert by_place[(6, "供应商")].value == "nobody"
    assert "T100" in by_place[(7, "商家编码")].reason
    assert "第 2 行" in by_place[(8, "商家编码")].reason
    assert by_place[(5, "标价")].value == "二十"


def test_missing_required_column_is_one_clear_error(
    product_file: Callable[..., Path],
    product_rows: list[list[Any]],
    product_header: list[str],
) -> None:
    header = [h for h in product_header if h.strip() != "成本价"]
    rows = [
        [c for i, c in enumerate(r) if product_header[i] != "成本价"]
        for r in product_rows
    ]
    report = _import(product_file(rows, header, name="no-cost.csv"))

    assert len(report.errors) == 1
    error = report.errors[0]
    assert (error.file, error.row, error.column) == ("no-cost.csv", 1, "成本价")
    assert "no-cost.csv" in error.reason
    assert "成本价" in error.reason
    assert not Product.objects.exists()


def test_not_a_spreadsheet_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "products.xlsx"
    path.write_bytes(b"this is not a zip file")
    report = _import(path)
    assert not report.ok
    assert report.errors[0].row is None
    assert report.errors[0].file == "products.xlsx"


# --- the page -----------------------------------------------------------------------


def test_import_page_upload_shows_the_report(
    client: Any,
    ops_user: Any,
    django_assert_max_num_queries: Any,
    product_csv: Callable[..., bytes],
) -> None:
    client.force_login(ops_user)
    url = reverse("catalog:product_import")

    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200
    assert reverse("catalog:product_import_template") in page.content.decode()

    upload = SimpleUploadedFile("products.csv", product_csv(), "text/csv")
    response = client.post(url, {"file": upload})

    assert response.status_code == 200
    assert response.templates[0].name == "catalog/product_import_report.html"
    report = response.context["report"]
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert 'data-testid="import-ok"' in response.content.decode()
    assert Product.objects.count() == 3
    assert AuditEntry.objects.get(verb="product.import").actor == ops_user


def test_import_page_lists_every_bad_row(
    client: Any,
    ops_user: Any,
    product_rows: list[list[Any]],
    product_csv: Callable[..., bytes],
) -> None:
    client.force_login(ops_user)
    rows = product_rows
    rows[0][4] = "很贵"
    rows[3][3] = "-5"
    upload = SimpleUploadedFile("bad.csv", product_csv(rows), "text/csv")

    response = client.post(reverse("catalog:product_import"), {"file": upload})

    html = response.content.decode()
    assert 'data-testid="import-failed"' in html
    assert "很贵" in html
    assert "<td>成本价</td>" in html
    assert "<td>保质期</td>" in html
    assert not Product.objects.exists()


def test_import_page_rejects_other_file_types(client: Any, ops_user: Any) -> None:
    client.force_login(ops_user)
    upload = SimpleUploadedFile("products.pdf", b"%PDF-1.4", "application/pdf")
    response = client.post(reverse("catalog:product_import"), {"file": upload})
    assert response.status_code == 200
    assert response.templates[0].name == "catalog/product_import.html"
    assert response.context["form"].errors["file"]


def test_designer_may_not_import(
    client: Any, designer_user: Any, product_csv: Callable[..., bytes]
) -> None:
    client.force_login(designer_user)
    url = reverse("catalog:product_import")
    assert client.get(url).status_code == 403
    upload = SimpleUploadedFile("products.csv", product_csv(), "text/csv")
    assert client.post(url, {"file": upload}).status_code == 403
    assert client.get(reverse("catalog:product_import_template")).status_code == 403
    assert not Product.objects.exists()


def test_product_list_links_to_import_for_ops_only(
    client: Any, ops_user: Any, designer_user: Any
) -> None:
    url = reverse("catalog:product_import")
    client.force_login(ops_user)
    assert url in client.get(reverse("catalog:products")).content.decode()
    client.force_login(designer_user)
    assert url not in client.get(reverse("catalog:products")).content.decode()


def test_template_download_is_an_xlsx_with_the_headers(
    client: Any, ops_user: Any, tmp_path: Path
) -> None:
    client.force_login(ops_user)
    response = client.get(reverse("catalog:product_import_template"))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    headers = [c.value for c in book.worksheets[0][1]]
    assert headers == [c.header for c in PRODUCT_SPEC.columns]
    # and the template, once filled in, imports
    book.worksheets[0].append(["X1", "头灯", "照明", None, "20", "59"])
    path = tmp_path / "filled.xlsx"
    book.save(path)
    report = _import(path)
    assert report.ok, report.errors
    assert Product.objects.get(code="X1").title == "头灯"


# --- the command --------------------------------------------------------------------


def test_command_prints_the_report(
    product_file: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("import_products", str(product_file()))
    out = capsys.readouterr().out
    assert "新建 3" in out
    assert Product.objects.count() == 3


def test_command_json(
    product_file: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = product_file()
    call_command("import_products", str(path), "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True
    assert (data["created"], data["updated"], data["unchanged"]) == (3, 0, 0)
    assert data["errors"] == []

    call_command("import_products", str(path), "--json")
    data = json.loads(capsys.readouterr().out)
    assert (data["created"], data["updated"], data["unchanged"]) == (0, 0, 3)


def test_command_fails_listing_every_bad_row(
    product_file: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    product_rows: list[list[Any]],
) -> None:
    rows = product_rows
    rows[1][4] = "x"
    rows[2][1] = ""
    path = product_file(rows, name="bad.csv")

    with pytest.raises(CommandError) as excinfo:
        call_command("import_products", str(path))

    assert excinfo.value.returncode == 1
    message = str(excinfo.value)
    assert "bad.csv 第 3 行 [成本价]" in message
    assert "bad.csv 第 4 行 [标题]" in message
    assert not Product.objects.exists()


def test_command_json_on_a_bad_file(
    product_file: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    product_rows: list[list[Any]],
) -> None:
    rows = product_rows
    rows[0][5] = "-3"
    with pytest.raises(CommandError):
        call_command("import_products", str(product_file(rows)), "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False
    assert data["errors"] == [
        {
            "file": data["errors"][0]["file"],
            "row": 2,
            "column": "标价",
            "value": "-3",
            "reason": data["errors"][0]["reason"],
        }
    ]


def test_shopops_import_products_exits_non_zero(
    product_file: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    product_rows: list[list[Any]],
) -> None:
    from shopops.cli import main

    rows = product_rows
    rows[0][0] = ""
    with pytest.raises(SystemExit) as excinfo:
        main(["shopops", "import-products", str(product_file(rows))])
    assert excinfo.value.code == 1
    assert "[商品编码]" in capsys.readouterr().err


def test_command_missing_file() -> None:
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_products", "/nonexistent/products.csv")


# --- the API ------------------------------------------------------------------------


def test_api_import(
    api_client: Any, ops_user: Any, product_csv: Callable[..., bytes]
) -> None:
    api_client.force_login(ops_user)
    upload = SimpleUploadedFile("products.csv", product_csv(), "text/csv")

    response = api_client.post("/api/v1/products/import", {"file": upload})

    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["created"], data["updated"], data["unchanged"]) == (3, 0, 0)
    assert data["skus_created"] == 3
    assert Product.objects.count() == 3


def test_api_import_bad_file_is_422_with_every_row(
    api_client: Any,
    ops_user: Any,
    product_rows: list[list[Any]],
    product_csv: Callable[..., bytes],
) -> None:
    api_client.force_login(ops_user)
    rows = product_rows
    rows[0][4] = "x"
    rows[3][8] = "T100-GR"
    upload = SimpleUploadedFile("bad.csv", product_csv(rows, encoding="gb18030"), "")

    response = api_client.post("/api/v1/products/import", {"file": upload})

    assert response.status_code == 422
    data = response.json()
    assert data["ok"] is False
    assert [(e["row"], e["column"]) for e in data["errors"]] == [
        (2, "成本价"),
        (5, "商家编码"),
    ]
    assert not Product.objects.exists()


def test_api_import_needs_permission(
    api_client: Any, designer_user: Any, product_csv: Callable[..., bytes]
) -> None:
    api_client.force_login(designer_user)
    upload = SimpleUploadedFile("products.csv", product_csv(), "text/csv")
    response = api_client.post("/api/v1/products/import", {"file": upload})
    assert response.status_code == 403
    assert not Product.objects.exists()


def test_api_import_without_a_file_is_422(api_client: Any, ops_user: Any) -> None:
    api_client.force_login(ops_user)
    response = api_client.post("/api/v1/products/import", {})
    assert response.status_code == 422
    assert "detail" in response.json()


def test_api_import_is_in_the_openapi_schema(api_client: Any, ops_user: Any) -> None:
    api_client.force_login(ops_user)
    schema = api_client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/products/import"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert set(operation["responses"]) == {"200", "422"}
