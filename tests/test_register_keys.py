"""The register gateway for a register keyed by a column of its own (meldingen.xlsx by `Zaaknummer`)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from tests.registers_helpers import assert_kept_outside, read_part
from toolkit.errors import ConfigError
from toolkit.registers.create import create_register
from toolkit.registers.pending import apply_pending, decode_update, encode_update
from toolkit.registers.reader import read_register
from toolkit.registers.schema import GIFTS
from toolkit.registers.writer import CellUpdate, write_updates
from toolkit.reports.register import WRITTEN_KEY, case_register
from toolkit.reports.schema import CASES
from toolkit.workspace import Workspace

SHEET = "xl/worksheets/sheet1.xml"


def case_row(number: str, **cells: object) -> dict[str, object]:
    row = {"Zaaknummer": number, "Ontvangen op": date(2026, 11, 2), "Kanaal": "e-mail", "Melder": "R-AB12"}
    return {**row, "Status": "ontvangen", **{k.replace("_", " "): v for k, v in cells.items()}}


def cases_workbook(path: Path, *numbers: str) -> Path:
    create_register(path, CASES, [case_row(n, Betreft="medewerker") for n in numbers])
    return path


def write(path: Path, updates: list[CellUpdate]) -> object:
    return write_updates(path, CASES, updates, backups_dir=path.parent / "backups")


def rows(path: Path) -> dict[str, dict[str, object]]:
    return {str(r.get("Zaaknummer")): dict(r.values) for r in read_register(path, CASES).rows}


@pytest.fixture
def ws(bare_workspace: Path) -> Iterator[Workspace]:
    from toolkit.config import load_config

    workspace = Workspace(load_config(bare_workspace / "config.toml"), date(2026, 11, 26))
    yield workspace
    workspace.close()


def test_a_keyed_update_finds_its_row_after_staff_sorted_the_sheet(tmp_path: Path) -> None:
    """Rows found by Zaaknummer, not by position: after staff reverse the rows only that case's Status changes."""
    path = cases_workbook(tmp_path / "meldingen.xlsx", "M-2026-0001", "M-2026-0002", "M-2026-0003")
    book = openpyxl.load_workbook(path)
    sheet = book["Meldingen"]
    first, last = [c.value for c in sheet[2]], [c.value for c in sheet[4]]
    for column, (a, b) in enumerate(zip(first, last, strict=True), start=1):
        sheet.cell(2, column).value, sheet.cell(4, column).value = b, a
    book.save(path)
    before = tmp_path / "before.xlsx"
    before.write_bytes(path.read_bytes())
    result = write(path, [CellUpdate("Status", "onderzoek", key="M-2026-0001")])
    assert result.written and result.cells_changed == 1
    found = rows(path)
    assert found["M-2026-0001"]["Status"] == "onderzoek"
    assert found["M-2026-0003"]["Status"] == found["M-2026-0002"]["Status"] == "ontvangen"
    assert openpyxl.load_workbook(path)["Meldingen"].cell(4, 1).value == "M-2026-0001"
    owned = {"A", "B", "C", "D", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "S", "T"}
    assert_kept_outside(before, path, SHEET, owned)


def test_a_new_key_is_a_row_below_the_last_and_the_table_grows(tmp_path: Path) -> None:
    """A new case is appended (its staff cells filled once); an existing row's staff cell is never overwritten."""
    path = cases_workbook(tmp_path / "meldingen.xlsx", "M-2026-0001")
    table = next(n for n in zipfile.ZipFile(path).namelist() if n.startswith("xl/tables/"))
    assert b'ref="A1:T2"' in read_part(path, table)
    new = case_row("M-2026-0002", Onderwerp="Nieuwe melding via e-mail")
    updates = [CellUpdate(h, v, key="M-2026-0002") for h, v in new.items() if h != "Zaaknummer"]
    updates.append(CellUpdate("Betreft", "leidinggevende", key="M-2026-0001"))  # a staff cell of an existing row
    result = write(path, updates)
    assert result.written
    found = rows(path)
    assert found["M-2026-0002"]["Onderwerp"] == "Nieuwe melding via e-mail"
    assert found["M-2026-0002"]["Ontvangen op"] == date(2026, 11, 2)
    assert found["M-2026-0001"]["Betreft"] == "medewerker"
    assert openpyxl.load_workbook(path)["Meldingen"].cell(3, 1).value == "M-2026-0002"
    assert b'ref="A1:T3"' in read_part(path, table)


def test_key_updates_are_for_keyed_registers_only(tmp_path: Path) -> None:
    """A register numbered by Nr refuses a key (a programming error, never a guess at a row)."""
    path = tmp_path / "geschenken.xlsx"
    create_register(path, GIFTS, [])
    with pytest.raises(ValueError, match="no key column"):
        write_updates(path, GIFTS, [CellUpdate("Beoordeling", "x", key="1")], backups_dir=tmp_path / "b")


def test_a_waiting_keyed_change_keeps_its_key_and_lands_by_it(ws: Workspace) -> None:
    """Register open in Excel: the change waits in the gateway's queue with its key; the next run writes it."""
    register = case_register(ws)
    assert register.write({"M-2026-0001": case_row("M-2026-0001")}).written
    lock = register.path.with_name("~$meldingen.xlsx")
    lock.write_bytes(b"excel")
    before = register.path.read_bytes()
    outcome = register.write({"M-2026-0001": {"Status": "onderzoek"}})
    assert outcome.waiting and not outcome.written and register.path.read_bytes() == before
    assert register.pending() == [("M-2026-0001", ("Status",))]
    (waiting,) = ws.state.pending(CASES.key)
    assert decode_update(waiting.payload[0]) == CellUpdate("Status", "onderzoek", key="M-2026-0001")
    assert apply_pending(ws)[0].waiting and register.path.read_bytes() == before
    lock.unlink()
    (done,) = apply_pending(ws)
    assert done.written and register.read()["M-2026-0001"]["Status"] == "onderzoek"
    assert register.pending() == [] and ws.state.pending() == []


def test_a_missing_case_register_is_refused_once_written(ws: Workspace) -> None:
    """Before the first case an absent register is empty; once written, a missing one is refused, not made anew."""
    register = case_register(ws)
    assert register.read() == {} and not ws.state.get(WRITTEN_KEY)
    register.write({"M-2026-0001": case_row("M-2026-0001")})
    register.path.unlink()
    with pytest.raises(ConfigError, match="niet leeg opnieuw aangemaakt"):
        register.write({"M-2026-0002": case_row("M-2026-0002")})
    with pytest.raises(ConfigError, match="ontbreekt"):
        register.read()
    assert not register.path.exists()


def test_encoded_updates_round_trip_every_way_to_a_row() -> None:
    """The queue stores Nr, row, row key and key: decoding gives the same update back."""
    for update in (
        CellUpdate("Status", "x", key="M-2026-0009"),
        CellUpdate("Beoordeling", "y", nr=4),
        CellUpdate("Beoordeling", date(2026, 1, 2), excel_row=7, row_key="abc"),
    ):
        assert decode_update(encode_update(update)) == update


def test_a_case_update_keeps_every_byte_staff_put_in_the_case_register(ws: Workspace) -> None:
    """A sensitivity label and the officer's own column survive `reports update`'s write: only its cells change."""
    from tests.registers_helpers import add_zip_parts

    register = case_register(ws)
    register.write({"M-2026-0001": case_row("M-2026-0001"), "M-2026-0002": case_row("M-2026-0002")})
    book = openpyxl.load_workbook(register.path)  # the intake officer, in Excel
    book["Meldingen"]["U1"], book["Meldingen"]["U2"] = "Eigen notitie", "navragen"
    book.save(register.path)
    label = b'<?xml version="1.0"?><label xmlns="urn:msip">Vertrouwelijk</label>'
    add_zip_parts(register.path, {"docProps/custom.xml": label, "customXml/item1.xml": label})
    before = register.path.with_name("before.xlsx")
    before.write_bytes(register.path.read_bytes())
    outcome = register.write({"M-2026-0002": {"Status": "onderzoek", "Betreft": "directeur-bestuurder"}})
    assert outcome.written and outcome.cells_changed == 1
    assert read_part(register.path, "docProps/custom.xml") == label
    assert rows(register.path)["M-2026-0002"]["Status"] == "onderzoek"
    assert rows(register.path)["M-2026-0002"]["Betreft"] is None  # a staff cell of an existing row: never written
    assert_kept_outside(before, register.path, SHEET, {"M"})


def test_a_newer_value_is_never_overwritten_by_an_older_one_that_waited(ws: Workspace) -> None:
    """Status queued while open, then a newer status written directly: the next run leaves the newer one."""
    register = case_register(ws)
    register.write({"M-2026-0001": case_row("M-2026-0001")})
    lock = register.path.with_name("~$meldingen.xlsx")
    lock.write_bytes(b"excel")
    assert register.write({"M-2026-0001": {"Status": "onderzoek", "Ernstige inbreuk": "ja"}}).waiting
    lock.unlink()
    assert register.write({"M-2026-0001": {"Status": "besluit"}}).written
    assert register.pending() == []
    apply_pending(ws)
    row = register.read()["M-2026-0001"]
    assert row["Status"] == "besluit" and row["Ernstige inbreuk"] == "ja"
