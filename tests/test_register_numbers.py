"""`Nr` is never reused, a copied `Nr` is detected, and rows numbered in one run all keep their updates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from tests.registers_helpers import gift, sha256
from toolkit.registers.create import create_register
from toolkit.registers.pending import apply_pending, save
from toolkit.registers.reader import read_register
from toolkit.registers.schema import GIFTS, SUPPLIERS
from toolkit.registers.writer import CellUpdate
from toolkit.workspace import Workspace

VERDICT = "Beoordeling"


@pytest.fixture
def ws(bare_workspace: Path) -> Iterator[Workspace]:
    from toolkit.config import load_config

    workspace = Workspace(load_config(bare_workspace / "config.toml"), date(2027, 3, 1))
    yield workspace
    workspace.close()


def supplier(n: int | None, name: str, **extra: object) -> dict[str, object]:
    row = {"Nr": n, "Leveranciersnummer": f"L{name}", "Naam": name, "E-mail": f"info@{name.lower()}.nl", "Actief": "ja"}
    return {**row, **extra}


def edit(path: Path, change) -> None:  # noqa: ANN001 - a staff edit, done with openpyxl like a person in Excel
    book = openpyxl.load_workbook(path)
    change(book.active)
    book.save(path)


def test_a_deleted_last_number_is_never_given_again(ws: Workspace) -> None:
    """Inkoop deletes the last supplier after a round and adds one: the new row gets a fresh Nr, no old status."""
    path = ws.register_path(SUPPLIERS)
    create_register(path, SUPPLIERS, [supplier(1, "Aannemer"), supplier(2, "Bouw"), supplier(3, "Schilder")])
    sent = [CellUpdate("Status", "verzonden", nr=n) for n in (1, 2, 3)]
    sent += [CellUpdate("Referentie", f"[IC-2027-{n:04d}]", nr=n) for n in (1, 2, 3)]
    assert save(ws, SUPPLIERS, sent).written

    def replace_last(sheet) -> None:  # noqa: ANN001
        sheet.delete_rows(4)
        for column, value in enumerate(["", "L9", "Nieuw BV", "", "nieuw@nieuw.nl", "", "", "ja"], start=1):
            sheet.cell(4, column).value = value or None

    edit(path, replace_last)
    table = read_register(path, SUPPLIERS)
    outcome = save(ws, SUPPLIERS, [], table.fingerprint, number_rows=True)
    assert outcome.written
    new = next(row for row in read_register(path, SUPPLIERS).rows if row.get("Naam") == "Nieuw BV")
    assert new.nr == 4
    assert new.get("Status") is None and new.get("Referentie") is None


def test_high_water_mark_survives_deleting_several_rows(ws: Workspace) -> None:
    """After Nr 5 was written once, deleting rows 4 and 5 still makes the next new row Nr 6."""
    path = ws.register_path(GIFTS)
    create_register(path, GIFTS, [gift(n) for n in range(1, 6)])
    assert save(ws, GIFTS, [CellUpdate(VERDICT, "OK", nr=5)]).written
    edit(path, lambda sheet: sheet.delete_rows(5, 2))
    edit(path, lambda sheet: [sheet.cell(5, c).__setattr__("value", v) for c, v in ((3, "Nieuw"), (4, "Gever X"))])
    save(ws, GIFTS, [], number_rows=True)
    assert [row.nr for row in read_register(path, GIFTS).rows] == [1, 2, 3, 6]


def test_copied_row_gets_a_new_number_and_never_the_other_rows_verdict(ws: Workspace) -> None:
    """A row copied with its Nr: the reader flags it, the write gives it a new Nr and clears the copied verdict;
    the update for that Nr lands only on the original row."""
    path = ws.register_path(GIFTS)
    create_register(path, GIFTS, [gift(1), gift(2, Omschrijving="Cadeaubon", Soort="geld of cadeaubon")])
    assert save(ws, GIFTS, [CellUpdate(VERDICT, "G1: geld of cadeaubon", nr=2)]).written

    def copy_row(sheet) -> None:  # noqa: ANN001
        for column in range(1, sheet.max_column + 1):
            sheet.cell(4, column).value = sheet.cell(3, column).value
        sheet.cell(4, 6).value = "Fles wijn"
        sheet.cell(4, 5).value = "geschenk"

    edit(path, copy_row)
    table = read_register(path, GIFTS)
    copy = next(row for row in table.rows if row.excel_row == 4)
    assert copy.nr is None
    assert any(f.location.row == 4 and "Nr 2 staat ook in rij 3" in f.why for f in table.findings)
    updates = [CellUpdate(VERDICT, "G1: geld of cadeaubon", nr=2), CellUpdate(VERDICT, "OK", excel_row=4)]
    outcome = save(ws, GIFTS, updates, table.fingerprint)
    assert outcome.written and outcome.findings and "rij 4" in outcome.findings[0]
    rows = {row.excel_row: row for row in read_register(path, GIFTS).rows}
    assert rows[3].nr == 2 and rows[3].get(VERDICT) == "G1: geld of cadeaubon"
    assert rows[4].nr == 3 and rows[4].get(VERDICT) == "OK"


def test_copied_row_loses_the_copied_status_even_without_an_update(ws: Workspace) -> None:
    """The copy's toolkit cells (status, reference) belong to the other row: they are emptied when it is numbered."""
    path = ws.register_path(SUPPLIERS)
    create_register(path, SUPPLIERS, [supplier(1, "Aannemer", Status="verzonden", Referentie="[IC-2027-0001]")])
    edit(path, lambda sheet: [sheet.cell(3, c).__setattr__("value", sheet.cell(2, c).value) for c in range(1, 19)])
    save(ws, SUPPLIERS, [], number_rows=True)
    rows = read_register(path, SUPPLIERS).rows
    assert [(r.nr, r.get("Status"), r.get("Referentie")) for r in rows] == [
        (1, "verzonden", "[IC-2027-0001]"),
        (2, None, None),
    ]


def test_three_rows_numbered_in_one_run_all_keep_their_updates(ws: Workspace) -> None:
    """Three suppliers without Nr reply in one night: all three are recorded, each on its own row."""
    path = ws.register_path(SUPPLIERS)
    create_register(path, SUPPLIERS, [supplier(None, name) for name in ("Aannemer", "Bouw", "Schilder")])
    table = read_register(path, SUPPLIERS)
    updates = [CellUpdate("Status", "bevestigd", nr=row.nr, excel_row=row.excel_row) for row in table.rows]
    updates += [CellUpdate("Bevestigd door", row.get("E-mail"), excel_row=row.excel_row) for row in table.rows]
    outcome = save(ws, SUPPLIERS, updates, table.fingerprint)
    assert outcome.cells_changed == 6 and outcome.numbers_assigned == 3
    after = read_register(path, SUPPLIERS).rows
    assert [(r.nr, r.get("Status"), r.get("Bevestigd door")) for r in after] == [
        (1, "bevestigd", "info@aannemer.nl"),
        (2, "bevestigd", "info@bouw.nl"),
        (3, "bevestigd", "info@schilder.nl"),
    ]


def test_waiting_updates_for_rows_without_nr_land_after_staff_edits(ws: Workspace) -> None:
    """Locked in Excel while three replies come in; staff then insert a row on top. The waiting updates find
    their rows by what staff typed in them, not by the old row numbers."""
    path = ws.register_path(SUPPLIERS)
    create_register(path, SUPPLIERS, [supplier(None, name) for name in ("Aannemer", "Bouw", "Schilder")])
    table = read_register(path, SUPPLIERS)
    owner = path.with_name("~$" + path.name)
    owner.write_bytes(b"\x05Petra")
    updates = [CellUpdate("Status", "bevestigd", excel_row=row.excel_row) for row in table.rows]
    outcome = save(ws, SUPPLIERS, updates, table.fingerprint)
    assert outcome.waiting and "Petra" in outcome.waiting
    owner.unlink()

    def insert_on_top(sheet) -> None:  # noqa: ANN001
        sheet.insert_rows(2)
        for column, value in enumerate(["", "L0", "Eerst BV", "", "a@eerst.nl", "", "", "ja"], start=1):
            sheet.cell(2, column).value = value or None

    edit(path, insert_on_top)
    before = sha256(path)
    (done,) = apply_pending(ws)
    assert done.written and sha256(path) != before
    status = {row.get("Naam"): row.get("Status") for row in read_register(path, SUPPLIERS).rows}
    assert status == {"Eerst BV": None, "Aannemer": "bevestigd", "Bouw": "bevestigd", "Schilder": "bevestigd"}


def test_three_replies_from_suppliers_without_nr_in_one_night(tmp_path: Path, run_cli) -> None:
    """`inbox process` with three 'akkoord' replies from suppliers that have no Nr yet: all three bevestigd."""
    root = tmp_path / "demo"
    assert run_cli("--as-of", "2027-01-05", "init", str(root), "--demo").exit_code == 0
    inbox = root / "mail" / "inbox" / "new"
    for old in inbox.glob("*"):
        old.unlink()
    names = ("Aannemer", "Bouw", "Schilder")
    rows = [supplier(None, name, Status="verzonden", Cyclus="2027") for name in names]
    create_register(root / "registers" / SUPPLIERS.filename, SUPPLIERS, rows)
    for index, name in enumerate(names):
        mail = (
            f"From: {name} <info@{name.lower()}.nl>\r\nTo: integriteit@woonpartners.example.nl\r\n"
            f"Subject: Re: Integriteitscode\r\nMessage-ID: <{index}@{name.lower()}.nl>\r\n"
            "Date: Mon, 4 Jan 2027 10:00:00 +0100\r\n\r\nAkkoord, wij hebben de code ontvangen.\r\n"
        )
        (inbox / f"{2000 + index}.reply").write_bytes(mail.encode())
    result = run_cli("--config", str(root / "config.toml"), "--as-of", "2027-01-05", "inbox", "process")
    assert result.exit_code in (0, 1), result.output + result.stderr
    after = read_register(root / "registers" / SUPPLIERS.filename, SUPPLIERS).rows
    assert {row.get("Naam"): row.get("Status") for row in after} == dict.fromkeys(names, "bevestigd")
    assert sorted(row.nr for row in after) == [1, 2, 3]
