"""The order list's exports hold what buyers typed as text, whole (issue 18): planted
formulas, an 18–19-digit order number and a leading-zero code, in CSV and XLSX."""

from __future__ import annotations

import io

import pytest

from shopops.orders.models import Order
from tests.exports_check import (
    HOSTILE,
    LEADING_ZERO,
    ORDER_NO,
    PLANTED,
    assert_csv_holds,
    assert_xlsx_holds,
    csv_rows,
    fitting,
    shown,
    xlsx_book,
)

pytestmark = pytest.mark.django_db

# Every text field of an order the export writes that a buyer (or an import) fills.
BUYER_FIELDS = (
    "buyer_member_name",
    "receiver_name",
    "receiver_phone",
    "province",
    "city",
    "district",
    "courier",
    "tracking_no",
)


@pytest.fixture
def planted(make_order):
    """One order per planted text, the text in every field it fits in; the first order
    carries the 19-digit order number."""
    orders = []
    for index, text in enumerate(PLANTED):
        fields = {f: text for f in BUYER_FIELDS if text in fitting(Order, f, [text])}
        if index == 0:
            fields["order_no"] = ORDER_NO
        orders.append(make_order(**fields))
    return orders


def test_the_csv_holds_the_planted_texts_as_text(client, login, people, planted):
    response = login(client, people.ops).get("/orders/?export=csv")
    assert response.status_code == 200
    rows = csv_rows(response)
    assert_csv_holds(rows)
    header = rows[0]
    by_no = {shown(r[header.index("订单编号")]): r for r in rows[1:]}
    # every order number comes back with every digit, as a spreadsheet shows it
    assert set(by_no) == {o.order_no for o in planted}
    assert by_no[ORDER_NO][header.index("订单编号")] == f'="{ORDER_NO}"'
    member = header.index("买家会员名")
    for order in planted:
        cell = by_no[order.order_no][member]
        assert shown(cell) == order.buyer_member_name
    hyperlink = by_no[planted[0].order_no]
    assert hyperlink[member] == "'" + HOSTILE[0]
    assert hyperlink[header.index("收货人姓名")] == "'" + HOSTILE[0]
    phone = by_no[planted[PLANTED.index(LEADING_ZERO)].order_no]
    assert phone[header.index("联系手机")] == f'="{LEADING_ZERO}"'
    # amounts stay numbers
    assert {r[header.index("买家实际支付金额")] for r in rows[1:]} == {"199.00"}


def test_the_xlsx_holds_the_planted_texts_as_string_cells(
    client, login, people, planted
):
    response = login(client, people.ops).get("/orders/?export=xlsx")
    assert response.status_code == 200
    book = xlsx_book(response)
    assert_xlsx_holds(book)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    numbers = [row[header.index("订单编号")] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in numbers)
    assert sorted(c.value for c in numbers) == sorted(o.order_no for o in planted)
    paid = [row[header.index("买家实际支付金额")] for row in sheet.iter_rows(min_row=2)]
    assert {(c.data_type, c.value) for c in paid} == {("n", 199)}
    created = sheet.cell(row=2, column=header.index("订单创建时间") + 1)
    assert created.is_date


def test_formulas_imported_from_a_seller_center_report_come_out_inert(
    client, login, people, shop, tmp_path
):
    """The issue's case: a member named like a HYPERLINK and a receiver named "=1+1",
    imported from the seller center's order report, then the order list exported."""
    from django.core.management import call_command

    from .test_import_files import ORDER_HEADER, export_bytes, order_row

    report = tmp_path / "ExportOrderList.csv"
    report.write_bytes(
        export_bytes(
            ORDER_HEADER,
            [
                order_row(ORDER_NO, 买家会员名=HOSTILE[0]),
                order_row("401234567890123456", 收货人姓名="=1+1"),
            ],
        )
    )
    call_command(
        "import_orders", "--shop", shop.code, str(report), stdout=io.StringIO()
    )
    assert Order.objects.get(order_no=ORDER_NO).buyer_member_name == HOSTILE[0]

    login(client, people.ops)
    rows = csv_rows(client.get("/orders/?export=csv"))
    assert_csv_holds(rows, [HOSTILE[0], "=1+1", ORDER_NO, "401234567890123456"])
    book = xlsx_book(client.get("/orders/?export=xlsx"))
    assert_xlsx_holds(book, [HOSTILE[0], "=1+1", ORDER_NO, "401234567890123456"])
