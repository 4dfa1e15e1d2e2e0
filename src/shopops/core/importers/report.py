"""What an import did: counts, and every bad row with its file, row, column and reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from shopops.core.importers.cells import Cell, clean_text

_VALUE_MAX = 120


def display_value(value: Cell) -> str:
    """Return a cell as a report shows it: its text, shortened when long."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    elif isinstance(value, float):
        text = repr(value)
    else:
        try:
            text = clean_text(value) or ""
        except ValueError:
            text = str(value)
    return text if len(text) <= _VALUE_MAX else text[: _VALUE_MAX - 1] + "…"


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


@dataclass(frozen=True)
class RowError:
    """One problem: `row` is the spreadsheet row (header = 1), None for the file."""

    file: str
    row: int | None
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += " " + _("第 %(row)d 行") % {"row": self.row}
        if self.column:
            where += f" [{self.column}]"
        if self.value:
            where += f" “{self.value}”"
        return f"{where}: {self.reason}"


@dataclass
class ImportReport:
    """Counts of what was created, updated or left unchanged, and every error.

    `warnings` name what was imported but is doubtful (a phone that is not a phone):
    they do not stop the import. An import that found errors writes nothing, so its
    counts stay 0. `rows` counts the
    data rows read; `extra` holds an importer's own figures (Decimals print as decimal
    strings in `as_dict`). With `error_limit`, errors past the limit are only counted
    in `errors_omitted`, so that a file that is wrong on every line keeps memory flat.
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    error_limit: int | None = None
    errors_omitted: int = 0
    warnings: list[RowError] = field(default_factory=list)
    warnings_omitted: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.errors_omitted

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_omitted

    @property
    def error_rows(self) -> list[int]:
        """Return the distinct row numbers named by errors, in order."""
        return sorted({e.row for e in self.errors if e.row is not None})

    def add_error(self, error: RowError) -> None:
        if self.error_limit is not None and len(self.errors) >= self.error_limit:
            self.errors_omitted += 1
        else:
            self.errors.append(error)

    def add_errors(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            self.add_error(error)

    @property
    def warning_count(self) -> int:
        return len(self.warnings) + self.warnings_omitted

    def add_warning(self, warning: RowError) -> None:
        """Note a doubtful cell (kept as read); past `error_limit` only counted."""
        if self.error_limit is not None and len(self.warnings) >= self.error_limit:
            self.warnings_omitted += 1
        else:
            self.warnings.append(warning)

    def as_dict(self) -> dict[str, Any]:
        """Return the report for JSON (--json, the API): money as decimal strings."""
        data: dict[str, Any] = {
            "ok": self.ok,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "error_count": self.error_count,
            "errors": [e.as_dict() for e in self.errors],
            "warning_count": self.warning_count,
            "warnings": [w.as_dict() for w in self.warnings],
        }
        for key, value in self.extra.items():
            data.setdefault(key, _jsonable(value))
        return data
