"""Open an import file (a path or an uploaded file) as a stream of spreadsheet rows.

CSV or XLSX is told from the file's first bytes (then its name). A CSV's encoding is
UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030 (decoded as GB18030, the
superset). Rows are read one at a time — the csv module over a text wrapper, openpyxl in
read-only mode — so memory stays flat whatever the file's size. Row numbers are what a
spreadsheet user sees: the header is row 1.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from django.utils.translation import gettext as _

from shopops.core.importers.cells import Cell, clean_text, strip_text

# A path, the file's bytes, an open binary file, or a Django/django-ninja UploadedFile.
ImportSource = str | os.PathLike[str] | bytes | IO[bytes] | Any

CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_CHUNK = 1 << 20
_SAMPLE = 1 << 16
_SPOOL_MAX = 16 << 20
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030"})


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, a broken row)."""

    def __init__(self, reason: str, *, row: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.row = row


def source_name(source: ImportSource, filename: str | None = None) -> str:
    """Return the name to show for `source` in reports (its base name)."""
    if filename:
        return Path(str(filename)).name or str(filename)
    if isinstance(source, str | os.PathLike):
        return Path(os.fspath(source)).name
    name = getattr(source, "name", None)
    if isinstance(name, str) and name:
        return Path(name).name
    return "upload"


def detect_encoding(stream: IO[bytes]) -> str:
    """Return the codec to read a CSV with: "utf-8-sig", "utf-16" or "gb18030".

    UTF-8 is checked strictly over the whole stream (in chunks); otherwise
    charset-normalizer looks at a sample, and only the GBK family is accepted — read as
    GB18030, which decodes every GBK file. When the detector guesses anything else, the
    file is still GB18030 if the whole of it decodes strictly so (the fallback for GBK
    files with too few Chinese characters to detect); only then is it refused. The
    stream is left at its start.
    """
    stream.seek(0)
    head = stream.read(4)
    if head.startswith(codecs.BOM_UTF8):
        stream.seek(0)
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        stream.seek(0)
        return "utf-16"
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    offset = 0
    bad_offset: int | None = None
    while chunk := stream.read(_CHUNK):
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            bad_offset = offset + exc.start
            break
        offset += len(chunk)
    else:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            bad_offset = offset
    if bad_offset is None:
        stream.seek(0)
        return "utf-8-sig"

    stream.seek(0)
    sample = stream.read(_SAMPLE)
    if len(sample) == _SAMPLE and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]
    from charset_normalizer import from_bytes

    guesses = [codecs.lookup(match.encoding).name for match in from_bytes(sample)]
    stream.seek(0)
    if _GB_FAMILY.intersection(guesses):
        return "gb18030"
    # A GBK file with few Chinese characters (a full-width bracket, one name) gives the
    # detector too little to go on: it guesses a Korean, Japanese or Western code page.
    # The shops' files are Chinese, so a file that decodes strictly as GB18030 from its
    # first byte to its last is read as GB18030 rather than refused.
    if _decodes_strictly(stream, "gb18030"):
        return "gb18030"
    if bad_offset >= len(sample):
        raise ImportFileError(
            _("文件的编码不统一：从这一行起不是 UTF-8"),
            row=_line_of(stream, bad_offset),
        )
    raise ImportFileError(
        _("无法识别文件编码（支持 UTF-8、GBK、GB18030）；请另存为 UTF-8 CSV 或 XLSX")
    )


def _decodes_strictly(stream: IO[bytes], encoding: str) -> bool:
    """Whether the whole stream decodes as `encoding` without one bad byte (left at 0)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    stream.seek(0)
    try:
        while chunk := stream.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(0)
    return True


def _line_of(stream: IO[bytes], offset: int) -> int:
    stream.seek(0)
    lines = 1
    remaining = offset
    while remaining > 0 and (chunk := stream.read(min(_CHUNK, remaining))):
        lines += chunk.count(b"\n")
        remaining -= len(chunk)
    stream.seek(0)
    return lines


def _binary_stream(source: ImportSource) -> tuple[IO[bytes], bool]:
    """Return a seekable binary stream at its start, and whether we must close it."""
    if isinstance(source, bytes | bytearray | memoryview):
        return io.BytesIO(source), True
    if isinstance(source, str | os.PathLike):
        try:
            return open(source, "rb"), True  # noqa: SIM115 (Table closes it)
        except OSError as exc:
            raise ImportFileError(
                _("无法打开文件：%(reason)s") % {"reason": exc.strerror or exc}
            ) from exc
    temporary_path = getattr(source, "temporary_file_path", None)
    if callable(temporary_path):
        return open(temporary_path(), "rb"), True  # noqa: SIM115 (Table closes it)
    raw = source
    # Django's File/UploadedFile and tempfile's wrapper keep the real file in `.file`.
    while not isinstance(raw, io.IOBase) and hasattr(raw, "file"):
        raw = raw.file
    if isinstance(raw, io.TextIOBase):
        raise ImportFileError(_("文件须以二进制方式打开"))
    if isinstance(raw, io.IOBase) and raw.seekable():
        raw.seek(0)
        return raw, False  # type: ignore[return-value]
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_MAX)  # noqa: SIM115
    shutil.copyfileobj(raw, spool)
    spool.seek(0)
    return spool, True


class Table:
    """A file's rows: `header` (trimmed texts) then, iterated, (row number, cells)."""

    kind: str = ""

    def __init__(self, stream: IO[bytes], *, owned: bool, filename: str) -> None:
        self.filename = filename
        self.encoding: str | None = None
        self.header: list[str] = []
        self.header_row = 1
        self._stream = stream
        self._owned = owned
        self._closed = False

    def __iter__(self) -> Iterator[tuple[int, Sequence[Cell]]]:
        raise NotImplementedError

    def progress(self) -> float | None:
        """Return how far reading has got (0–1), when the format tells."""
        return None

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._release()
        if self._owned:
            self._stream.close()

    def _release(self) -> None:
        """Free what the reader holds (subclasses)."""

    def __enter__(self) -> Table:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _is_blank(cells: Sequence[Cell]) -> bool:
    for cell in cells:
        if cell is None:
            continue
        if not isinstance(cell, str) or strip_text(cell):
            return False
    return True


def _sniff_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


class CsvTable(Table):
    kind = "csv"

    def __init__(self, stream: IO[bytes], *, owned: bool, filename: str) -> None:
        super().__init__(stream, owned=owned, filename=filename)
        stream.seek(0, io.SEEK_END)
        self._size = stream.tell()
        self.encoding = detect_encoding(stream)
        self._text = io.TextIOWrapper(stream, encoding=self.encoding, newline="")
        self._number = 0
        try:
            self._start()
        except BaseException:
            # Never let the wrapper close a file object the caller owns.
            self._release()
            raise

    def _start(self) -> None:
        try:
            first = self._text.readline()
        except UnicodeDecodeError as exc:
            raise self._decode_error(1) from exc
        self.delimiter = _sniff_delimiter(first)
        self._reader = csv.reader(
            itertools.chain([first], self._text), delimiter=self.delimiter
        )
        for number, cells in self._records():
            self.header = [strip_text(cell) for cell in cells]
            self.header_row = number
            break
        else:
            raise ImportFileError(_("文件是空的"))

    def _decode_error(self, row: int) -> ImportFileError:
        return ImportFileError(
            _("这一行有无法按 %(encoding)s 解码的字节（文件可能混用了编码）")
            % {"encoding": self.encoding},
            row=row,
        )

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        reader = self._reader
        number = self._number
        try:
            for record in reader:
                number += 1
                self._number = number
                if _is_blank(record):
                    continue
                yield number, record
        except UnicodeDecodeError as exc:
            raise self._decode_error(number + 1) from exc
        except csv.Error as exc:
            raise ImportFileError(
                _("CSV 格式错误：%(reason)s") % {"reason": exc}, row=number + 1
            ) from exc

    def __iter__(self) -> Iterator[tuple[int, Sequence[Cell]]]:
        return self._records()

    def progress(self) -> float | None:
        if not self._size or self._closed:
            return None
        return min(1.0, self._stream.tell() / self._size)

    def _release(self) -> None:
        if self._owned:
            self._text.close()
        else:
            self._text.detach()


class XlsxTable(Table):
    kind = "xlsx"

    def __init__(self, stream: IO[bytes], *, owned: bool, filename: str) -> None:
        super().__init__(stream, owned=owned, filename=filename)
        import openpyxl

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._book = openpyxl.load_workbook(
                    stream, read_only=True, data_only=True
                )
        except Exception as exc:
            raise ImportFileError(
                _("无法读取 XLSX 文件：%(reason)s") % {"reason": exc}
            ) from exc
        self._number = 0
        try:
            self._start()
        except BaseException:
            self._book.close()
            raise

    def _start(self) -> None:
        if not self._book.worksheets:
            raise ImportFileError(_("XLSX 文件里没有工作表"))
        sheet = self._book.worksheets[0]
        self._total = sheet.max_row
        # Some writers store a wrong size (A1:A1); read what is really there.
        sheet.reset_dimensions()
        self._rows = enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
        for number, cells in self._records():
            self.header = [clean_text(cell) or "" for cell in cells]
            self.header_row = number
            break
        else:
            raise ImportFileError(_("文件是空的"))

    def _records(self) -> Iterator[tuple[int, Sequence[Cell]]]:
        number = self._number
        try:
            for number, cells in self._rows:
                self._number = number
                if _is_blank(cells):
                    continue
                yield number, cells
        except Exception as exc:
            raise ImportFileError(
                _("无法读取 XLSX 文件：%(reason)s") % {"reason": exc}, row=number + 1
            ) from exc

    def __iter__(self) -> Iterator[tuple[int, Sequence[Cell]]]:
        return self._records()

    def progress(self) -> float | None:
        if not self._total:
            return None
        return min(1.0, self._number / self._total)

    def _release(self) -> None:
        self._book.close()


def open_table(source: ImportSource, *, filename: str | None = None) -> Table:
    """Open `source` as a CSV or XLSX table, reading its header row.

    `source` is a path, bytes, a binary file object, or an uploaded file; a file object
    is read from its start (so it can be opened again for a second pass) and is not
    closed.
    Raise `ImportFileError` when the file cannot be read.
    """
    name = source_name(source, filename)
    stream, owned = _binary_stream(source)
    try:
        head = stream.read(8)
        stream.seek(0)
        suffix = Path(name).suffix.lower()
        if not head:
            raise ImportFileError(_("文件是空的"))
        if head.startswith(_ZIP_MAGIC):
            return XlsxTable(stream, owned=owned, filename=name)
        if head.startswith(_OLE_MAGIC):
            raise ImportFileError(
                _("不支持旧版 Excel（.xls）文件；请另存为 .xlsx 或 CSV 后再导入")
            )
        if suffix in XLSX_SUFFIXES:
            raise ImportFileError(_("不是有效的 XLSX 文件"))
        if head.lstrip().startswith(b"<"):
            raise ImportFileError(_("这是网页（HTML）文件，不是 CSV 或 XLSX"))
        return CsvTable(stream, owned=owned, filename=name)
    except BaseException:
        if owned:
            stream.close()
        raise
