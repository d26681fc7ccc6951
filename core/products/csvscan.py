"""Reading a product CSV as a stream: encoding, delimiter, records with the line each starts on, repeated keys.

A first pass over the file (:func:`scan`) refuses a file that cannot be read as a whole — wrong encoding, unknown
columns, a quote that is never closed — before anything is stored, and counts its records for progress. It keeps
only a fixed-size hash per key, so a million-row file is checked in bounded memory.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from core.errors import SellerDeskError
from core.i18n import N_, _
from core.spreadsheet import read_cell

DELIMITERS = {",": N_("commas"), ";": N_("semicolons"), "\t": N_("tabs")}  # --json keeps the English
_BLOCK = 1 << 20
# A single cell this long is no product field; it is what an unclosed quote swallowing the file looks like.
_CELL_LIMIT = 1 << 20


class CsvFormatError(SellerDeskError):
    """The file as a whole cannot be imported (not CSV, wrong encoding, wrong columns)."""


@dataclass
class CsvShape:
    """What the first pass learned about a file."""

    delimiter: str
    header: list[str]
    records: int
    file_key: str  # sha256 of the bytes: an unfinished import of the same file continues where it stopped
    repeated: set[int] = field(default_factory=set)  # hashes of key values seen more than once (candidates)


def _check_bytes(path: Path) -> str:
    """sha256 of the file, after proving it is UTF-8 throughout (naming the first bad line if not)."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 0
    try:
        with path.open("rb") as fh:
            while block := fh.read(_BLOCK):
                digest.update(block)
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as exc:
                    # exc.object is the decoder's pending bytes + this block; the pending part holds no newline.
                    line = lines + exc.object[: exc.start].count(b"\n") + 1
                    raise CsvFormatError(
                        _("{file} is not UTF-8 text (first bad byte on line {line}).").format(file=path.name,
                                                                                             line=line),
                        hint=_("In Excel choose 'Save as' → 'CSV UTF-8'; in Google Sheets 'Download' → CSV."),
                    ) from None
                lines += block.count(b"\n")
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                raise CsvFormatError(
                    _("{file} is not UTF-8 text (it ends in the middle of a character).").format(file=path.name),
                    hint=_("Save it again as 'CSV UTF-8'.")) from None
    except OSError as exc:
        raise unreadable(path, exc) from exc
    return digest.hexdigest()


def open_text(path: Path) -> TextIO:
    """The file as text for the csv module (Excel's "CSV UTF-8" starts with a BOM, which is dropped)."""
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise unreadable(path, exc) from exc


def unreadable(path: Path, exc: OSError) -> CsvFormatError:
    """The refusal of a file the system would not read (the system's own reason, as it gives it)."""
    return CsvFormatError(_("Cannot read {path}: {reason}.").format(path=path, reason=exc.strerror))


def sniff_delimiter(first_line: str, known: Collection[str]) -> str:
    """The delimiter (comma, semicolon or tab) under which the header names the most known columns.

    Spreadsheets in countries that write decimal commas save "CSV" with semicolons; some tools save tabs.
    A tie (including no known column at all) goes to the comma, the format's namesake.
    """
    def known_names(delimiter: str) -> int:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        return sum(1 for cell in cells if cell.strip().lower() in known)

    return max(DELIMITERS, key=lambda d: (known_names(d), d == ","))


def records(fh: TextIO, delimiter: str, name: str) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank record of ``fh`` with the line it starts on (a quoted cell may span several lines).

    A quote that is never closed, or text after a closing quote, refuses the file with the line where that record
    starts, rather than letting one cell swallow the rest of the file.
    """
    reader = csv.reader(fh, delimiter=delimiter, strict=True)
    previous = 0
    csv.field_size_limit(max(csv.field_size_limit(), _CELL_LIMIT))
    while True:
        start = previous + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _record_error(name, start, str(exc)) from None
        previous = reader.line_num
        if any(cell.strip() for cell in row):
            yield start, row


def _record_error(name: str, line: int, reason: str) -> CsvFormatError:
    if "unexpected end of data" in reason or "field larger than field limit" in reason:
        return CsvFormatError(
            _("{file}: the quote (\") that opens a cell in the record starting on line {line} is never closed.").format(
                file=name, line=line),
            hint=_("Nothing was imported. Close that quote, or write a quote inside a cell as two quotes (\"\")."),
        )
    if "expected after" in reason:
        return CsvFormatError(
            _("{file}, line {line}: text follows a closing quote (like \"ab\"c).").format(file=name, line=line),
            hint=_("Nothing was imported. Put the whole cell in quotes and write a quote inside it as two quotes "
                   "(\"\")."),
        )
    return CsvFormatError(_("{file}, line {line}: this is not CSV ({reason}).").format(
        file=name, line=line, reason=reason), hint=_("Nothing was imported."))


def key_hash(value: str) -> int:
    """A compact stand-in for a key value (a SKU); equal values give equal hashes within this process."""
    return hash(value)


def scan(path: Path, known: Collection[str], key_column: str) -> CsvShape:
    """First pass: check the whole file, sniff its delimiter, count records, note repeated ``key_column`` values.

    Raises CsvFormatError (with what to do) for a file that cannot be imported as a whole.
    """
    file_key = _check_bytes(path)
    with open_text(path) as fh:
        first_line = fh.readline()
        if not first_line.strip():
            raise CsvFormatError(_("{file} is empty.").format(file=path.name),
                                 hint=_("The first line names the columns: {columns}.").format(
                                     columns=", ".join(known)))
        delimiter = sniff_delimiter(first_line, known)
        fh.seek(0)
        rows = records(fh, delimiter, path.name)
        _start, header = next(rows)
        names = [h.strip().lower() for h in header]
        key = names.index(key_column) if key_column in names else None
        seen: set[int] = set()
        repeated: set[int] = set()
        count = 0
        for _line, row in rows:
            count += 1
            if key is not None and key < len(row) and (value := read_cell(row[key].strip()).strip()):
                digest = key_hash(value)
                if digest in seen:
                    repeated.add(digest)
                else:
                    seen.add(digest)
    return CsvShape(delimiter=delimiter, header=header, records=count, file_key=file_key, repeated=repeated)
