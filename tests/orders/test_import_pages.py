"""Order import: the upload page and its progress, the command, the API, the job."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from shopops.orders import imports
from shopops.orders.importers.sellercenter_files import (
    ITEM_HEADER,
    ORDER_HEADER,
    export_bytes,
    item_row,
    order_row,
)
from shopops.orders.models import ImportBatch, Order, OrderLine

pytestmark = pytest.mark.django_db

NO = "4012345678901234567"


def good_orders() -> bytes:
    return export_bytes(
        ORDER_HEADER,
        [order_row(NO), order_row("4012345678901234568", 订单状态="等待买家付款")],
    )


def bad_orders() -> bytes:
    return export_bytes(
        ORDER_HEADER,
        [order_row(NO, 总金额="12元5角"), order_row(NO), order_row("9", 订单状态="?")],
    )


def items() -> bytes:
    return export_bytes(ITEM_HEADER, [item_row(NO), item_row(NO, 标题="头灯")])


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


# --- the page -------------------------------------------------------------------------


def test_upload_shows_progress_then_the_report(
    client: Any,
    shop: Any,
    people: Any,
    login: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a logistics user on the import page
    login(client, people.logistics)
    page = client.get(reverse("orders:import"))
    assert page.status_code == 200
    assert "导入订单" in page.content.decode()

    # when they upload the order and item reports
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("orders:import"),
            {
                "shop": shop.pk,
                "orders_file": upload("ExportOrderList.csv", good_orders()),
                "items_file": upload("ExportOrderDetailList.csv", items()),
            },
        )

    # then a batch is saved, its job queued once the upload commits, and run
    assert len(callbacks) == 1
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("orders:import_batch", args=[batch.pk])
    assert batch.state == ImportBatch.State.DONE
    assert batch.created_by == people.logistics.user
    assert batch.orders_filename == "ExportOrderList.csv"
    assert batch.orders_file.name.startswith("imports/")
    assert batch.report["created"] == 2
    assert batch.percent == 100
    assert Order.objects.filter(shop=shop).count() == 2
    assert OrderLine.objects.count() == 2
    # and the batch page shows the report, with no more polling
    page = client.get(response.url)
    html = page.content.decode()
    assert 'data-testid="import-ok"' in html
    assert 'data-testid="import-created">2<' in html
    assert "hx-trigger" not in html.split('id="import-progress"')[1].split(">")[0]


def test_progress_partial_polls_until_the_batch_is_done(
    client: Any, shop: Any, people: Any, login: Callable[..., Any]
) -> None:
    # given a batch whose job has not finished (uploaded, not yet committed)
    login(client, people.logistics)
    batch = imports.import_batch_create(
        actor=people.logistics.user,
        shop=shop,
        orders_file=upload("ExportOrderList.csv", good_orders()),
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportBatch.State.RUNNING, rows_done=30, rows_total=100
    )

    partial = client.get(reverse("orders:import_progress", args=[batch.pk]))

    html = partial.content.decode()
    assert partial.status_code == 200
    assert 'hx-trigger="every 1s"' in html
    assert reverse("orders:import_progress", args=[batch.pk]) in html
    assert "30%" in html
    assert "检查中" in html

    # when the job runs, the partial shows the report and stops polling
    imports.import_batch_run(batch_id=batch.pk)  # not pending any more: left alone
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.PENDING)
    imports.import_batch_run(batch_id=batch.pk)
    html = client.get(reverse("orders:import_progress", args=[batch.pk])).content
    assert b"hx-trigger" not in html
    assert b'data-testid="import-ok"' in html


def test_a_bad_upload_lists_every_bad_row(
    client: Any,
    shop: Any,
    people: Any,
    login: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    login(client, people.logistics)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("orders:import"),
            {"shop": shop.pk, "orders_file": upload("bad.csv", bad_orders())},
        )

    html = client.get(response.url).content.decode()
    batch = ImportBatch.objects.get()
    assert batch.state == ImportBatch.State.FAILED
    assert batch.report["error_count"] == 3
    assert 'data-testid="import-failed"' in html
    table = html.split('data-testid="import-errors"')[1]
    for cell in ("总金额", "12元5角", "订单编号", "第 2 行已出现", "订单状态"):
        assert cell in table
    assert not Order.objects.exists()


def test_the_order_list_links_to_the_import_page(
    client: Any, people: Any, login: Callable[..., Any]
) -> None:
    login(client, people.logistics)
    assert (
        reverse("orders:import") in client.get(reverse("orders:list")).content.decode()
    )
    login(client, people.cs)
    assert reverse("orders:import") not in (
        client.get(reverse("orders:list")).content.decode()
    )


def test_who_may_import(
    client: Any, shop: Any, people: Any, login: Callable[..., Any]
) -> None:
    login(client, people.designer)
    assert client.get(reverse("orders:import")).status_code == 403
    login(client, people.cs)
    assert client.get(reverse("orders:import")).status_code == 403
    response = client.post(
        reverse("orders:import"),
        {"shop": shop.pk, "orders_file": upload("o.csv", good_orders())},
    )
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_the_form_needs_a_shop_and_an_order_report(
    client: Any, people: Any, login: Callable[..., Any]
) -> None:
    login(client, people.logistics)
    response = client.post(reverse("orders:import"), {})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_failing_job_marks_its_batch_failed(
    shop: Any, people: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = imports.import_batch_create(
        actor=None, shop=shop, orders_file=upload("o.csv", good_orders())
    )

    def boom(**kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(imports.batches, "orders_import", boom)
    imports.import_batch_run(batch_id=batch.pk)

    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.FAILED
    assert batch.finished_at is not None
    assert "内部错误" in batch.report["errors"][0]["reason"]


def test_progress_states_are_written_on_the_batch(shop: Any) -> None:
    batch = imports.import_batch_create(
        actor=None, shop=shop, orders_file=upload("o.csv", good_orders())
    )
    publish = imports.batches.BatchProgress(batch.pk)

    publish("reading", 10, 100)
    batch.refresh_from_db()
    assert (batch.state, batch.rows_done, batch.rows_total) == ("running", 10, 100)
    assert batch.percent == 10
    publish("writing", 50, 100)
    batch.refresh_from_db()
    assert (batch.state, batch.percent) == ("writing", 50)
    publish.close()


@pytest.mark.django_db(transaction=True)
def test_progress_while_writing_is_seen_on_postgresql_only(
    shop: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection, transaction

    batch = imports.import_batch_create(
        actor=None, shop=shop, orders_file=upload("o.csv", good_orders())
    )
    monkeypatch.setattr(imports.batches.BatchProgress, "INTERVAL", 0)
    publish = imports.batches.BatchProgress(batch.pk)
    publish("writing", 50, 100)  # enters the writing state before the transaction
    with transaction.atomic():  # as the import's pass 2
        publish("writing", 75, 100)
    publish.close()

    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.WRITING
    if connection.vendor == "postgresql":
        assert batch.rows_done == 75  # written through a connection of its own
    else:
        assert batch.rows_done == 50  # SQLite: one writer; the bar waits


# --- the command ----------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> Callable[[str, bytes], Path]:
    def write(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write


def test_command_prints_the_report(
    shop: Any, files: Callable[[str, bytes], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    orders = files("ExportOrderList.csv", good_orders())
    items_path = files("ExportOrderDetailList.csv", items())

    call_command(
        "import_orders", str(orders), shop=shop.code, items_file=str(items_path)
    )

    out = capsys.readouterr().out
    assert "新建 2" in out
    assert "新增明细 2 行" in out
    assert Order.objects.count() == 2


def test_command_json(
    shop: Any, files: Callable[[str, bytes], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    orders = files("ExportOrderList.csv", good_orders())
    call_command("import_orders", str(orders), shop=shop.code, json=True)
    call_command("import_orders", str(orders), shop=shop.code, json=True)

    second = json.loads(capsys.readouterr().out.split("\n}\n")[1] + "\n}")
    assert second["ok"] is True
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, 2)
    assert second["errors"] == []
    assert second["rows"] == 2


def test_shopops_import_orders_exits_non_zero_listing_every_bad_row(
    shop: Any, files: Callable[[str, bytes], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from shopops.cli import main

    path = files("ExportOrderList.csv", bad_orders())
    with pytest.raises(SystemExit) as excinfo:
        main(["shopops", "import-orders", "--shop", shop.code, str(path)])

    assert excinfo.value.code == 1
    err = capsys.readouterr().err
    assert "3 处错误，未导入任何数据" in err
    assert "第 2 行 [总金额] “12元5角”" in err
    assert "第 3 行 [订单编号]" in err
    assert "第 4 行 [订单状态]" in err


def test_command_json_on_a_bad_file(
    shop: Any, files: Callable[[str, bytes], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = files("ExportOrderList.csv", bad_orders())
    with pytest.raises(CommandError):
        call_command("import_orders", str(path), shop=shop.code, json=True)

    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False
    assert (data["created"], data["updated"], data["unchanged"]) == (0, 0, 0)
    assert [(e["row"], e["column"]) for e in data["errors"]] == [
        (2, "总金额"),
        (3, "订单编号"),
        (4, "订单状态"),
    ]
    assert data["errors"][0]["value"] == "12元5角"


def test_command_unknown_shop_or_file(
    shop: Any, files: Callable[[str, bytes], Path]
) -> None:
    path = files("o.csv", good_orders())
    with pytest.raises(CommandError, match="没有这个店铺"):
        call_command("import_orders", str(path), shop="nope")
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_orders", str(path) + ".missing", shop=shop.code)


# --- the API --------------------------------------------------------------------------


def test_api_upload_then_follow_the_batch(
    api_client: Any,
    shop: Any,
    people: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    api_client.force_login(people.logistics.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/v1/imports",
            {
                "shop": shop.code,
                "orders_file": upload("ExportOrderList.csv", good_orders()),
                "items_file": upload("ExportOrderDetailList.csv", items()),
            },
        )

    assert response.status_code == 202, response.content
    created = response.json()
    assert created["shop"] == shop.code
    assert created["state"] == "pending"  # answered before the job ran
    followed = api_client.get(f"/api/v1/imports/{created['id']}").json()
    assert followed["state"] == "done"
    assert followed["percent"] == 100
    assert followed["report"]["created"] == 2
    assert followed["report"]["lines_created"] == 2
    assert followed["items_filename"] == "ExportOrderDetailList.csv"
    listed = api_client.get("/api/v1/imports").json()
    assert [b["id"] for b in listed] == [created["id"]]


def test_api_bad_file_report_names_every_row(
    api_client: Any,
    shop: Any,
    people: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    api_client.force_login(people.ops.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/v1/imports",
            {"shop": shop.code, "orders_file": upload("bad.csv", bad_orders())},
        )
    batch = api_client.get(f"/api/v1/imports/{response.json()['id']}").json()

    assert batch["state"] == "failed"
    assert batch["report"]["ok"] is False
    assert [(e["row"], e["column"]) for e in batch["report"]["errors"]] == [
        (2, "总金额"),
        (3, "订单编号"),
        (4, "订单状态"),
    ]


def test_api_permissions_and_bad_requests(
    api_client: Any, shop: Any, people: Any
) -> None:
    api_client.force_login(people.cs.user)
    response = api_client.post(
        "/api/v1/imports",
        {"shop": shop.code, "orders_file": upload("o.csv", good_orders())},
    )
    assert response.status_code == 403
    api_client.force_login(people.designer.user)
    assert api_client.get("/api/v1/imports").status_code == 403

    api_client.force_login(people.logistics.user)
    response = api_client.post(
        "/api/v1/imports",
        {"shop": "nope", "orders_file": upload("o.csv", good_orders())},
    )
    assert response.status_code == 422
    assert api_client.post("/api/v1/imports", {"shop": shop.code}).status_code == 422
    assert api_client.get("/api/v1/imports/999999").status_code == 404
    assert not ImportBatch.objects.exists()


def test_api_imports_are_in_the_openapi_schema(api_client: Any, people: Any) -> None:
    api_client.force_login(people.logistics.user)
    paths = api_client.get("/api/v1/openapi.json").json()["paths"]
    assert "post" in paths["/api/v1/imports"]
    assert "get" in paths["/api/v1/imports/{batch_id}"]
