"""Whole sheets in a toolkit-owned workbook (kerstloting.xlsx): read them, add one, rename one, through the gateway.

The same mechanism as every register write: the zip package is patched, never re-saved by a library. Adding a
sheet writes one new worksheet part and one line each in the workbook, its relationships and the content types;
renaming changes the sheet's name in the workbook (and in the defined names that point at it). Every other part is
copied byte for byte, the result is re-read before it replaces the file atomically (with a backup), and a workbook
that is open in Excel or LibreOffice is not written. The workbook itself is made by `registers.create`.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from toolkit.errors import InputError, RefusedError
from toolkit.registers import package
from toolkit.registers.atomic import commit
from toolkit.registers.safety import check_supported, check_writable
from toolkit.registers.writer import WriteResult
from toolkit.registers.xmltext import column_letter, printable, xml_escape

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET_TYPE = f"{REL_NS}/worksheet"
WORKSHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
COLUMN_WIDTH = 28


def sheet_names(path: Path) -> list[str]:
    """The workbook's sheet names in tab order; none for a workbook that does not exist yet."""
    from python_calamine import CalamineWorkbook

    if not path.exists():
        return []
    return list(CalamineWorkbook.from_path(str(path)).sheet_names)


def sheet_rows(path: Path, sheet: str) -> list[list[Any]]:
    """Every row of the sheet from A1 on, as read (cached values of formulas included)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    if sheet not in book.sheet_names:
        raise InputError(f"{path.name}: blad '{sheet}' ontbreekt.", hint="controleer de naam van het blad.")
    data = book.get_sheet_by_name(sheet)
    top, left = data.start or (0, 0)
    rows = [[None] * left + list(row) for row in data.to_python()]
    return [[] for _ in range(top)] + rows


def add_sheet(
    path: Path,
    sheet: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    backups_dir: Path,
    keep_backups: int = 10,
    notes: Sequence[tuple[str, Any]] = (),
) -> WriteResult:
    """A new last sheet: label/value notes, an empty line, then a bold header and the rows (all as text)."""
    check_writable(path)
    check_supported(path)
    if sheet in sheet_names(path):
        raise RefusedError(
            f"{path.name}: blad '{sheet}' bestaat al; er is niets veranderd.",
            hint="een bestaand blad wordt nooit overschreven.",
        )
    grid: list[list[Any]] = [[label, value] for label, value in notes]
    if notes:
        grid.append([])
    top = len(grid) + 1
    grid += [list(header), *[list(r) for r in rows]]
    with zipfile.ZipFile(path) as archive:
        workbook = _workbook_part(archive)
        rels = _rels_name(workbook)
        part = _free_sheet_part(archive)
        styles_name = package.styles_part(archive)
        styles = package.Styles(archive.read(styles_name) if styles_name else None)
        bold = styles.bold() if styles_name else None
        rel_id = _free_rel_id(archive.read(rels))
        replaced = {
            workbook: _with_sheet(archive.read(workbook), sheet, rel_id),
            rels: _with_relationship(archive.read(rels), rel_id, workbook, part),
            "[Content_Types].xml": _with_override(archive.read("[Content_Types].xml"), part),
        }
        if styles.changed and styles_name:
            replaced[styles_name] = styles.data
    added = {part: _worksheet(grid, top, len(header), bold)}
    expected = [(r, c, str(v)) for r, row in enumerate(grid, 1) for c, v in enumerate(row, 1) if v not in (None, "")]
    backup = commit(
        path,
        lambda temp: _rewrite(path, temp, replaced, added),
        lambda temp: _verify(path, temp, replaced, [*sheet_names(path), sheet], sheet, expected),
        backups_dir,
        keep_backups,
    )
    return WriteResult(path, True, len(expected), 0, backup)


def rename_sheet(path: Path, old: str, new: str, *, backups_dir: Path, keep_backups: int = 10) -> None:
    """Give a sheet another name (an earlier draw kept beside a redraw); formulas elsewhere are not followed."""
    check_writable(path)
    check_supported(path)
    names = sheet_names(path)
    if new in names:
        raise RefusedError(f"{path.name}: blad '{new}' bestaat al.", hint="kies een andere naam.")
    if old not in names:
        raise RefusedError(f"{path.name}: blad '{old}' bestaat niet.", hint="controleer de naam van het blad.")
    with zipfile.ZipFile(path) as archive:
        workbook = _workbook_part(archive)
        replaced = {workbook: _renamed(archive.read(workbook), old, new)}
    after = [new if name == old else name for name in names]
    commit(
        path,
        lambda temp: _rewrite(path, temp, replaced, {}),
        lambda temp: _verify(path, temp, replaced, after, None, []),
        backups_dir,
        keep_backups,
    )


def _workbook_part(archive: zipfile.ZipFile) -> str:
    for _, kind, target in package._rels(archive, ""):  # _rels/.rels names the workbook part
        if kind.endswith("/officeDocument"):
            return target
    return "xl/workbook.xml"


def _rels_name(part: str) -> str:
    folder, name = part.rsplit("/", 1) if "/" in part else ("", part)
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def _free_sheet_part(archive: zipfile.ZipFile) -> str:
    number = 1
    while f"xl/worksheets/sheet{number}.xml" in archive.NameToInfo:
        number += 1
    return f"xl/worksheets/sheet{number}.xml"


def _free_rel_id(rels: bytes) -> str:
    used = {int(n) for n in re.findall(rb'\bId="rId(\d+)"', rels)}
    return f"rId{max(used, default=0) + 1}"


def _attr(text: str) -> str:
    return xml_escape(printable(text), quotes=True)


def _with_sheet(workbook: bytes, sheet: str, rel_id: str) -> bytes:
    """workbook.xml with the sheet appended to <sheets> (appended: defined names keep their sheet index)."""
    root = re.search(rb"<(?:([\w.-]+):)?workbook\b[^>]*>", workbook)
    if root is None:
        raise RefusedError("de werkmap heeft een opbouw die de toolkit niet kent (geen <workbook>).")
    prefix = (root.group(1) + b":") if root.group(1) else b""
    r_prefix = re.search(rb'xmlns:([\w.-]+)="' + re.escape(REL_NS.encode()) + b'"', root.group(0))
    ids = [int(i) for i in re.findall(rb'<(?:[\w.-]+:)?sheet\b[^>]*?\ssheetId="(\d+)"', workbook)]
    rid = (
        r_prefix.group(1) + b':id="' + rel_id.encode() + b'"'
        if r_prefix
        else b'xmlns:r="' + REL_NS.encode() + b'" r:id="' + rel_id.encode() + b'"'
    )
    element = b"<" + prefix + f'sheet name="{_attr(sheet)}" sheetId="{max(ids, default=0) + 1}" '.encode() + rid + b"/>"
    close = workbook.find(b"</" + prefix + b"sheets>")
    if close < 0:
        raise RefusedError("de werkmap heeft een opbouw die de toolkit niet kent (geen <sheets>).")
    return workbook[:close] + element + workbook[close:]


def _with_relationship(rels: bytes, rel_id: str, workbook: str, part: str) -> bytes:
    base = workbook.rsplit("/", 1)[0] + "/" if "/" in workbook else ""
    target = part[len(base) :] if part.startswith(base) else "/" + part
    element = f'<Relationship Id="{rel_id}" Type="{WORKSHEET_TYPE}" Target="{target}"/>'.encode()
    close = rels.rfind(b"</Relationships>")
    return rels[:close] + element + rels[close:]


def _with_override(types: bytes, part: str) -> bytes:
    element = f'<Override PartName="/{part}" ContentType="{WORKSHEET_CONTENT}"/>'.encode()
    close = types.rfind(b"</Types>")
    return types[:close] + element + types[close:]


def _renamed(workbook: bytes, old: str, new: str) -> bytes:
    """The sheet's name attribute, and references to it in defined names ('old'!A1 or old!A1)."""
    pattern = re.compile(rb'(<(?:[\w.-]+:)?sheet\b[^>]*?\sname=")' + re.escape(_attr(old).encode()) + rb'"')
    data, count = pattern.subn(lambda m: m.group(1) + _attr(new).encode() + b'"', workbook, count=1)
    if count != 1:
        raise RefusedError(f"blad '{old}' niet gevonden in de werkmap; er is niets veranderd.")
    new_ref = xml_escape("'" + new.replace("'", "''") + "'!").encode()
    old_refs = [xml_escape("'" + old.replace("'", "''") + "'!").encode(), xml_escape(f"{old}!").encode()]

    def pointed(match: re.Match[bytes]) -> bytes:
        text = match.group(2)
        for ref in old_refs:
            text = text.replace(ref, new_ref)
        return match.group(1) + text

    data = re.sub(rb"(<(?:[\w.-]+:)?definedName\b[^>]*>)([^<]*)", pointed, data)
    return data


def _worksheet(grid: list[list[Any]], top: int, width: int, bold: str | None) -> bytes:
    rows = []
    for r, values in enumerate(grid, start=1):
        cells = []
        for c, value in enumerate(values, start=1):
            if value is None or value == "":
                continue
            style = f' s="{bold}"' if bold and (r == top or (r < top and c == 1)) else ""
            text = xml_escape(printable(str(value)))
            cells.append(
                f'<c r="{column_letter(c)}{r}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
            )
        if cells:
            rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    last = f"{column_letter(max(width, 2))}{len(grid)}"
    pane = f'<pane ySplit="{top}" topLeftCell="A{top + 1}" activePane="bottomLeft" state="frozen"/>'
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><dimension ref="A1:{last}"/>'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        f'<cols><col min="1" max="{max(width, 2)}" width="{COLUMN_WIDTH}" customWidth="1"/></cols>'
        f"<sheetData>{''.join(rows)}</sheetData></worksheet>"
    ).encode()


def _rewrite(source: Path, temp: Path, replaced: package.Parts, added: dict[str, bytes]) -> None:
    package.rewrite(source, temp, replaced)
    if added:
        with zipfile.ZipFile(temp, "a") as out:
            for name, data in added.items():
                out.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)


def _verify(
    source: Path,
    temp: Path,
    replaced: package.Parts,
    names: list[str],
    sheet: str | None,
    expected: list[tuple[int, int, str]],
) -> None:
    """Every old part as it was (or exactly as intended), the sheets as intended, the new cells readable."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(temp) as new:
        for info in old.infolist():
            entry = new.getinfo(info.filename)
            intended = replaced.get(info.filename)
            crc, size = (zlib.crc32(intended), len(intended)) if intended is not None else (info.CRC, info.file_size)
            if crc != entry.CRC or entry.file_size != size:
                _failed(source, f"{info.filename} is onderweg veranderd")
    if sheet_names(temp) != names:
        _failed(source, f"de bladen zijn {sheet_names(temp)}, verwacht {names}")
    if sheet is None:
        return
    rows = sheet_rows(temp, sheet)
    for row, column, value in expected:
        found = rows[row - 1][column - 1] if row <= len(rows) and column <= len(rows[row - 1]) else None
        if str(found) != printable(value):
            _failed(source, f"blad {sheet}, cel {column_letter(column)}{row}: verwacht {value!r}, gevonden {found!r}")


def _failed(path: Path, what: str) -> None:
    raise InputError(
        f"controle na opslaan mislukt voor {path.name}: {what}.",
        hint="het bestand is niet gewijzigd; meld dit aan de beheerder.",
    )
