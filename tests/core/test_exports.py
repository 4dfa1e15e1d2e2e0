"""core.exports: the rules every CSV and XLSX export is written by (formula-like text
inert, codes kept whole, numbers and dates typed, file names through Django)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from shopops.core import exports
from tests.exports_check import (
    HOSTILE,
    LEADING_ZERO,
    ORDER_NO,
    assert_csv_inert,
    body,
    csv_cell,
    csv_rows,
    shown,
    xlsx_value,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
COLUMNS = [exports.Column("文本"), exports.Column("金额", number_format="0.00")]


def read_csv(lines: list[str]) -> list[list[str]]:
    return list(csv.reader(io.StringIO("".join(lines), newline="")))


def workbook_of(*rows: list[object], columns: list[exports.Column] = COLUMNS):
    data = exports.xlsx_bytes([exports.Sheet("表", columns, rows)])
    return load_workbook(io.BytesIO(data))


# --- the rules ------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_gets_a_leading_apostrophe_in_csv(text):
    assert exports.is_formula_like(text)
    assert exports.csv_text(text) == "'" + text


@pytest.mark.parametrize(
    ("text", "written"),
    [
        (ORDER_NO, f'="{ORDER_NO}"'),
        (LEADING_ZERO, f'="{LEADING_ZERO}"'),
        ("781234567890", '="781234567890"'),  # 12 digits: the first mangled
        ("78123456789", "78123456789"),  # 11: a mobile number, shown whole
        ("0", "0"),
        ("12", "12"),
        ("SKU-0012", "SKU-0012"),
        (
            "１２３４５６７８９０１２３",
            "１２３４５６７８９０１２３",
        ),  # not ASCII digits
        ("买家 =1+1", "买家 =1+1"),  # only the first character counts
        ("", ""),
    ],
)
def test_codes_keep_every_digit_and_other_text_is_unchanged(text, written):
    assert exports.csv_text(text) == written


def test_numbers_stay_numbers_and_dates_are_written_plainly():
    assert exports.csv_text(12) == "12"
    assert exports.csv_text(-3) == "-3"  # a number, not text: no apostrophe
    assert exports.csv_text(Decimal("-12.50")) == "-12.50"
    assert exports.csv_text(1.5) == "1.5"
    assert exports.csv_text(10**15 - 1) == "999999999999999"
    assert exports.csv_text(10**15) == '="1000000000000000"'
    assert exports.csv_text(None) == ""
    assert exports.csv_text(dt.date(2026, 2, 1)) == "2026-02-01"
    midnight_utc = dt.datetime(2026, 1, 31, 16, 5, 3, tzinfo=dt.UTC)
    assert exports.csv_text(midnight_utc) == "2026-02-01 00:05:03"  # the shop's time
    assert exports.csv_text(exports.Cell("=1+1", bold=True)) == "'=1+1"


def test_subclasses_and_lazy_texts_follow_the_same_rules():
    class Text(str):
        pass

    assert exports.csv_text(Text("=1+1")) == "'=1+1"
    assert exports.csv_text(SafeString(ORDER_NO)) == f'="{ORDER_NO}"'
    assert exports.csv_text(gettext_lazy("=1+1")) == "'=1+1"
    assert exports.csv_text(exports.Cell(Decimal("1.50"))) == "1.50"
    sheet = workbook_of([SafeString("=1+1")], [gettext_lazy("@x")])["表"]
    assert [(c.data_type, c.value) for c in sheet["A"][1:]] == [
        ("s", "=1+1"),
        ("s", "@x"),
    ]


@pytest.mark.parametrize("value", [True, object(), b"bytes", ["a"]])
def test_values_it_cannot_write_are_refused(value):
    with pytest.raises(TypeError):
        exports.csv_text(value)


# --- CSV ------------------------------------------------------------------------------


def test_the_csv_round_trips_through_a_csv_reader():
    rows = [[text, Decimal("1.00")] for text in (*HOSTILE, ORDER_NO, LEADING_ZERO)]
    lines = list(exports.csv_lines(COLUMNS, rows))
    assert all(line.endswith("\r\n") for line in lines)
    read = read_csv(lines)
    assert read[0] == ["文本", "金额"]
    assert [r[0] for r in read[1:]] == [csv_cell(r[0]) for r in rows]
    assert [shown(r[0]) for r in read[1:]] == [r[0] for r in rows]
    assert [r[1] for r in read[1:]] == ["1.00"] * len(rows)


def test_the_csv_is_streamed_as_the_rows_come():
    taken: list[int] = []

    def rows():
        for n in range(3):
            taken.append(n)
            yield [str(n), n]

    response = exports.csv_response("数据.csv", COLUMNS, rows())
    assert taken == []  # nothing read before the body is
    chunks = list(response.streaming_content)
    assert taken == [0, 1, 2]
    assert chunks[0] == b"\xef\xbb\xbf"  # a BOM: Excel reads the UTF-8 intact
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E6%95%B0%E6%8D%AE.csv"
    )


def test_a_csv_in_gbk_has_no_bom_and_replaces_what_gbk_cannot_hold():
    data = b"".join(
        exports.csv_stream(COLUMNS, [["帐篷🏕", 1]], encoding="gbk", header=False)
    )
    assert data == "帐篷?,1\r\n".encode("gbk")


def test_the_file_name_goes_through_content_disposition_header():
    response = exports.csv_response('a "b".csv', COLUMNS, [])
    assert response["Content-Disposition"] == 'attachment; filename="a \\"b\\".csv"'
    assert "\ufeff文本" in body(response).decode("utf-8")


# --- XLSX -----------------------------------------------------------------------------


def test_every_text_is_a_string_cell_never_a_formula():
    texts = [*HOSTILE, ORDER_NO, LEADING_ZERO, "#N/A", "=", "普通文本"]
    sheet = workbook_of(*[[text] for text in texts])["表"]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.data_type for c in cells] == ["s"] * len(texts)
    assert [c.value for c in cells] == [xlsx_value(text) for text in texts]
    assert cells[texts.index("\rx")].value == "\nx"
    # side by side in one row, plain text between (openpyxl reuses its cells)
    mixed = ["=1+1", "a", "#N/A", 5, "=2", None, "b", Decimal("1.5"), "@x"]
    row = list(workbook_of(mixed, mixed, columns=[])["表"].iter_rows(min_row=2))
    for cells_ in row:
        assert [c.value for c in cells_] == mixed[:5] + [None, "b", 1.5, "@x"]
        assert [c.data_type for c in cells_] == ["s", "s", "s", "n", "s"] + [
            "n",
            "s",
            "n",
            "s",
        ]


def test_numbers_dates_and_formats_in_the_xlsx():
    columns = [
        exports.Column("数", width=9),
        exports.Column("金额", number_format="0.00"),
        exports.Column("日期"),
        exports.Column("时间"),
    ]
    noon = dt.datetime(2026, 3, 1, 4, 0, tzinfo=dt.UTC)
    sheet = workbook_of(
        [7, Decimal("12.50"), dt.date(2026, 3, 1), noon],
        [10**18, None, None, dt.datetime(2026, 3, 1, 8, 30)],
        [
            exports.Cell("合计", bold=True),
            exports.Cell(Decimal("3"), number_format="#,##0.00"),
        ],
        columns=columns,
    )["表"]
    header, first, second, third = list(sheet.iter_rows())
    assert [c.value for c in header] == ["数", "金额", "日期", "时间"]
    assert all(c.font.b for c in header)
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 9
    assert (first[0].data_type, first[0].value) == ("n", 7)
    assert (first[1].value, first[1].number_format) == (12.5, "0.00")
    assert first[2].value == dt.datetime(2026, 3, 1)
    assert first[2].number_format == exports.DATE_FORMAT
    assert first[3].value == dt.datetime(2026, 3, 1, 12, 0)  # in the shop's time
    assert first[3].number_format == exports.DATETIME_FORMAT
    assert (second[0].data_type, second[0].value) == ("s", str(10**18))
    assert second[1].value is None
    assert second[3].value == dt.datetime(2026, 3, 1, 8, 30)  # naive: as given
    assert third[0].font.b
    assert third[0].value == "合计"
    assert third[1].number_format == "#,##0.00"


def test_characters_xml_cannot_hold_are_dropped_from_xlsx_text():
    sheet = workbook_of(["a\x00b\x0bc\x1fd\te\nf\r\ng\rh"])["表"]
    assert sheet["A2"].value == "abcd\te\nf\ng\nh"
    assert exports.xlsx_text("a\x00\r\n") == "a\n"


def test_a_sheet_without_a_header_and_long_titles():
    data = exports.xlsx_bytes(
        [
            exports.Sheet(
                "很长的工作表名称" * 5, [exports.Column("x")], [["=1"]], header=False
            )
        ]
    )
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    assert len(sheet.title) == 31
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["=1"]]
    assert sheet.freeze_panes is None


def test_the_xlsx_response():
    response = exports.xlsx_response(
        "订单.xlsx", [exports.Sheet("订单", COLUMNS, [["=1+1", Decimal("1")]])]
    )
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E8%AE%A2%E5%8D%95.xlsx"
    )
    book = load_workbook(io.BytesIO(body(response)))
    assert book["订单"]["A2"].value == "=1+1"


# --- any text at all --------------------------------------------------------------------

_XML_ILLEGAL = {chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32)]}
texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40
)


@given(texts)
def test_any_text_comes_back_whole_from_the_csv(text):
    lines = list(exports.csv_lines([exports.Column("x")], [[text]], header=False))
    rows = read_csv(lines)
    assert_csv_inert(rows)
    [[cell]] = rows
    assert cell == csv_cell(text)
    if not text.startswith("'"):  # ("'=1" typed so is read back as "=1", as OWASP's)
        assert shown(cell) == text


@settings(deadline=None, max_examples=60)  # a workbook per example: slow, not stuck
@given(texts)
def test_any_text_comes_back_whole_from_the_xlsx(text):
    book = workbook_of([text], columns=[exports.Column("x")])
    cell = book["表"]["A2"]
    kept = "".join(ch for ch in xlsx_value(text) if ch not in _XML_ILLEGAL)
    if kept:
        assert (cell.data_type, cell.value) == ("s", kept)
    else:
        assert cell.value in (None, "")


def test_csv_rows_reads_the_response_back():
    response = exports.csv_response("x.csv", COLUMNS, [[ORDER_NO, 1]])
    assert csv_rows(response) == [["文本", "金额"], [f'="{ORDER_NO}"', "1"]]
