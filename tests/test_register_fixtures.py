"""Registers saved by LibreOffice (committed fixtures, see tests/fixtures/make_fixtures.py) survive a write
byte-identical outside the toolkit's own cells: charts, pivot tables, sensitivity labels, rich text, formulas."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tests.registers_helpers import FIXTURES, assert_kept_outside, read_part
from toolkit.registers.reader import read_register
from toolkit.registers.schema import GIFTS
from toolkit.registers.writer import CellUpdate, write_updates

FIXTURE_NAMES = ["gifts-libreoffice.xlsx", "gifts-chart.xlsx", "gifts-pivot.xlsx", "gifts-label.xlsx"]
SHIFTED = {"B", "N", "O"}  # Nr, Beoordeling, Beoordeeld op behind an empty column A
OWNED = {"gifts-libreoffice.xlsx": SHIFTED, "gifts-label.xlsx": SHIFTED}
SHEET = "xl/worksheets/sheet1.xml"


def copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / "geschenken.xlsx"
    shutil.copyfile(FIXTURES / name, target)
    return target


def judge_everything(path: Path) -> object:
    table = read_register(path, GIFTS)
    updates = []
    for row in table.rows:
        where = {"nr": row.nr} if row.nr is not None else {"excel_row": row.excel_row}
        updates += [
            CellUpdate("Beoordeling", f'<oordeel> & "{row.excel_row}" =SUM(A1)', **where),
            CellUpdate("Beoordeeld op", date(2026, 11, 29), **where),
        ]
    return write_updates(
        path, GIFTS, updates, backups_dir=path.parent / "backups", expected_fingerprint=table.fingerprint
    )


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_write_keeps_every_byte_outside_the_toolkit_cells(tmp_path: Path, name: str) -> None:
    """Every part but the sheet is byte-identical; in the sheet every staff cell is identical."""
    path = copy(name, tmp_path)
    result = judge_everything(path)
    assert result.written and result.numbers_assigned == 1
    assert_kept_outside(FIXTURES / name, path, SHEET, OWNED.get(name, {"A", "M", "N"}))
    table = read_register(path, GIFTS)
    assert [row.nr for row in table.rows] == [1, 2, 3, 4, 5, 6]
    assert all(row.get("Beoordeeld op") == date(2026, 11, 29) for row in table.rows)
    assert table.rows[0].get("Beoordeling") == '<oordeel> & "2" =SUM(A1)'


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("gifts-chart.xlsx", ["xl/charts/chart1.xml", "xl/drawings/drawing1.xml"]),
        ("gifts-pivot.xlsx", ["xl/pivotTables/pivotTable1.xml", "xl/pivotCache/pivotCacheDefinition1.xml"]),
        (
            "gifts-label.xlsx",
            ["docProps/custom.xml", "customXml/item1.xml", "docMetadata/LabelInfo.xml", "xl/metadata.xml"],
        ),
    ],
)
def test_charts_pivots_and_labels_are_not_refused(tmp_path: Path, name: str, parts: list[str]) -> None:
    """A chart, a pivot table or a sensitivity label no longer stops a write; those parts keep their bytes."""
    path = copy(name, tmp_path)
    assert judge_everything(path).written
    for part in parts:
        assert read_part(path, part) == read_part(FIXTURES / name, part)


def test_formula_in_a_read_column_keeps_its_value_after_writes(tmp_path: Path) -> None:
    """'Waarde (€)' = 2*12.5: read as 25 before, after one and after two writes (cached value kept)."""
    path = copy("gifts-libreoffice.xlsx", tmp_path)
    for _ in range(3):
        assert read_register(path, GIFTS).by_nr()[2].get("Waarde (€)") == Decimal("25")
        judge_everything(path)
    assert b'<f aca="false">2*12.5</f><v>25</v>' in read_part(path, SHEET)


def test_rich_text_and_shared_strings_untouched(tmp_path: Path) -> None:
    """Toolkit text goes in as inline strings: sharedStrings.xml (with the bold/red runs) keeps its bytes."""
    path = copy("gifts-label.xlsx", tmp_path)
    judge_everything(path)
    strings = read_part(path, "xl/sharedStrings.xml")
    assert strings == read_part(FIXTURES / "gifts-label.xlsx", "xl/sharedStrings.xml")
    assert b'<b val="true"/>' in strings and b'<color rgb="FFFF0000"/>' in strings


def test_empty_column_a_writes_and_verifies(tmp_path: Path) -> None:
    """With an empty column A (columns moved one to the right) the write lands in the right cells."""
    path = copy("gifts-libreoffice.xlsx", tmp_path)
    judge_everything(path)
    sheet = read_part(path, SHEET)
    assert re.search(rb'<c r="N3"( s="\d+")? t="inlineStr"><is><t xml:space="preserve">&lt;oordeel&gt;', sheet)
    assert read_register(path, GIFTS).rows[1].excel_row == 3


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_written_file(tmp_path: Path) -> None:
    """A real spreadsheet program reads the patched file: the toolkit's text and date are in its CSV export."""
    path = copy("gifts-label.xlsx", tmp_path)
    judge_everything(path)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "csv", "--outdir", str(tmp_path / "csv"), str(path)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    text = (tmp_path / "csv" / "geschenken.csv").read_text("utf-8", "replace")
    assert '"<oordeel> & ""3"" =SUM(A1)"' in text
    assert "29-11-2026" in text or "11/29/2026" in text  # a date, in LibreOffice's locale
    assert zipfile.is_zipfile(path)


def test_gifts_check_keeps_judging_a_formula_value(tmp_path: Path, run_cli) -> None:
    """`gifts check` twice on a register where Waarde is a formula (25): G2 both nights, value never lost."""
    root = tmp_path / "demo"
    assert run_cli("--as-of", "2026-11-26", "init", str(root), "--demo").exit_code == 0
    path = root / "registers" / "geschenken.xlsx"
    shutil.copyfile(FIXTURES / "gifts-libreoffice.xlsx", path)
    for _ in range(2):
        result = run_cli("--config", str(root / "config.toml"), "--as-of", "2026-11-26", "gifts", "check", "--write")
        assert result.exit_code in (0, 1), result.output + result.stderr
        verdict = read_register(path, GIFTS).by_nr()[2].get("Beoordeling")
        assert verdict.startswith("G2"), verdict
