"""The importer base: encodings, headers by name, cell quirks, XLSX, the real Tmall file."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from shopops.core.importers import (
    CellError,
    Column,
    ImportReport,
    RowError,
    Spec,
    clean_code,
    clean_date,
    clean_datetime,
    clean_int,
    clean_money,
    clean_phone,
    clean_text,
    code_cell,
    datetime_cell,
    detect_encoding,
    int_cell,
    money_cell,
    open_table,
    phone_cell,
    read_rows,
    template_xlsx,
    text_cell,
)

TMALL = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "real"
    / "tmall_order_report.csv"
)
SHANGHAI = ZoneInfo("Asia/Shanghai")

ORDER_SPEC = Spec(
    [
        Column("order_no", "订单编号", required=True, parse=code_cell()),
        Column("member", "买家会员名", parse=text_cell()),
        Column("total", "总金额", required=True, parse=money_cell()),
        Column("paid", "买家实际支付金额", parse=money_cell()),
        Column("address", "收货地址", parse=text_cell()),
        Column("phone", "联系手机", parse=phone_cell()),
        Column("paid_at", "订单付款时间", parse=datetime_cell()),
        Column("items", "宝贝总数量", parse=int_cell(minimum=0)),
    ]
)

HEADER = "订单编号,买家会员名,总金额,收货地址 ,联系手机,订单付款时间 \r\n"
BODY = (
    '="123456789012345678",张三,12.50元,浙江省 杭州市 西湖区,\'13812345678,'
    "2020-02-21 09:05:00\r\n"
    '="000000000000000042",李四,"1,234.00",广东省 深圳市,,\r\n'
)


def _read(data: bytes | Path | Any, spec: Spec = ORDER_SPEC, **kw: Any) -> Any:
    report = ImportReport()
    name = kw.pop("filename", "orders.csv")
    rows = list(read_rows(data, spec, report=report, filename=name, **kw))
    return rows, report


# --- encodings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "prefix", "detected"),
    [
        ("utf-8", b"", "utf-8-sig"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("gbk", b"", "gb18030"),
        ("gb18030", b"", "gb18030"),
    ],
)
def test_encodings_are_detected(encoding: str, prefix: bytes, detected: str) -> None:
    data = prefix + (HEADER + BODY).encode(encoding)

    with open_table(io.BytesIO(data), filename="orders.csv") as table:
        assert table.encoding == detected
        assert table.header[0] == "订单编号"  # no BOM left on the first header

    rows, report = _read(data)
    assert report.ok, report.errors
    assert [r["member"] for r in rows] == ["张三", "李四"]
    assert rows[0]["address"] == "浙江省 杭州市 西湖区"


def test_gb18030_only_characters() -> None:
    # 𠮷 (U+20BB7) is in GB18030 but not in GBK: a GBK file read as GBK would fail.
    data = (HEADER + BODY.replace("张三", "𠮷野家")).encode("gb18030")
    assert detect_encoding(io.BytesIO(data)) == "gb18030"
    rows, report = _read(data)
    assert report.ok
    assert rows[0]["member"] == "𠮷野家"


def test_short_gbk_file_is_still_gbk() -> None:
    # A few Chinese characters alone can look like Big5 to a detector.
    spec = Spec([Column("code", "code", required=True), Column("title", "title")])
    rows, report = _read("code,title\r\nA1,睡袋\r\n".encode("gbk"), spec)
    assert report.ok, report.errors
    assert rows[0]["title"] == "睡袋"


# A GBK product file whose only Chinese characters are full-width brackets or a colon:
# charset-normalizer guesses Big5 / Korean (cp949, Johab) / Western code pages for these,
# never the GB family, so only the strict GB18030 fallback reads them.
FEW_CHINESE_GBK = [
    "sku,name,qty\r\nA-1,Mug（L）,2\r\nA-2,T-shirt（white）,3\r\n",
    "sku,name,qty\r\nA-1,Bag：black,2\r\n",
    "sku,name,qty\r\n"
    + "".join(f"A-{i},Item {i},{i}\r\n" for i in range(10))
    + "B-1,Cable #2（1m）,2\r\n",
]


@pytest.mark.parametrize("text", FEW_CHINESE_GBK)
def test_gbk_file_with_few_chinese_characters_is_read_as_gb18030(
    text: str, tmp_path: Path
) -> None:
    from charset_normalizer import from_bytes

    data = text.encode("gbk")
    path = tmp_path / "products.csv"
    path.write_bytes(data)
    guesses = {codecs.lookup(m.encoding).name for m in from_bytes(data)}
    assert not guesses & {"gbk", "gb2312", "gb18030"}, "the detector found it after all"
    spec = Spec(
        [
            Column("sku", "sku", required=True, parse=code_cell()),
            Column("name", "name", parse=text_cell()),
            Column("qty", "qty", parse=int_cell(minimum=0)),
        ]
    )

    with open_table(path) as table:
        assert table.encoding == "gb18030"
    rows, report = _read(path, spec, filename="products.csv")

    assert report.ok, report.errors
    expected = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [row["name"] for row in rows] == [row["name"] for row in expected]


def test_a_western_file_is_still_refused_not_read_as_gb18030() -> None:
    # é (0xE9) then a comma is no GB18030 sequence: the strict fallback does not apply.
    data = "sku,name\r\nA-1,café crème,\r\nA-2,Müller,\r\n".encode("latin-1")
    rows, report = _read(data)
    assert rows == []
    assert [(e.row, "UTF-8" in e.reason) for e in report.errors] == [(None, True)]


def test_utf16_tab_separated_from_excel() -> None:
    # Excel's "Unicode text" save: UTF-16 with BOM, tab-separated.
    text = "订单编号\t总金额\r\n1001\t9.90\r\n"
    rows, report = _read(text.encode("utf-16"))
    assert report.ok, report.errors
    assert (rows[0]["order_no"], rows[0]["total"]) == ("1001", Decimal("9.90"))


def test_mixed_encodings_name_the_row() -> None:
    good = (HEADER + BODY).encode("utf-8") * 1
    filler = ("1,会员,1.00,地址,,\r\n" * 8000).encode("utf-8")
    bad = "2,王五,3.00,北京,,\r\n".encode("gbk")
    rows, report = _read(good + filler + bad)
    assert not report.ok
    error = report.errors[0]
    assert error.row == 8004  # header + 2 + 8000 rows before it
    assert "UTF-8" in error.reason


def test_undecodable_file_is_one_file_error() -> None:
    rows, report = _read(bytes(range(128, 256)) * 50)
    assert rows == []
    assert len(report.errors) == 1
    assert report.errors[0].row is None
    assert report.errors[0].file == "orders.csv"


# --- headers by name ----------------------------------------------------------------


def test_headers_trimmed_reordered_extra_and_missing_optional() -> None:
    # trailing and full-width spaces, a BOM-like mark, columns reordered, extras
    text = (
        "\u3000收货地址 ,备注,总金额\u00a0, 订单编号\ufeff,商家备忘\r\n"
        '上海市,加急,5.00,="9001",\r\n'
    )
    rows, report = _read(text.encode("utf-8"))

    assert report.ok, report.errors
    row = rows[0]
    assert (row["order_no"], row["total"], row["address"]) == (
        "9001",
        Decimal("5.00"),
        "上海市",
    )
    # missing optional columns read as None, and say they are absent
    assert row["paid_at"] is None
    assert row["phone"] is None
    assert not row.has("phone")
    assert row.has("address")


def test_english_aliases_case_and_width_insensitive() -> None:
    spec = Spec(
        [
            Column("code", "商品编码", ("code",), required=True),
            Column("days", "保质期（天）", ("shelf_life_days",), parse=int_cell()),
        ]
    )
    rows, report = _read("CODE ,保质期(天)\r\nA1,365\r\n".encode(), spec)
    assert report.ok, report.errors
    assert (rows[0]["code"], rows[0]["days"]) == ("A1", 365)


def test_missing_required_header_is_one_error_naming_file_and_column() -> None:
    rows, report = _read("订单编号,收货地址\r\n1,北京\r\n".encode(), filename="x.csv")

    assert rows == []
    assert len(report.errors) == 1
    error = report.errors[0]
    assert (error.file, error.row, error.column) == ("x.csv", 1, "总金额")
    assert "x.csv" in error.reason
    assert "总金额" in error.reason


def test_a_column_twice_is_an_error() -> None:
    rows, report = _read("订单编号,总金额,总金额 \r\n1,2,3\r\n".encode())
    assert rows == []
    assert [(e.row, e.column) for e in report.errors] == [(1, "总金额")]


# --- cells --------------------------------------------------------------------------


def test_quirky_cells() -> None:
    rows, report = _read((HEADER + BODY).encode("gbk"))
    assert report.ok
    first, second = rows
    assert first["order_no"] == "123456789012345678"
    assert second["order_no"] == "000000000000000042"
    assert first["phone"] == "13812345678"
    assert first["total"] == Decimal("12.50")
    assert second["total"] == Decimal("1234.00")
    assert first["paid_at"] == dt.datetime(2020, 2, 21, 9, 5, tzinfo=SHANGHAI)
    assert second["paid_at"] is None  # an unpaid order has no payment time


def test_cleaners() -> None:
    assert clean_text('="123456789012345678"') == "123456789012345678"
    assert clean_text('="a""b"') == 'a"b'
    assert clean_text('=""') is None
    assert clean_text("  \u3000 ") is None
    assert clean_text("'13812345678") == "13812345678"
    assert clean_text("'90s 夹克") == "'90s 夹克"  # not a number: kept as written
    assert clean_phone("'+86 138-1234-5678") == "+86 138-1234-5678"
    assert clean_phone(13812345678.0) == "13812345678"
    assert clean_code("'ABC-1") == "ABC-1"
    assert clean_money("12.50元") == Decimal("12.50")
    assert clean_money(" ¥1,234.5 ") == Decimal("1234.50")
    assert clean_money("￥0") == Decimal("0.00")
    assert clean_money('="19.90"') == Decimal("19.90")
    assert clean_money(19.9) == Decimal("19.90")
    assert clean_money(0.1 + 0.2) == Decimal("0.30")
    assert clean_money(7) == Decimal("7.00")
    assert clean_money("") is None
    assert clean_int("1,200") == 1200
    assert clean_int(365.0) == 365
    assert clean_datetime("2020/2/21 0:00") == dt.datetime(2020, 2, 21, tzinfo=SHANGHAI)
    assert clean_datetime(dt.datetime(2020, 2, 21, 8)) == dt.datetime(
        2020, 2, 21, 8, tzinfo=SHANGHAI
    )


@pytest.mark.parametrize(
    ("cleaner", "value"),
    [
        (clean_money, "十二元"),
        (clean_money, "NaN"),
        (clean_money, float("inf")),
        (clean_money, True),
        (clean_money, "9999999999999"),
        (clean_int, "3.5"),
        (clean_int, "abc"),
        (clean_code, "1.23457E+17"),
        (clean_code, 1.2345678901234568e17),
        (clean_datetime, "昨天"),
    ],
)
def test_bad_cells_raise(cleaner: Any, value: Any) -> None:
    with pytest.raises(CellError):
        cleaner(value)


def test_bad_rows_are_named_with_spreadsheet_row_numbers() -> None:
    text = (
        HEADER
        + '="1",甲,1.00,北京,,\r\n'  # row 2
        + "\r\n"  # row 3: blank, skipped but counted
        + '="2",乙,"多行\n金额",北京,,\r\n'  # row 4 (one record over two lines)
        + ",丙,3.00,北京,,昨天\r\n"  # row 5: two bad cells
        + '="5",丁,5.00,北京,,\r\n'  # row 6
    )
    rows, report = _read(text.encode())

    assert [r.row for r in rows] == [2, 6]
    assert [(e.row, e.column, e.value) for e in report.errors] == [
        (4, "总金额", "多行\n金额"),
        (5, "订单编号", ""),
        (5, "订单付款时间", "昨天"),
    ]
    assert report.rows == 4
    assert report.error_rows == [4, 5]


def test_file_object_is_rewound_and_left_open() -> None:
    stream = io.BytesIO((HEADER + BODY).encode("gbk"))
    stream.read(10)
    first, _ = _read(stream)
    second, _ = _read(stream)  # a second pass over the same object
    assert len(first) == len(second) == 2
    assert not stream.closed


def test_uploaded_file() -> None:
    upload = SimpleUploadedFile("ExportOrderList.csv", (HEADER + BODY).encode("gbk"))
    rows, report = _read(upload, filename=None)
    assert report.ok
    assert len(rows) == 2


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("orders.csv", b""),
        ("orders.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100),
        ("orders.xlsx", b"not a zip"),
        ("orders.xls", b"<html><table><tr><td>1</td></tr></table></html>"),
        ("orders.xlsx", b"PK\x03\x04 broken zip"),
    ],
)
def test_unreadable_files_are_one_error(name: str, data: bytes) -> None:
    rows, report = _read(data, filename=name)
    assert rows == []
    assert [(e.file, e.row) for e in report.errors] == [(name, None)]


def test_report_as_dict() -> None:
    report = ImportReport(created=1, extra={"paid": Decimal("12.50"), "n": 2})
    report.add_error(RowError("a.csv", 3, "总金额", "x", "不是有效的金额"))
    data = report.as_dict()
    assert data["ok"] is False
    assert data["paid"] == "12.50"
    assert data["errors"] == [
        {
            "file": "a.csv",
            "row": 3,
            "column": "总金额",
            "value": "x",
            "reason": "不是有效的金额",
        }
    ]
    assert str(report.errors[0]) == "a.csv 第 3 行 [总金额] “x”: 不是有效的金额"


def test_error_limit_keeps_count() -> None:
    report = ImportReport(error_limit=2)
    for row in range(5):
        report.add_error(RowError("a.csv", row, "", "", "bad"))
    assert len(report.errors) == 2
    assert report.error_count == 5
    assert not report.ok


# --- XLSX ---------------------------------------------------------------------------


def test_xlsx_reading(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.append(
        ["订单编号 ", "总金额", "联系手机", "订单付款时间", "宝贝总数量", "无关"]
    )
    sheet.append(
        [
            "123456789012345678",
            19.9,
            "'13812345678",
            dt.datetime(2020, 2, 21, 9),
            2,
            "x",
        ]
    )
    sheet.append([])  # row 3: blank
    sheet.append([9001, 5, 13900001111, None, 1.0, None])  # row 4: numbers
    sheet.append([1.2345678901234568e17, "1元", None, None, None, None])  # row 5: lost
    path = tmp_path / "orders.xlsx"
    book.save(path)

    rows, report = _read(path, filename=None)

    first, second = rows
    assert (first.row, second.row) == (2, 4)
    assert first["order_no"] == "123456789012345678"
    assert first["total"] == Decimal("19.90")
    assert first["phone"] == "13812345678"
    assert first["paid_at"] == dt.datetime(2020, 2, 21, 9, tzinfo=SHANGHAI)
    assert first["items"] == 2
    assert second["order_no"] == "9001"
    assert second["total"] == Decimal("5.00")
    assert second["phone"] == "13900001111"
    assert second["items"] == 1
    assert [(e.file, e.row, e.column) for e in report.errors] == [
        ("orders.xlsx", 5, "订单编号")
    ]


def test_xlsx_by_magic_bytes_whatever_the_name(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.worksheets[0].append(["订单编号", "总金额"])
    book.worksheets[0].append(["1", "2.00"])
    data = io.BytesIO()
    book.save(data)
    with open_table(io.BytesIO(data.getvalue()), filename="download.csv") as table:
        assert table.kind == "xlsx"
        assert [row for _, row in table] == [("1", "2.00")]


def test_template_is_readable_back() -> None:
    data = template_xlsx(ORDER_SPEC, sheet_title="订单")
    with open_table(io.BytesIO(data), filename="template.xlsx") as table:
        assert table.header == [c.header for c in ORDER_SPEC.columns]
    rows, report = _read(data, filename="template.xlsx")
    assert rows == []
    assert report.ok


# --- properties ---------------------------------------------------------------------

_money = st.decimals(
    min_value=Decimal("-999999999.99"),
    max_value=Decimal("999999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


@given(
    _money, st.sampled_from(["{}", "{}元", "¥{}", "￥{}", " {} ", '="{}"', "{}\u3000"])
)
def test_money_text_round_trips(amount: Decimal, template: str) -> None:
    assert clean_money(template.format(amount)) == amount


@given(_money)
def test_money_with_thousands_separators(amount: Decimal) -> None:
    assert clean_money(f"{amount:,}") == amount


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_float_cells_never_go_through_binary(value: float) -> None:
    amount = clean_money(value)
    assert amount is not None
    assert amount == Decimal(repr(value)).quantize(Decimal("0.01"), "ROUND_HALF_UP")


@given(st.text(alphabet="0123456789", min_size=1, max_size=30))
def test_digit_strings_stay_exact(digits: str) -> None:
    assert clean_code(f'="{digits}"') == digits
    assert clean_code(f"'{digits}") == digits
    assert clean_text(digits) == digits


@given(st.text())
def test_text_cleaner_is_idempotent(value: str) -> None:
    once = clean_text(value)
    if once is not None and not once.startswith(('="', "'")):
        assert clean_text(once) == once


# --- dates as spreadsheets write them -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-2-21 8:05:03", dt.datetime(2020, 2, 21, 8, 5, 3)),
        ("2020-2-21 8:05", dt.datetime(2020, 2, 21, 8, 5)),
        ("2020-2-21", dt.datetime(2020, 2, 21)),
        ("2020/2/21 8:05", dt.datetime(2020, 2, 21, 8, 5)),
        ("2020/2/21 8:05:03", dt.datetime(2020, 2, 21, 8, 5, 3)),
        ("2020/02/21", dt.datetime(2020, 2, 21)),
        ("2020.2.21 23:59:59", dt.datetime(2020, 2, 21, 23, 59, 59)),
        ("2020年2月21日 8:05", dt.datetime(2020, 2, 21, 8, 5)),
        ("2020-02-21 08:05:03", dt.datetime(2020, 2, 21, 8, 5, 3)),
        ("2020-2-21T8:05:03.5", dt.datetime(2020, 2, 21, 8, 5, 3, 500000)),
    ],
)
def test_unpadded_dates_with_either_separator(text: str, expected: dt.datetime) -> None:
    assert clean_datetime(text) == expected.replace(tzinfo=SHANGHAI)
    assert clean_date(text) == expected.date()


@pytest.mark.parametrize(
    "text",
    [
        "2020-2/21",  # two separators
        "2020-13-1",
        "2020/2/30",
        "2020-2-21 24:00",
        "2020-2-21 8:60",
        "2020-2-21 8",
        "20-2-21",
        "2020-2-21 8:05:03 PM",
        "21/2/2020",
    ],
)
def test_what_is_not_a_date_is_refused(text: str) -> None:
    with pytest.raises(CellError):
        clean_datetime(text)
    with pytest.raises(CellError):
        clean_date(text)


def test_every_import_reads_unpadded_dates() -> None:
    # The order report's payment time, as a spreadsheet re-saves it with dashes.
    body = (
        '="1001",张三,12.50,北京,,2020-2-21 8:05:03\r\n'
        '="1002",李四,9.90,上海,,2020-2-21\r\n'
        '="1003",王五,1.00,广州,,2020/2/21 8:05\r\n'
    )
    rows, report = _read((HEADER + body).encode("gbk"))
    assert report.ok, report.errors
    assert [row["paid_at"] for row in rows] == [
        dt.datetime(2020, 2, 21, 8, 5, 3, tzinfo=SHANGHAI),
        dt.datetime(2020, 2, 21, tzinfo=SHANGHAI),
        dt.datetime(2020, 2, 21, 8, 5, tzinfo=SHANGHAI),
    ]


def _number(value: int, pad: bool) -> str:
    return f"{value:02d}" if pad else str(value)


@st.composite
def _written_moment(draw: st.DrawFn) -> tuple[str, dt.datetime]:
    """A moment and one way a spreadsheet or export writes it."""
    moment = draw(
        st.datetimes(
            min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)
        )
    )
    pads = draw(st.lists(st.booleans(), min_size=5, max_size=5))
    month, day = _number(moment.month, pads[0]), _number(moment.day, pads[1])
    separator = draw(st.sampled_from(["-", "/", ".", "年"]))
    if separator == "年":
        date = f"{moment.year}年{month}月{day}日"
    else:
        date = separator.join((str(moment.year), month, day))
    shape = draw(st.sampled_from(["date", "minutes", "seconds", "fraction", "iso"]))
    if shape == "iso":
        written = moment.replace(microsecond=moment.microsecond if pads[4] else 0)
        return written.isoformat(sep=draw(st.sampled_from([" ", "T"]))), written
    if shape == "date":
        return date, dt.datetime.combine(moment.date(), dt.time.min)
    clock = f"{_number(moment.hour, pads[2])}:{moment.minute:02d}"
    written = moment.replace(second=0, microsecond=0)
    if shape in {"seconds", "fraction"}:
        clock += f":{_number(moment.second, pads[3])}"
        written = written.replace(second=moment.second)
    if shape == "fraction" and moment.microsecond:
        clock += f".{moment.microsecond:06d}".rstrip("0")
        written = written.replace(microsecond=moment.microsecond)
    joint = draw(st.sampled_from([" ", "  ", "T"])) if separator != "年" else " "
    return f"{date}{joint}{clock}", written


@given(_written_moment(), st.sampled_from(["{}", " {} ", '="{}"', "{}\u3000"]))
def test_any_date_written_in_any_accepted_form_reads_back(
    written: tuple[str, dt.datetime], template: str
) -> None:
    text, moment = written
    cell = template.format(text)
    assert clean_datetime(cell) == moment.replace(tzinfo=SHANGHAI)
    assert clean_date(cell) == moment.date()
    assert datetime_cell()(cell) == moment.replace(tzinfo=SHANGHAI)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_a_date_cell_reads_back_what_clean_text_wrote(date: dt.date) -> None:
    # An XLSX date cell goes through clean_text as ISO text in some paths.
    assert clean_date(clean_text(date)) == date
    assert clean_date(f"{date.year}/{date.month}/{date.day}") == date
    assert clean_date(f"{date.year}-{date.month}-{date.day}") == date


@given(st.integers(min_value=-(2**53), max_value=2**53))
def test_integer_cells(value: int) -> None:
    assert clean_int(value) == value
    assert clean_int(str(value)) == value
    assert clean_int(float(value)) == value
    assert clean_code(value) == str(value)


# --- the real Tmall order report ----------------------------------------------------


@pytest.mark.skipif(not TMALL.exists(), reason="shared data not present")
def test_real_tmall_order_report() -> None:
    # computed independently with the csv module
    with TMALL.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        raw = list(reader)
    total_at = header.index("总金额")
    paid_at = header.index("买家实际支付金额")
    unpaid_at = header.index("订单付款时间 ")
    expected_total = sum(Decimal(r[total_at]) for r in raw)
    expected_paid = sum(Decimal(r[paid_at]) for r in raw)
    expected_unpaid = sum(1 for r in raw if not r[unpaid_at].strip())
    assert "收货地址 " in header  # the trailing spaces are really there

    rows, report = _read(TMALL, filename=None)

    assert report.ok, report.errors[:5]
    assert report.rows == len(rows) == len(raw) == 28010
    assert sum(r["total"] for r in rows) == expected_total
    assert sum(r["paid"] for r in rows) == expected_paid
    assert sum(1 for r in rows if r["paid_at"] is None) == expected_unpaid
    assert all(r["address"] for r in rows)
    assert not rows[0].has("member")  # a partial report: the rest stays unknown
    assert report.errors == []
    assert rows[-1].row == 28011  # header is row 1


def test_progress_moves_to_the_end() -> None:
    data = (HEADER + BODY * 2000).encode("gbk")
    seen = []
    with open_table(io.BytesIO(data), filename="orders.csv") as table:
        for number, _cells in table:
            if number % 1000 == 0:
                seen.append(table.progress())
        seen.append(table.progress())
    assert all(p is not None for p in seen)
    assert seen == sorted(seen)
    assert seen[-1] == 1.0


def test_read_rows_reports_progress() -> None:
    seen: list[float] = []
    rows, _ = _read((HEADER + BODY * 1500).encode("gbk"), progress=seen.append)
    assert len(rows) == 3000
    assert len(seen) == 4  # rows 1000, 2000, 3000, and the end
    assert seen == sorted(seen)
    assert seen[-1] == 1.0
