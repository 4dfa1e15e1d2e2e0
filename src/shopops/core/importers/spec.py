"""Columns by header name: what an importer expects, matched against a file's header.

An importer declares a `Spec` of `Column`s (a key for the code, the canonical header,
aliases, required or optional, a parser). Headers are matched after trimming white space
(exports write `收货地址 `), full-width forms, case, spaces and underscores, so extra,
missing optional and reordered columns all read the same.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from shopops.core.importers.cells import Cell, CellError, Parser, clean_text, strip_text
from shopops.core.importers.report import ImportReport, RowError, display_value
from shopops.core.importers.sources import (
    ImportFileError,
    ImportSource,
    Table,
    open_table,
    source_name,
)

# How often (in data rows) `read_rows` reports progress.
PROGRESS_EVERY = 1000


def normalize_header(text: str) -> str:
    """Return a header as shown to people: trimmed of spaces, full-width spaces, BOM."""
    return strip_text(text)


def header_key(text: str) -> str:
    """Return the key headers are matched by (NFKC, case-folded, no spaces or `_`)."""
    folded = unicodedata.normalize("NFKC", strip_text(text)).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "_-")


@dataclass(frozen=True)
class Column:
    """One column an importer reads.

    `key` names the value in `ParsedRow.values`; `header` is the canonical header (the
    template's); `aliases` are other accepted headers. A `required` column must be in the
    header and, unless `blank=True`, filled on every row. `parse` turns a raw cell into
    a value or raises `CellError`; it returns None for an empty cell.
    """

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    blank: bool | None = None
    parse: Parser = clean_text
    help: str | Promise = ""

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)

    @property
    def allows_blank(self) -> bool:
        return (not self.required) if self.blank is None else self.blank


class Spec:
    """The columns of one file format."""

    def __init__(self, columns: Iterable[Column]) -> None:
        self.columns: tuple[Column, ...] = tuple(columns)
        self._by_key: dict[str, Column] = {}
        self._by_header: dict[str, Column] = {}
        for column in self.columns:
            if column.key in self._by_key:
                raise ValueError(f"duplicate column key {column.key!r}")
            self._by_key[column.key] = column
            for header in column.headers:
                match = header_key(header)
                if match in self._by_header:
                    raise ValueError(f"header {header!r} names two columns")
                self._by_header[match] = column

    def __iter__(self) -> Iterator[Column]:
        return iter(self.columns)

    def __getitem__(self, key: str) -> Column:
        return self._by_key[key]

    def column_for(self, header: str) -> Column | None:
        """Return the column a file's header names, if any."""
        return self._by_header.get(header_key(header))

    def bind(
        self, header: Sequence[str], *, filename: str, header_row: int = 1
    ) -> Binding:
        """Match a file's header row; header problems go to `Binding.errors`."""
        positions: dict[str, int] = {}
        found: dict[str, str] = {}
        errors: list[RowError] = []
        unknown: list[str] = []
        for index, raw in enumerate(header):
            text = normalize_header(raw or "")
            if not text:
                continue
            column = self.column_for(text)
            if column is None:
                unknown.append(text)
                continue
            if column.key in positions:
                errors.append(
                    RowError(
                        filename,
                        header_row,
                        text,
                        text,
                        _("与“%(other)s”是同一列，只能出现一次")
                        % {"other": found[column.key]},
                    )
                )
                continue
            positions[column.key] = index
            found[column.key] = text
        for column in self.columns:
            if column.required and column.key not in positions:
                errors.append(
                    RowError(
                        filename,
                        header_row,
                        column.header,
                        "",
                        _(
                            "文件 %(file)s 缺少必需的列“%(column)s”（也可写作：%(aliases)s）"
                        )
                        % {
                            "file": filename,
                            "column": column.header,
                            "aliases": "、".join(column.aliases) or "—",
                        },
                    )
                )
        return Binding(
            filename=filename,
            columns=tuple(
                (column, positions[column.key])
                for column in self.columns
                if column.key in positions
            ),
            headers=found,
            absent=tuple(c.key for c in self.columns if c.key not in positions),
            unknown=tuple(unknown),
            errors=errors,
        )


@dataclass
class ParsedRow:
    """One data row: parsed `values` by column key, and the row's own errors."""

    file: str
    row: int
    values: dict[str, Any]
    raw: dict[str, Cell]
    headers: Mapping[str, str]
    errors: list[RowError] = field(default_factory=list)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key)
        return default if value is None else value

    def has(self, key: str) -> bool:
        """Return whether the file has this column (an absent column stays unknown)."""
        return key in self.headers

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, key: str, reason: str, *, column: str | None = None) -> RowError:
        """Return an error about this row's `key` cell, named as the file names it."""
        return RowError(
            self.file,
            self.row,
            column or self.headers.get(key, key),
            display_value(self.raw.get(key)),
            reason,
        )


@dataclass
class Binding:
    """A spec matched to one file's header."""

    filename: str
    columns: tuple[tuple[Column, int], ...]
    headers: dict[str, str]
    absent: tuple[str, ...]
    unknown: tuple[str, ...]
    errors: list[RowError]

    @property
    def present(self) -> frozenset[str]:
        return frozenset(self.headers)

    def parse(self, row: int, cells: Sequence[Cell]) -> ParsedRow:
        """Parse one data row; every bad cell becomes an error of the row."""
        values: dict[str, Any] = dict.fromkeys(self.absent)
        raw: dict[str, Cell] = {}
        errors: list[RowError] = []
        width = len(cells)
        for column, index in self.columns:
            cell = cells[index] if index < width else None
            raw[column.key] = cell
            try:
                value = column.parse(cell)
            except CellError as exc:
                errors.append(
                    RowError(
                        self.filename,
                        row,
                        self.headers[column.key],
                        display_value(cell),
                        exc.reason,
                    )
                )
                value = None
            else:
                if value is None and not column.allows_blank:
                    errors.append(
                        RowError(
                            self.filename,
                            row,
                            self.headers[column.key],
                            display_value(cell),
                            _("不能为空"),
                        )
                    )
            values[column.key] = value
        return ParsedRow(self.filename, row, values, raw, self.headers, errors)


def read_rows(
    source: ImportSource,
    spec: Spec,
    *,
    report: ImportReport,
    filename: str | None = None,
    skip_bad: bool = True,
    progress: Callable[[float], None] | None = None,
) -> Iterator[ParsedRow]:
    """Yield the rows of `source` that parsed cleanly, streaming.

    Every problem goes into `report` instead: file-level (format, encoding), header
    (a missing required column: nothing is yielded then) and each bad row. `report.rows`
    counts the data rows read. With `skip_bad=False` bad rows are yielded too (their
    errors already reported, `row.ok` false, bad cells None), so that an importer can
    still use their good cells in checks across rows. `progress(fraction)` is called
    every `PROGRESS_EVERY` rows and at the end, for progress bars. An importer that
    must take the file whole or not at all checks `report.ok` before (or rolls back
    after) writing.
    """
    name = source_name(source, filename)
    try:
        with open_table(source, filename=name) as table:
            for row in parse_table(table, spec, report=report, skip_bad=skip_bad):
                if progress is not None and report.rows % PROGRESS_EVERY == 0:
                    progress(table.progress() or 0.0)
                yield row
    except ImportFileError as exc:
        report.add_error(RowError(name, exc.row, "", "", exc.reason))
    if progress is not None:
        progress(1.0)


def parse_table(
    table: Table, spec: Spec, *, report: ImportReport, skip_bad: bool = True
) -> Iterator[ParsedRow]:
    """Yield the parsed rows of an opened table (see `read_rows`).

    For callers that hold the `Table` themselves (to ask `table.progress()`); a broken
    file raises `ImportFileError` from the iteration.
    """
    binding = spec.bind(
        table.header, filename=table.filename, header_row=table.header_row
    )
    if binding.errors:
        report.add_errors(binding.errors)
        return
    for number, cells in table:
        report.rows += 1
        row = binding.parse(number, cells)
        if row.errors:
            report.add_errors(row.errors)
            if skip_bad:
                continue
        yield row


def template_xlsx(
    spec: Spec, *, sheet_title: str, notes_title: str | None = None
) -> bytes:
    """Return an XLSX with the spec's headers (and a sheet explaining each column)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = sheet_title[:31]
    sheet.append([column.header for column in spec.columns])
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C00000" if column.required else None)
        # Text format keeps long codes and numbers exactly as typed.
        sheet.column_dimensions[letter].number_format = "@"
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
    sheet.freeze_panes = "A2"

    notes = book.create_sheet((notes_title or _("说明"))[:31])
    notes.append([_("列名"), _("也可写作"), _("必填"), _("说明")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for column in spec.columns:
        notes.append(
            [
                column.header,
                "、".join(column.aliases),
                _("是") if column.required else _("否"),
                str(column.help),
            ]
        )
    for letter, width in zip("ABCD", (16, 28, 8, 60), strict=True):
        notes.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
