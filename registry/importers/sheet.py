"""People (and dossiers) from the old "wie is wie" list: an ``.xlsx`` or ``.csv`` file.

A small mapping file says which column holds which field and which unit each cell value
means::

    columns: {name: Naam, unit: Afdeling, function: Functie, email: E-mail, phone: Telefoon}
    units: {"Afdeling Strategie": dsk-strategie, "Afdeling Cyber": cio-cyber}

Optional: ``dossiers: Onderwerpen`` under ``columns`` (topics separated by ``;``, each
becomes a dossier held by the first person who lists it, the others ``involved``) and
``sheet: NAME`` (default: the first sheet of a workbook).

:func:`import_sheet` returns the people and dossiers as plain data, the rows it could not
place (with the row number a spreadsheet shows: the header is row 1) and the YAML text of
a file that, beside the register's other files, validates.  Nothing is written here.

Reading is streamed and bounded: at most :data:`MAX_ROWS` rows and :data:`MAX_BYTES`
bytes; a ``.xlsx`` is read by openpyxl in read-only mode (which parses its XML with
defusedxml when that is installed, as it is here).  Formulas are never evaluated: a
formula cell gives the value the spreadsheet program saved with it, and without one its
row is refused; in a CSV file a cell starting with ``=`` refuses its row.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Text, text
from ..diagnostics import text as msg
from ..gcpause import paused_gc
from ..load import parse_bytes
from ..model import Registry
from ..search import fold
from . import ImportFailed, clean_cell, slug, unique_id, yaml_scalar

__all__ = ["SheetMap", "SheetImport", "Rejected", "load_map", "import_sheet", "read_rows",
           "MAX_ROWS", "MAX_BYTES"]

#: Rows (after the header) a sheet may have; a "wie is wie" has hundreds.
MAX_ROWS = 50_000
#: Bytes a sheet file may have.
MAX_BYTES = 50 * 1024 * 1024
FIELDS = ("name", "unit", "function", "email", "phone", "dossiers")
_REQUIRED = ("name", "unit")
_DELIMITERS = (";", ",", "\t", "|")


@dataclass(frozen=True)
class SheetMap:
    """The mapping file: field → column header, cell value → unit id."""

    columns: dict[str, str]
    units: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None


@dataclass(frozen=True)
class Rejected:
    """A row that was not imported, and why."""

    row: int
    reason: str
    #: The reason as words of the catalogue (``reason`` is their English).
    said: Text | None = None


@dataclass
class SheetImport:
    """What a sheet gives: entries to write, rows left out, and notes."""

    people: list[dict] = field(default_factory=list)
    dossiers: list[dict] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    blank_rows: int = 0
    encoding: str | None = None  # csv only
    delimiter: str | None = None  # csv only

    def yaml(self, source: str, today: dt.date) -> str:
        """The YAML file holding ``people:`` (and ``dossiers:``)."""
        lines = [f"# Imported by `tvb import sheet` from {Path(source).name} on "
                 f"{today.isoformat()}.", "schema: 1", "people:"]
        if not self.people:
            lines[-1] = "people: []"
        for p in self.people:
            lines += _entry(p)
        if self.dossiers:
            lines.append("dossiers:")
            for d in self.dossiers:
                lines += _entry(d)
        return "\n".join(lines) + "\n"


def _entry(values: dict) -> list[str]:
    out = []
    for n, (k, v) in enumerate(values.items()):
        if isinstance(v, list):
            text = "[" + ", ".join(yaml_scalar(x) for x in v) + "]"
        elif isinstance(v, dt.date):
            text = v.isoformat()
        else:
            text = yaml_scalar(v)
        out.append(("  - " if n == 0 else "    ") + f"{k}: {text}")
    return out


def _cannot_read(name: str, exc: OSError) -> Text:
    return msg("import.cannot_read", "{file}: cannot read: {reason}", file=name,
               reason=exc.strerror)


def _too_large(name: str, size: str) -> Text:
    return msg("import.too_large", "{file}: {size} MiB is more than a staff list can be (at "
               "most {max} MiB); nothing was imported", file=name, size=size,
               max=MAX_BYTES // 2**20)


def _too_many_rows(where: str) -> Text:
    return msg("import.too_many_rows", "{where}: more than {max} rows; a staff list is "
               "shorter — split the file or remove empty rows", where=where,
               max=f"{MAX_ROWS:,}")


def _not_xlsx(name: str, exc: Exception) -> Text:
    return msg("import.not_xlsx", "{file}: not a readable .xlsx workbook ({reason})",
               file=name, reason=_short(exc))


# -- the mapping file ---------------------------------------------------------------------------
def load_map(path: str | os.PathLike) -> SheetMap:
    """Read and check the mapping file; :class:`ImportFailed` (one line) if it is wrong."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()[:1024 * 1024 + 1]
    except OSError as exc:
        raise ImportFailed(msg("import.map.cannot_read", "{file}: cannot read the mapping "
                               "file: {reason}", file=name, reason=exc.strerror)) from None
    if len(raw) > 1024 * 1024:
        raise ImportFailed(msg("import.map.too_large", "{file}: a mapping file of more than "
                               "1 MiB is not one", file=name))
    src = parse_bytes(raw, name)  # the register's hardened loader: no tags, no bombs
    if src.diagnostics:
        d = src.diagnostics[0]
        severity = msg("diag.severity.error", "error") if d.severity == "error" else \
            msg("diag.severity.warning", "warning")
        raise ImportFailed(msg("import.map.diagnostic", "{where}: {severity}[{code}]: {problem}",
                               where=str(d.loc), severity=severity, code=d.code,
                               problem=d.text or d.message))
    data = src.data
    pos = src.positions

    def fail(path: tuple, message: Text) -> ImportFailed:
        loc = pos.loc(path)
        return ImportFailed(msg("import.map.at", "{where}: {problem}",
                                where=f"{name}:{loc.line}:{loc.column}", problem=message))

    if not isinstance(data, dict):
        raise fail((), msg("import.map.not_mapping", "the mapping file must be a mapping "
                           "with 'columns:' (and 'units:')"))
    unknown = [k for k in data if k not in ("columns", "units", "sheet")]
    if unknown:
        raise fail((unknown[0],), msg("import.map.unknown_key", "unknown key '{key}'; "
                                      "expected columns, units, sheet", key=unknown[0]))
    columns = data.get("columns")
    if not isinstance(columns, dict):
        raise fail(("columns",), msg("import.map.columns", "'columns' must map fields (name, "
                                     "unit, function, email, phone, dossiers) to column "
                                     "headers"))
    for k, v in columns.items():
        if k not in FIELDS:
            raise fail(("columns", k), msg("import.map.unknown_field", "unknown field "
                                           "'{field}'; choose from {choices}", field=k,
                                           choices=", ".join(FIELDS)))
        if not isinstance(v, str) or not v.strip():
            raise fail(("columns", k), msg("import.map.header", "the column header for "
                                           "'{field}' must be text", field=k))
    for k in _REQUIRED:
        if k not in columns:
            raise fail(("columns",), msg("import.map.required", "'columns' must name the "
                                         "column of '{field}'", field=k))
    units = data.get("units") or {}
    if not isinstance(units, dict) or not all(isinstance(k, str | int) and isinstance(v, str)
                                              for k, v in units.items()):
        raise fail(("units",), msg("import.map.units", "'units' must map cell values to "
                                   "unit ids"))
    sheet = data.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        raise fail(("sheet",), msg("import.map.sheet", "'sheet' must be the name of a sheet"))
    return SheetMap({k: v.strip() for k, v in columns.items()},
                    {str(k).strip(): v.strip() for k, v in units.items()}, sheet)


# -- reading rows ------------------------------------------------------------------------------
def read_rows(path: str | os.PathLike, sheet: str | None = None,
              info: SheetImport | None = None) -> Iterator[tuple[int, list[object]]]:
    """(row number, cell values) for every row, the header first (row 1).

    ``.xlsx``/``.xlsm`` with openpyxl, anything else as CSV.  Raises
    :class:`ImportFailed` for unreadable files and when there are more than
    :data:`MAX_ROWS` rows after the header.
    """
    name = str(path)
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise ImportFailed(_cannot_read(name, exc)) from None
    if size > MAX_BYTES:
        raise ImportFailed(_too_large(name, f"{size / 2**20:.0f}"))
    suffix = Path(path).suffix.lower()
    rows = _xlsx_rows(path, sheet) if suffix in (".xlsx", ".xlsm") else _csv_rows(path, info)
    for number, cells in rows:
        if number > MAX_ROWS + 1:
            raise ImportFailed(_too_many_rows(f"{name}:{number}"))
        yield number, cells


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")


def _xlsx_precheck(path, name: str) -> None:
    """Refuse a workbook that openpyxl would take minutes over, before it opens it.

    openpyxl's read-only mode reads a sheet without a ``<dimension>`` once in full just
    to size it, so a million rows (or a small zip that inflates to gigabytes) would cost
    minutes before the first row.  Here each worksheet part is inflated in chunks (at most
    its declared size, which :mod:`zipfile` enforces) and its ``<row`` tags counted,
    stopping at :data:`MAX_ROWS` + 2.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if not (info.filename.startswith("xl/worksheets/")
                        and info.filename.endswith(".xml")):
                    continue
                if info.file_size > MAX_BYTES:
                    raise ImportFailed(msg(
                        "import.too_large_unpacked", "{file}: a sheet of {size} MiB unpacked is "
                        "more than a staff list can be (at most {max} MiB); nothing was "
                        "imported", file=name, size=f"{info.file_size / 2**20:,.0f}",
                        max=MAX_BYTES // 2**20))
                rows, tail = 0, b""
                with zf.open(info) as fh:
                    while True:
                        chunk = fh.read(1 << 20)
                        buf = tail + chunk
                        if not chunk:
                            rows += len(_ROW_TAG.findall(buf))
                        else:  # a tag cut in two is counted in the next round, once
                            limit = max(len(buf) - 64, 0)
                            rows += sum(1 for m in _ROW_TAG.finditer(buf) if m.start() < limit)
                            tail = buf[limit:]
                        if rows > MAX_ROWS + 1:
                            raise ImportFailed(_too_many_rows(f"{name}:{MAX_ROWS + 2}"))
                        if not chunk:
                            break
    except ImportFailed:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise ImportFailed(_not_xlsx(name, exc)) from None


def _xlsx_rows(path, sheet: str | None) -> Iterator[tuple[int, list[object]]]:
    """Rows of a workbook.  A formula cell gives the value Excel computed and saved with
    it; a formula without one (a file no spreadsheet program has recalculated) gives a
    :class:`_Formula`, which refuses its row.  Nothing is ever evaluated here."""
    name = str(path)
    _xlsx_precheck(path, name)
    formulas = _open_workbook(path, name, data_only=False)
    values = _open_workbook(path, name, data_only=True)
    try:
        if sheet is not None and sheet not in formulas.sheetnames:
            raise ImportFailed(msg("import.no_sheet", "{file}: no sheet '{sheet}'; the sheets "
                                   "are: {sheets}", file=name, sheet=sheet,
                                   sheets=", ".join(formulas.sheetnames)))
        index = formulas.sheetnames.index(sheet) if sheet is not None else 0
        number = 0
        try:
            pairs = zip(formulas.worksheets[index].iter_rows(),
                        values.worksheets[index].iter_rows(), strict=False)
            for number, (row, cached) in enumerate(pairs, start=1):
                cells = []
                for i, c in enumerate(row):
                    value = getattr(c, "value", None)
                    if getattr(c, "data_type", None) == "f" and value is not None:
                        saved = getattr(cached[i], "value", None) if i < len(cached) else None
                        value = saved if saved is not None else _Formula(str(value))
                    cells.append(value)
                yield number, cells
        except ImportFailed:
            raise
        except Exception as exc:  # a damaged sheet inside a valid zip
            raise ImportFailed(msg("import.sheet_unreadable", "{where}: cannot read the sheet "
                                   "({reason})", where=f"{name}:{number + 1}",
                                   reason=_short(exc))) from None
    finally:
        formulas.close()
        values.close()


def _open_workbook(path, name: str, *, data_only: bool):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises the errors of zipfile, its XML parsers, …
        raise ImportFailed(_not_xlsx(name, exc)) from None


class _Formula(str):
    """A cell that holds a formula (its text, starting with '=')."""


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:200].rsplit(" ", 1)[0] + " …"


def _decode(raw: bytes, name: str) -> tuple[str, str]:
    """Text and encoding: UTF-8 (with or without BOM), else Windows-1252 as Excel writes."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        line = raw.count(b"\n", 0, utf8_error.start) + 1
        raise ImportFailed(msg("import.encoding", "{where}: neither UTF-8 nor Windows-1252 "
                               "text; save the sheet as 'CSV UTF-8'",
                               where=f"{name}:{line}")) from None


def _csv_rows(path, info: SheetImport | None) -> Iterator[tuple[int, list[object]]]:
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ImportFailed(_cannot_read(name, exc)) from None
    text, encoding = _decode(raw, name)
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        raise ImportFailed(msg("import.nul", "{where}: a NUL character; this is not a CSV "
                               "file", where=f"{name}:{line}"))
    header = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=lambda d: (header.count(d), d == ";"))
    if info is not None:
        info.encoding, info.delimiter = encoding, delimiter
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [_Formula(c) if c.startswith("=") else c for c in cells]
    except csv.Error as exc:
        raise ImportFailed(msg("import.csv", "{where}: {reason}", where=f"{name}:{number + 1}",
                               reason=str(exc))) from None


# -- the import ---------------------------------------------------------------------------------
def import_sheet(path: str | os.PathLike, mapping: SheetMap, registry: Registry,
                 today: dt.date) -> SheetImport:
    """Read the sheet at *path* into people (and dossiers) for *registry*.

    Ids are made from names (folded, ``[a-z0-9-]``), unique across the register and the
    import, and stable: the same sheet and register give the same ids.  A row is refused
    (listed, with its number) for an empty name, an unknown unit, a person already in the
    register or earlier in the sheet (same e-mail, or same name in the same unit), a
    formula or a control character.  Completely empty rows are counted, not listed.
    """
    # Reading makes many small objects and no cycles: the cyclic collector would walk
    # the parser's growing tree again and again (see registry.validate.load_registry).
    with paused_gc():
        return _import(path, mapping, registry, today)


def _import(path, mapping: SheetMap, registry: Registry, today: dt.date) -> SheetImport:
    name = str(path)
    result = SheetImport()
    rows = read_rows(path, mapping.sheet, result)
    try:
        _, header = next(rows)
    except StopIteration:
        raise ImportFailed(msg("import.empty_sheet", "{file}: the sheet is empty",
                               file=name)) from None
    index = _header_index(name, header, mapping)
    units = _unit_lookup(registry, mapping)
    taken = {e.id for e in registry}
    by_email = {fold(p.email): p.id for p in registry.people.values() if p.email}
    by_name = {(fold(p.name), p.unit): p.id for p in registry.people.values()}
    dossier_titles = {fold(d.title): d.id for d in registry.dossiers.values()}
    seen_email: dict[str, int] = {}
    seen_name: dict[tuple[str, str], int] = {}
    new_dossiers: dict[str, dict] = {}

    for number, cells in rows:
        values: dict[str, str | None] = {}
        problem = None
        for fld, col in index.items():
            cell = cells[col] if col < len(cells) else None
            if isinstance(cell, _Formula):
                problem = text("import.formula", "column '{column}' holds a formula "
                               "({cell}); type the value instead", column=mapping.columns[fld],
                               cell=cell[:40])
                break
            try:
                values[fld] = clean_cell(cell)
            except ValueError as exc:
                problem = text("import.control", "column '{column}' holds a control "
                               "character", column=mapping.columns[fld]) \
                    if str(exc) == "holds a control character" else \
                    text("import.cell", "column '{column}' {problem}",
                         column=mapping.columns[fld], problem=str(exc))
                break
        if problem is None and not any(values.values()):
            if not any(clean_cell_or_none(c) for c in cells):
                result.blank_rows += 1
                continue
        if problem is None:
            problem = _row_problem(values, units, by_email, by_name, seen_email, seen_name)
        if problem:
            result.rejected.append(Rejected(number, str(problem), problem))
            continue
        unit = units[fold(values["unit"])]
        email = values.get("email")
        if email:
            seen_email[fold(email)] = number
        seen_name[(fold(values["name"]), unit)] = number
        pid = unique_id(slug(values["name"], "persoon"), taken)
        person: dict = {"id": pid, "name": values["name"], "unit": unit}
        for fld in ("function", "email", "phone"):
            if values.get(fld):
                person[fld] = values[fld]
        person["reviewed"] = today
        result.people.append(person)
        for title in _topics(values.get("dossiers")):
            key = fold(title)
            if key in dossier_titles:
                continue  # already in the register: maintained there
            if key in new_dossiers:
                involved = new_dossiers[key].setdefault("involved", [])
                if pid not in involved:
                    involved.append(pid)
                continue
            did = unique_id(slug(title, "dossier"), taken)
            new_dossiers[key] = {"id": did, "title": title, "owner": pid}
    for d in new_dossiers.values():
        d["reviewed"] = today
        result.dossiers.append(d)
    return result


def clean_cell_or_none(cell: object) -> str | None:
    try:
        return clean_cell(cell)
    except ValueError:
        return "?"


def _topics(cell: str | None) -> list[str]:
    if not cell:
        return []
    return [t.strip() for t in cell.replace("\n", ";").split(";") if t.strip()]


def _header_index(name: str, header: list[object], mapping: SheetMap) -> dict[str, int]:
    found = {}
    for i, cell in enumerate(header):
        try:
            text = clean_cell(cell)
        except ValueError:
            text = None
        if text:
            found.setdefault(fold(text), i)
    index = {}
    for fld, col in mapping.columns.items():
        i = found.get(fold(col))
        if i is None:
            shown = ", ".join(repr(str(c)) for c in header if c not in (None, ""))[:300]
            raise ImportFailed(msg("import.no_column", "{where}: no column '{column}' (for "
                                   "'{field}') in the header row; it holds {shown}",
                                   where=f"{name}:1", column=col, field=fld, shown=shown)
                               if shown else msg("import.no_column_empty", "{where}: no column "
                                                 "'{column}' (for '{field}') in the header "
                                                 "row; it holds nothing", where=f"{name}:1",
                                                 column=col, field=fld))
        index[fld] = i
    return index


def _unit_lookup(registry: Registry, mapping: SheetMap) -> dict[str, str | None]:
    """Folded cell value → unit id (None: the map names an id the register lacks)."""
    table: dict[str, str | None] = {}
    for u in registry.units.values():
        for label in (u.id, u.name, u.abbreviation):
            if label:
                table.setdefault(fold(label), u.id)
    for value, uid in mapping.units.items():
        table[fold(value)] = uid if uid in registry.units else None
    return table


def _row_problem(values, units, by_email, by_name, seen_email, seen_name) -> Text | None:
    person_name, unit_cell = values.get("name"), values.get("unit")
    if not person_name:
        return text("import.empty_name", "empty name")
    if not unit_cell:
        return text("import.no_unit", "no unit for '{name}'", name=person_name)
    if fold(unit_cell) not in units:
        return text("import.unknown_unit", "unknown unit '{unit}' (add it under 'units:' in "
                    "the mapping file)", unit=unit_cell)
    unit = units[fold(unit_cell)]
    if unit is None:
        return text("import.unit_not_in_register", "unit '{unit}' maps to an id that is not "
                    "in the register", unit=unit_cell)
    email = values.get("email")
    if email:
        if fold(email) in by_email:
            return text("import.email_known", "'{email}' is already in the register as "
                        "'{id}'", email=email, id=by_email[fold(email)])
        if fold(email) in seen_email:
            return text("import.duplicate_email", "duplicate of row {row} (same e-mail "
                        "{email})", row=seen_email[fold(email)], email=email)
    key = (fold(person_name), unit)
    if key in by_name:
        return text("import.name_known", "'{name}' is already in the register as '{id}'",
                    name=person_name, id=by_name[key])
    if key in seen_name:
        return text("import.duplicate_name", "duplicate of row {row} (same name in the same "
                    "unit)", row=seen_name[key])
    return None
