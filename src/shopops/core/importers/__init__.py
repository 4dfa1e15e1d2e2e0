"""The importer base: every file import (products, marketplace orders, …) builds on it.

Reading a file::

    spec = Spec([
        Column("order_no", "订单编号", required=True, parse=code_cell(max_length=64)),
        Column("total", "总金额", parse=money_cell(minimum=ZERO)),
        Column("paid_at", "订单付款时间", parse=datetime_cell()),
    ])
    report = ImportReport()
    for row in read_rows(file, spec, report=report, filename="ExportOrderList.csv"):
        row["order_no"], row["total"]          # parsed values (None when empty/absent)
        row.has("paid_at")                     # is the column in this file at all?
        report.add_error(row.error("total", "…"))  # an importer's own check
    if not report.ok:
        ...                                    # write nothing (or roll back)

- `open_table` opens a path or an uploaded file as CSV or XLSX (by magic bytes, then
  extension), detects a CSV's encoding (UTF-8 with or without BOM, UTF-16 with BOM,
  GBK/GB18030), and streams rows with their spreadsheet row numbers (header = row 1).
  A file object is read from its start and never closed, so it can be read twice.
- `Spec` / `Column` match columns by header name (trimmed, case- and width-insensitive),
  tolerate extra, missing optional and reordered columns, and name a missing required
  column (and the file) in one error.
- The `clean_*` cleaners and `*_cell` parsers handle `="123…"`, a leading `'`, amounts
  with 元/¥/commas (Decimal, never float), XLSX numbers, dates in the shop's zone.
- `ImportReport` / `RowError` carry counts and every bad row (file, row, column, value,
  reason); `ImportReport.as_dict()` is the JSON of `--json` and the API.
"""

from shopops.core.importers.cells import (
    STRIP_CHARS,
    Cell,
    CellError,
    Parser,
    choice_cell,
    clean_code,
    clean_date,
    clean_datetime,
    clean_decimal,
    clean_int,
    clean_money,
    clean_phone,
    clean_text,
    code_cell,
    date_cell,
    datetime_cell,
    decimal_cell,
    int_cell,
    money_cell,
    phone_cell,
    strip_text,
    text_cell,
)
from shopops.core.importers.report import ImportReport, RowError, display_value
from shopops.core.importers.sources import (
    CsvTable,
    ImportFileError,
    ImportSource,
    Table,
    XlsxTable,
    detect_encoding,
    open_table,
    source_name,
)
from shopops.core.importers.spec import (
    Binding,
    Column,
    ParsedRow,
    Spec,
    header_key,
    normalize_header,
    parse_table,
    read_rows,
    template_xlsx,
)

__all__ = [
    "STRIP_CHARS",
    "Binding",
    "Cell",
    "CellError",
    "Column",
    "CsvTable",
    "ImportFileError",
    "ImportReport",
    "ImportSource",
    "ParsedRow",
    "Parser",
    "RowError",
    "Spec",
    "Table",
    "XlsxTable",
    "choice_cell",
    "clean_code",
    "clean_date",
    "clean_datetime",
    "clean_decimal",
    "clean_int",
    "clean_money",
    "clean_phone",
    "clean_text",
    "code_cell",
    "date_cell",
    "datetime_cell",
    "decimal_cell",
    "detect_encoding",
    "display_value",
    "header_key",
    "int_cell",
    "money_cell",
    "normalize_header",
    "open_table",
    "parse_table",
    "phone_cell",
    "read_rows",
    "source_name",
    "strip_text",
    "template_xlsx",
    "text_cell",
]
