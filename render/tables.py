"""CSV for spreadsheets: one cell function that neutralises formulas, and the export's
tables written into a folder or a zip file.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading apostrophe: a spreadsheet would otherwise run it as a formula (CSV injection,
CWE-1236; see the OWASP page on CSV injection).  Phone numbers therefore read
``'+31 70 …``.  Files are UTF-8 with a byte-order mark, so that spreadsheet programs
read accents correctly.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Iterable
from pathlib import Path

from graph.export import tables
from registry.atomic import write_atomic
from registry.model import Registry

__all__ = ["cell", "csv_text", "write_csv"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A fixed timestamp makes the zip the same bytes for the same register.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def cell(value: object) -> str:
    """A cell value as text (``None``: empty), with a leading apostrophe if a spreadsheet
    would take it for a formula.

    >>> cell("=1+1"), cell("+31 70"), cell(None), cell(3)
    ("'=1+1", "'+31 70", '', '3')
    """
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(header: Iterable[str], rows: Iterable[Iterable[object]],
             lineterminator: str = "\n") -> str:
    """A CSV table with every cell passed through :func:`cell`."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=lineterminator)
    w.writerow(header)
    w.writerows([cell(v) for v in r] for r in rows)
    return buf.getvalue()


def write_csv(registry: Registry, path: str | os.PathLike) -> list[str]:
    """Write the tables of :func:`graph.export.tables` into a folder (created if needed)
    or, when ``path`` ends in ``.zip``, into a zip file.  Returns the names written
    (``people.csv`` …).

    Raises ``ValueError`` when ``path`` is an existing file that is not a ``.zip``.
    """
    path = Path(path)
    files = {f"{name}.csv": csv_text(*table, lineterminator="\r\n").encode("utf-8-sig")
             for name, table in tables(registry).items()}
    if path.suffix.lower() == ".zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, data in files.items():
                info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)
        write_atomic(path, buf.getvalue())
    else:
        if path.exists() and not path.is_dir():
            raise ValueError(f"{path} is a file; give a folder or a .zip file for the CSV tables")
        path.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            write_atomic(path / name, data)
    return list(files)
