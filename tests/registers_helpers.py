"""Builders for real .xlsx files used by the register tests."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path
from typing import Any

from toolkit.registers.create import create_register
from toolkit.registers.schema import GIFTS


def gift(n: int, **overrides: Any) -> dict[str, Any]:
    row = {
        "Nr": n, "Datum ontvangen": "1-12-2025", "Medewerker": f"Medewerker {n}", "Gever": f"Gever {n}", "Soort": "geschenk",
        "Omschrijving": "Fles wijn", "Waarde (€)": "12,50", "Bezorgd op privéadres": "nee",
        "Relatie in onderhandeling of toezicht": "nee", "Besluit": "ter beschikking organisatie",
        "Overlegd met leidinggevende": "ja",
    }  # fmt: skip
    row.update(overrides)
    return row


def gifts_workbook(path: Path, count: int = 5, **overrides: Any) -> Path:
    create_register(path, GIFTS, [gift(n, **overrides) for n in range(1, count + 1)])
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_zip_parts(path: Path, parts: dict[str, bytes], replace: dict[str, bytes] | None = None) -> None:
    """Rewrite the xlsx zip with extra parts (and some parts replaced), as Excel would have saved them."""
    temp = path.with_suffix(".rewrite")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if replace and item.filename in replace:
                data = replace[item.filename]
            target.writestr(item, data)
        for name, data in parts.items():
            target.writestr(name, data)
    shutil.move(temp, path)


def read_part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


FIXTURES = Path(__file__).resolve().parent / "fixtures"


def sheet_cells(xml: bytes) -> dict[tuple[int, str], bytes]:
    """(row, column letters) -> the cell element as ElementTree serialises it: an independent reading."""
    import re
    from xml.etree import ElementTree

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    cells = {}
    for row in ElementTree.fromstring(xml).iter(f"{main}row"):
        for cell in row.iter(f"{main}c"):
            match = re.fullmatch(r"([A-Z]+)(\d+)", cell.get("r", ""))
            assert match, "every cell in these fixtures has a reference"
            cells[(int(match.group(2)), match.group(1))] = ElementTree.tostring(cell)
    return cells


def outside_sheet_data(xml: bytes) -> bytes:
    """The sheet without its cells and without <dimension> (which a write may widen)."""
    import re

    start, end = xml.index(b"<sheetData"), xml.index(b"</sheetData>")
    return re.sub(rb"<dimension [^>]*/>", b"", xml[:start] + xml[end:])


def styles_kept(before: bytes, after: bytes) -> bool:
    """styles.xml unchanged, or only number formats and cell formats appended (the old ones kept in place)."""
    import re

    if before == after:
        return True
    xfs = re.compile(rb"<cellXfs[^>]*>(.*?)</cellXfs>", re.S)
    fmts = re.compile(rb"<numFmts[^>]*>(.*?)</numFmts>", re.S)
    old_xfs, new_xfs = xfs.search(before), xfs.search(after)
    assert old_xfs and new_xfs
    if not new_xfs.group(1).startswith(old_xfs.group(1)):
        return False
    old_fmts, new_fmts = fmts.search(before), fmts.search(after)
    if old_fmts and (not new_fmts or not new_fmts.group(1).startswith(old_fmts.group(1))):
        return False
    strip = lambda xml: fmts.sub(b"", xfs.sub(b"", xml))  # noqa: E731
    return strip(before) == strip(after)


def assert_kept_outside(before: Path, after: Path, sheet: str, owned_columns: set[str]) -> None:
    """Every zip part but the sheet byte-identical (styles.xml: only appended formats); in the sheet every cell
    outside the toolkit's columns identical, and everything around the cells identical."""
    with zipfile.ZipFile(before) as old, zipfile.ZipFile(after) as new:
        assert old.namelist() == new.namelist()
        for name in old.namelist():
            if name == sheet:
                continue
            if name == "xl/styles.xml":
                assert styles_kept(old.read(name), new.read(name)), name
                continue
            assert old.read(name) == new.read(name), f"{name} changed"
        old_sheet, new_sheet = old.read(sheet), new.read(sheet)
    assert outside_sheet_data(old_sheet) == outside_sheet_data(new_sheet)
    old_cells, new_cells = sheet_cells(old_sheet), sheet_cells(new_sheet)
    staff_old = {k: v for k, v in old_cells.items() if k[1] not in owned_columns}
    staff_new = {k: v for k, v in new_cells.items() if k[1] not in owned_columns}
    assert staff_old == staff_new
