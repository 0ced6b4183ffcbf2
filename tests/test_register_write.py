"""Writing registers: only toolkit cells change, staff additions survive, refusals leave the file byte-identical."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from tests.registers_helpers import add_zip_parts, gifts_workbook, read_part, sha256
from toolkit.errors import InputError, WorkbookLocked, WorkbookRefused
from toolkit.registers.reader import read_register
from toolkit.registers.schema import GIFTS
from toolkit.registers.writer import CellUpdate, write_updates


def write(path: Path, updates: list[CellUpdate], **kwargs) -> object:
    return write_updates(path, GIFTS, updates, backups_dir=path.parent / "backups", **kwargs)


def staff_dressed_workbook(path: Path) -> Path:
    """A register as staff leave it: extra column, colours, a comment, validation, conditional formatting, widths."""
    gifts_workbook(path, 5)
    book = openpyxl.load_workbook(path)
    sheet = book["Geschenken"]
    sheet["Q1"] = "Eigen notitie"
    sheet["Q3"] = "nagevraagd"
    sheet["C2"].fill = PatternFill("solid", fgColor="FFFF00")
    sheet["D3"].comment = Comment("Navragen bij inkoop", "Petra")
    validation = DataValidation(type="whole", operator="between", formula1="0", formula2="10")
    sheet.add_data_validation(validation)
    validation.add("Q2:Q100")
    sheet.conditional_formatting.add(
        "G2:G100", CellIsRule(operator="greaterThan", formula=["25"], fill=PatternFill("solid", fgColor="FFC7CE"))
    )
    sheet.column_dimensions["Q"].width = 33
    book.save(path)
    return path


def test_staff_additions_survive_a_write(tmp_path: Path) -> None:
    """Extra column, colour, comment, validation, conditional formatting, table and width are all still there."""
    path = staff_dressed_workbook(tmp_path / "geschenken.xlsx")
    result = write(path, [CellUpdate(column="Beoordeling", value="OK", nr=2)])
    assert result.written and result.cells_changed == 1
    sheet = openpyxl.load_workbook(path)["Geschenken"]
    assert sheet["Q1"].value == "Eigen notitie" and sheet["Q3"].value == "nagevraagd"
    assert sheet["C2"].fill.fgColor.rgb.endswith("FFFF00")
    assert sheet["D3"].comment.text == "Navragen bij inkoop"
    assert any(str(dv.sqref) == "Q2:Q100" for dv in sheet.data_validations.dataValidation)
    assert any("G2:G100" in str(rng.sqref) for rng in sheet.conditional_formatting)
    assert "Geschenken" in sheet.tables and sheet.tables["Geschenken"].autoFilter is not None
    assert sheet.column_dimensions["Q"].width == 33
    assert sheet.freeze_panes == "A2"
    assert read_register(path, GIFTS).rows[1].get("Beoordeling") == "OK"


def test_only_toolkit_columns_may_be_written(tmp_path: Path) -> None:
    """Writing a staff column is a programming error, refused before the file is opened."""
    path = gifts_workbook(tmp_path / "g.xlsx", 1)
    with pytest.raises(ValueError, match="toolkit-owned"):
        write(path, [CellUpdate(column="Besluit", value="geweigerd", nr=1)])


SHAPE_DRAWING = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">
<xdr:twoCellAnchor><xdr:from><xdr:col>2</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>8</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>
<xdr:to><xdr:col>5</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>12</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>
<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="2" name="Pijl 1"/><xdr:cNvSpPr/></xdr:nvSpPr>
<xdr:spPr><a:prstGeom prst="rightArrow"><a:avLst/></a:prstGeom></xdr:spPr></xdr:sp><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>"""

DATA_BAR_EXT = b"""<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">
<x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">
<x14:cfRule type="dataBar" id="{1A2B3C4D-0000-0000-0000-000000000001}"><x14:dataBar minLength="0" maxLength="100" gradient="0">
<x14:cfvo type="autoMin"/><x14:cfvo type="autoMax"/></x14:dataBar></x14:cfRule><xm:sqref>G2:G100</xm:sqref>
</x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst></worksheet>"""


def with_shape(path: Path) -> Path:
    gifts_workbook(path, 3)
    types = read_part(path, "[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/drawings/drawing1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/></Types>',
    )
    add_zip_parts(path, {"xl/drawings/drawing1.xml": SHAPE_DRAWING}, replace={"[Content_Types].xml": types})
    return path


def with_data_bar(path: Path) -> Path:
    gifts_workbook(path, 3)
    sheet = read_part(path, "xl/worksheets/sheet1.xml")
    add_zip_parts(path, {}, replace={"xl/worksheets/sheet1.xml": sheet.replace(b"</worksheet>", DATA_BAR_EXT)})
    return path


@pytest.mark.parametrize(("build", "part"), [(with_shape, "xl/drawings/drawing1.xml"), (with_data_bar, None)])
def test_content_the_toolkit_does_not_know_is_kept(tmp_path: Path, build, part: str | None) -> None:
    """A shape or an x14 data bar no longer blocks a write: the drawing and the extLst keep their bytes."""
    path = build(tmp_path / "geschenken.xlsx")
    before_sheet = read_part(path, "xl/worksheets/sheet1.xml")
    before_part = read_part(path, part) if part else None
    assert write(path, [CellUpdate(column="Beoordeling", value="OK", nr=1)]).written
    after_sheet = read_part(path, "xl/worksheets/sheet1.xml")
    ext = before_sheet[before_sheet.index(b"<extLst") :] if b"<extLst" in before_sheet else b""
    assert ext in after_sheet
    if part:
        assert read_part(path, part) == before_part
    assert read_register(path, GIFTS).rows[0].get("Beoordeling") == "OK"


def test_a_file_that_is_no_xlsx_package_is_refused_untouched(tmp_path: Path) -> None:
    """A password-protected workbook (an OLE file, not a zip) is refused, naming why; no byte changes."""
    path = tmp_path / "geschenken.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    before = sha256(path)
    with pytest.raises(WorkbookRefused, match="versleuteld"):
        write(path, [CellUpdate(column="Beoordeling", value="OK", nr=1)])
    assert sha256(path) == before


def test_owner_file_blocks_then_write_lands(tmp_path: Path) -> None:
    """~$geschenken.xlsx (open in Excel) blocks the write with the file untouched; without it the write succeeds."""
    path = gifts_workbook(tmp_path / "geschenken.xlsx", 2)
    owner = tmp_path / "~$geschenken.xlsx"
    owner.write_bytes(b"\x00excel-owner")
    before = sha256(path)
    with pytest.raises(WorkbookLocked, match="geopend in Excel"):
        write(path, [CellUpdate(column="Beoordeling", value="OK", nr=1)])
    assert sha256(path) == before
    owner.unlink()
    assert write(path, [CellUpdate(column="Beoordeling", value="OK", nr=1)]).written


def test_libreoffice_lock_blocks_and_names_the_person(tmp_path: Path) -> None:
    """LibreOffice's .~lock.geschenken.xlsx# blocks the write; the message names who has it open."""
    path = gifts_workbook(tmp_path / "geschenken.xlsx", 2)
    owner = tmp_path / ".~lock.geschenken.xlsx#"
    owner.write_text("Petra de Vries,petra,werkplek-12,29.11.2026 14:02,file:///home/petra/.config/libreoffice/4;")
    before = sha256(path)
    with pytest.raises(WorkbookLocked, match="geopend in LibreOffice door Petra de Vries"):
        write(path, [CellUpdate(column="Beoordeling", value="OK", nr=1)])
    assert sha256(path) == before


def test_excel_owner_file_names_the_person(tmp_path: Path) -> None:
    """Excel's ~$ file holds the user name after a length byte; the refusal quotes it."""
    path = gifts_workbook(tmp_path / "geschenken.xlsx", 1)
    name = "Jan Bakker".encode("cp1252")
    (tmp_path / "~$geschenken.xlsx").write_bytes(bytes([len(name)]) + name + b" " * (53 - len(name)) + b"\x00" * 111)
    with pytest.raises(WorkbookLocked, match="geopend in Excel door Jan Bakker"):
        write(path, [CellUpdate(column="Beoordeling", value="OK", nr=1)])


def immutable(path: Path) -> bool:
    """chattr +i: even root can't write or replace the file (False when the filesystem can't do it)."""
    if shutil.which("chattr") is None:
        return False
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    return done.returncode == 0


def test_read_only_file_is_not_written(tmp_path: Path) -> None:
    """A workbook that can't be written (chmod as a user, chattr +i as root) is not written; the change waits."""
    path = gifts_workbook(tmp_path / "geschenken.xlsx", 1)
    before = sha256(path)
    if os.geteuid() == 0:
        if not immutable(path):
            pytest.skip("root, and this filesystem has no immutable flag (chattr +i)")
    else:
        path.chmod(0o444)
    try:
        with pytest.raises(WorkbookLocked, match="niet schrijfbaar"):
            write(path, [CellUpdate(column="Beoordeling", value="OK", nr=1)])
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], check=False)
    assert sha256(path) == before


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","klik")', "=1+1", "+31 6 1234", "@SUM(A1)", "-2+3"])
def test_formula_looking_text_stays_text(tmp_path: Path, text: str) -> None:
    """Text from outside that looks like a formula is stored as text: no <f> element, read back verbatim."""
    path = gifts_workbook(tmp_path / "geschenken.xlsx", 1)
    write(path, [CellUpdate(column="Beoordeling", value=text, nr=1)])
    sheet_xml = read_part(path, "xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml
    assert re.search(rb'<c r="M2"( s="\d+")? t="inlineStr">', sheet_xml)
    cell = openpyxl.load_workbook(path)["Geschenken"].cell(2, GIFTS.headers.index("Beoordeling") + 1)
    assert cell.data_type == "s" and cell.value == text
    assert read_register(path, GIFTS).rows[0].get("Beoordeling") == text


def test_failed_write_leaves_old_workbook_intact(tmp_path: Path) -> None:
    """When the backup cannot be made (backups path is a file), the workbook is byte-identical and no temp is left."""
    path = gifts_workbook(tmp_path / "geschenken.xlsx", 2)
    before = sha256(path)
    blocker = tmp_path / "backups-file"
    blocker.write_text("not a folder")
    with pytest.raises(OSError):
        write_updates(path, GIFTS, [CellUpdate(column="Beoordeling", value="OK", nr=1)], backups_dir=blocker)
    assert sha256(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backups-file", "geschenken.xlsx"]


def test_control_characters_from_outside_are_dropped_not_fatal(tmp_path: Path) -> None:
    """A subject with control characters is stored without them (Excel can't hold them) instead of failing."""
    path = gifts_workbook(tmp_path / "geschenken.xlsx", 1)
    write(path, [CellUpdate(column="Beoordeling", value="tekst\x00met\x07 nul", nr=1)])
    assert read_register(path, GIFTS).rows[0].get("Beoordeling") == "tekstmet nul"


def sort_rows_in_reverse(path: Path) -> None:
    """What staff do when they sort the sheet: every row below the header moves, values and all (openpyxl)."""
    book = openpyxl.load_workbook(path)
    sheet = book["Geschenken"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    for offset, values in enumerate(reversed(rows), start=2):
        for column, value in enumerate(values, start=1):
            sheet.cell(offset, column).value = value
    book.save(path)


def test_sorted_rows_still_get_the_right_update(tmp_path: Path) -> None:
    """After staff sort the sheet, an update by Nr lands on the row with that Nr."""
    path = gifts_workbook(tmp_path / "geschenken.xlsx", 4)
    sort_rows_in_reverse(path)
    write(path, [CellUpdate(column="Beoordeling", value="G2: te duur", nr=1)])
    table = read_register(path, GIFTS)
    target = next(row for row in table.rows if row.nr == 1)
    assert target.excel_row == 5 and target.get("Beoordeling") == "G2: te duur"
    assert target.get("Medewerker") == "Medewerker 1"


def test_no_change_leaves_the_file_untouched(tmp_path: Path) -> None:
    """Writing a value the cell already has doesn't touch the file (same bytes, same mtime), no backup."""
    path = gifts_workbook(tmp_path / "geschenken.xlsx", 2)
    write(path, [CellUpdate(column="Beoordeling", value="OK", nr=1)])
    stat, digest = path.stat().st_mtime_ns, sha256(path)
    result = write(path, [CellUpdate(column="Beoordeling", value="OK", nr=1)])
    assert not result.written
    assert path.stat().st_mtime_ns == stat and sha256(path) == digest
    assert len(list((tmp_path / "backups").iterdir())) == 1


def test_new_rows_get_the_next_numbers(tmp_path: Path) -> None:
    """Rows staff add without a Nr get max+1, max+2 in sheet order; existing numbers never change."""
    path = gifts_workbook(tmp_path / "geschenken.xlsx", 2)
    book = openpyxl.load_workbook(path)
    sheet = book["Geschenken"]
    sheet.cell(4, 2).value = "2-12-2025"
    sheet.cell(4, 3).value = "Nieuwe collega"
    sheet.cell(6, 3).value = "Nog een"
    book.save(path)
    result = write(path, [])
    assert result.numbers_assigned == 2
    assert [row.nr for row in read_register(path, GIFTS).rows] == [1, 2, 3, 4]


def test_update_by_row_number_only_when_file_unchanged(tmp_path: Path) -> None:
    """An update for a row without Nr is placed by row number only if the file is as it was read."""
    path = gifts_workbook(tmp_path / "geschenken.xlsx", 1)
    table = read_register(path, GIFTS)
    stale = write(path, [CellUpdate(column="Beoordeling", value="OK", excel_row=2)], expected_fingerprint="0" * 64)
    assert stale.skipped and not stale.written
    fresh = write(
        path, [CellUpdate(column="Beoordeling", value="OK", excel_row=2)], expected_fingerprint=table.fingerprint
    )
    assert fresh.written


def test_missing_owned_column_is_added_inside_the_table(tmp_path: Path) -> None:
    """If staff deleted 'Beoordeeld op', the write adds it at the end and extends the Excel table."""
    path = gifts_workbook(tmp_path / "geschenken.xlsx", 2)
    book = openpyxl.load_workbook(path)
    sheet = book["Geschenken"]
    sheet.delete_cols(GIFTS.headers.index("Beoordeeld op") + 1)
    table = sheet.tables["Geschenken"]
    table.ref = "A1:M3"
    table.autoFilter.ref = "A1:M3"
    del table.tableColumns[-1]
    book.save(path)
    from datetime import date

    write(path, [CellUpdate(column="Beoordeeld op", value=date(2026, 11, 26), nr=1)])
    sheet = openpyxl.load_workbook(path)["Geschenken"]
    assert sheet["N1"].value == "Beoordeeld op"
    assert sheet.tables["Geschenken"].ref == "A1:N3"
    with zipfile.ZipFile(path) as archive:
        assert b'ref="A1:N3"' in archive.read("xl/tables/table1.xml")


def test_later_update_for_the_same_cell_wins(tmp_path: Path) -> None:
    """Two updates for one cell (a waiting change and a newer one) write the later value, not an error."""
    path = gifts_workbook(tmp_path / "geschenken.xlsx", 1)
    write(
        path,
        [CellUpdate(column="Beoordeling", value="eerst", nr=1), CellUpdate(column="Beoordeling", value="later", nr=1)],
    )
    assert read_register(path, GIFTS).rows[0].get("Beoordeling") == "later"


def test_large_sheet_is_verified_without_a_second_full_read(tmp_path: Path, monkeypatch) -> None:
    """Above the calamine-check size the changed cells are checked in the re-read XML: text, number, date, empty."""
    from datetime import date

    import toolkit.registers.patch as patch

    monkeypatch.setattr(patch, "CALAMINE_CHECK_BYTES", 0)
    path = gifts_workbook(tmp_path / "geschenken.xlsx", 2)
    write(path, [CellUpdate(column="Beoordeling", value="<G2> & meer", nr=1)])
    result = write(
        path,
        [
            CellUpdate(column="Beoordeling", value=None, nr=1),
            CellUpdate(column="Beoordeling", value="OK", nr=2),
            CellUpdate(column="Beoordeeld op", value=date(2026, 11, 29), nr=2),
        ],
    )
    assert result.written and result.cells_changed == 3
    rows = read_register(path, GIFTS).rows
    assert rows[0].get("Beoordeling") is None and rows[1].get("Beoordeeld op") == date(2026, 11, 29)


def test_a_file_that_did_not_land_intact_is_not_committed(tmp_path: Path, monkeypatch) -> None:
    """If a copied part arrives changed on disk (a fault injected into the rewrite), the old file stays as it was."""
    import toolkit.registers.package as package

    path = gifts_workbook(tmp_path / "geschenken.xlsx", 2)
    before = sha256(path)
    honest = package.rewrite

    def corrupting(source: Path, target: Path, replaced: dict[str, bytes]) -> None:
        honest(source, target, {**replaced, "docProps/app.xml": b"<Properties/>"})

    monkeypatch.setattr(package, "rewrite", corrupting)
    with pytest.raises(InputError, match="controle na opslaan mislukt.*docProps/app.xml"):
        write(path, [CellUpdate(column="Beoordeling", value="OK", nr=1)])
    assert sha256(path) == before
    assert not list(tmp_path.glob(".*tmp*"))


def test_a_write_in_a_run_uses_the_parse_of_the_bytes_it_changes(tmp_path: Path) -> None:
    """In a nightly run the writer takes over the read's parse only while the file has exactly those bytes: a
    sheet sorted after the read gets its update on the row that has the Nr now; the parse is not kept after."""
    from toolkit.registers.reader import file_fingerprint, shared_reads, take_parsed_sheet

    path = gifts_workbook(tmp_path / "geschenken.xlsx", 4)
    with shared_reads():
        read_register(path, GIFTS)
        sort_rows_in_reverse(path)  # staff sort the sheet after the read
        write(path, [CellUpdate(column="Beoordeling", value="G2: te duur", nr=1)])
        target = next(row for row in read_register(path, GIFTS).rows if row.nr == 1)
        assert target.excel_row == 5 and target.get("Beoordeling") == "G2: te duur"
        table = read_register(path, GIFTS, only=("Gever",))  # the same bytes, other columns: the parse is there
        assert take_parsed_sheet(path, GIFTS.sheet, "0" * 64) is None  # other bytes: not handed over
        write(
            path,
            [CellUpdate(column="Beoordeling", value="G3: privéadres", nr=2)],
            expected_fingerprint=table.fingerprint,
        )
        assert take_parsed_sheet(path, GIFTS.sheet, file_fingerprint(path)) is None  # written: no parse kept
        assert (
            next(row for row in read_register(path, GIFTS).rows if row.nr == 2).get("Beoordeling") == "G3: privéadres"
        )
    assert take_parsed_sheet(path, GIFTS.sheet, file_fingerprint(path)) is None  # outside a run: nothing kept


def test_a_read_in_a_run_keeps_the_parse_for_the_writer(tmp_path: Path) -> None:
    """Inside shared_reads a read leaves its parse for a writer of the same bytes, once; outside, nothing."""
    from toolkit.registers.reader import file_fingerprint, shared_reads, take_parsed_sheet

    path = gifts_workbook(tmp_path / "geschenken.xlsx", 3)
    read_register(path, GIFTS)
    assert take_parsed_sheet(path, GIFTS.sheet, file_fingerprint(path)) is None
    with shared_reads():
        table = read_register(path, GIFTS)
        sheet = take_parsed_sheet(path, GIFTS.sheet, table.fingerprint)
        assert sheet is not None and len(sheet.rows) == 4  # the header and three rows
        assert take_parsed_sheet(path, GIFTS.sheet, table.fingerprint) is None


def test_a_large_sheet_goes_through_isal_and_stays_a_package_excel_reads(tmp_path: Path, monkeypatch) -> None:
    """A worksheet above LARGE_PART is inflated and deflated with ISA-L: the written entry has the right CRC and
    sizes (zipfile's own check, and its bytes inflate with zlib to what the writer read back), openpyxl reads the
    new value, and every other part keeps its compressed bytes."""
    import zlib

    import toolkit.registers.package as package

    monkeypatch.setattr(package, "LARGE_PART", 0)
    path = gifts_workbook(tmp_path / "geschenken.xlsx", 5)
    with zipfile.ZipFile(path) as archive:
        before = {i.filename: (i.CRC, i.compress_size) for i in archive.infolist()}
    assert write(path, [CellUpdate(column="Beoordeling", value="G2 via ISA-L", nr=3)]).written
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
        assert sheet.compress_type == zipfile.ZIP_DEFLATED
        raw = package._compressed_bytes(archive, sheet)
        assert raw is not None and zlib.decompress(raw, -15) == package.read_part(archive, sheet.filename)
        after = {i.filename: (i.CRC, i.compress_size) for i in archive.infolist()}
    assert {name for name in before if before[name] != after[name]} == {"xl/worksheets/sheet1.xml"}
    book = openpyxl.load_workbook(path)
    column = next(c.column for c in book["Geschenken"][1] if c.value == "Beoordeling")
    assert book["Geschenken"].cell(4, column).value == "G2 via ISA-L"


def test_a_damaged_large_sheet_is_refused_untouched(tmp_path: Path, monkeypatch) -> None:
    """A worksheet whose bytes do not match their CRC-32 (damaged on the share) is refused with a Dutch message
    naming the sheet, by the reader and by the writer; the file keeps every byte."""
    import struct

    import toolkit.registers.package as package

    monkeypatch.setattr(package, "LARGE_PART", 0)
    path = gifts_workbook(tmp_path / "geschenken.xlsx", 5)
    with zipfile.ZipFile(path) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    for offset in (sheet.header_offset + 14, data.rindex(b"xl/worksheets/sheet1.xml", 0) - 30):  # local + central
        if data[offset - 14 : offset - 10] == b"PK\x03\x04" or data[offset - 16 : offset - 12] == b"PK\x01\x02":
            data[offset : offset + 4] = struct.pack("<I", sheet.CRC ^ 0xFFFF)
    path.write_bytes(bytes(data))
    before = sha256(path)
    with pytest.raises(InputError, match=r"geschenken\.xlsx: blad 'Geschenken' is beschadigd") as refused:
        write(path, [CellUpdate(column="Beoordeling", value="OK", nr=1)])
    assert "opnieuw" in (refused.value.hint or "")
    with pytest.raises(InputError, match="is beschadigd"):
        read_register(path, GIFTS)
    assert sha256(path) == before
