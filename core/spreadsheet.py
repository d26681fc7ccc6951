"""Text cells that are safe to open in a spreadsheet, and read back as they were typed.

Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and treat
a leading tab or carriage return the same way), so a product title like ``=HYPERLINK(...)`` in a CSV SellerDesk
writes could open a link or run a command on the seller's computer. OWASP's advice: prefix such a cell with ``'``,
which spreadsheets show as text. SellerDesk's importers remove that prefix again, so an export imports unchanged.
"""

from __future__ import annotations

import re
from typing import Any

_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?\Z")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PREFIX = "'"


def safe_cell(value: Any) -> Any:
    """``value`` for a CSV cell: text that a spreadsheet would run as a formula gets a leading ``'``.

    Only text is changed; numbers, and text that is only a number (a refund's "-120.50"), are written as they are:
    a spreadsheet reads those as numbers, and a ``'`` would turn them into text.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.match(value):
        return _PREFIX + value
    return value


def read_cell(text: str) -> str:
    """A cell read from a CSV, without the ``'`` that :func:`safe_cell` put before a formula-like start."""
    if text.startswith(_PREFIX) and text[1:2] and text[1] in FORMULA_STARTS:
        return text[1:]
    return text
