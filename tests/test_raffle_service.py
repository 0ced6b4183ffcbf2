"""The Christmas raffle end to end on a workspace: draw, verify, tampering caught, redraw refused, winners mailed."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from toolkit.raffle.draw import Participant, participants_digest
from toolkit.registers.create import create_register
from toolkit.registers.schema import GIFTS, RAFFLE, STAFF

AS_OF = "2026-12-20"


def xmas(nr: int, received: str, **changes: Any) -> dict[str, Any]:
    row = {
        "Nr": nr, "Datum ontvangen": received, "Medewerker": "Anna de Vries", "Gever": f"Leverancier {nr} B.V.",
        "Soort": "kerstgeschenk", "Omschrijving": f"Kerstpakket {nr}", "Waarde (€)": "40",
        "Bezorgd op privéadres": "nee", "Relatie in onderhandeling of toezicht": "nee",
        "Besluit": "centraal ingeleverd", "Overlegd met leidinggevende": "nee",
    }  # fmt: skip
    row.update(changes)
    return row


GIFT_ROWS = [
    xmas(1, "1-11-2026"),
    xmas(2, "15-12-2026"),
    xmas(3, "2026-12-18"),
    xmas(4, "31-10-2026"),  # before the window
    xmas(5, "10-12-2026", Besluit="aangenomen"),  # not handed in
    xmas(6, "11-12-2026"),
    xmas(7, "12-12-2026", Soort="geschenk"),  # not a Christmas gift
]
POOL = {"1", "2", "3", "6"}


def person(nr: int, name: str, role: str = "medewerker", **changes: Any) -> dict[str, Any]:
    row = {"Nr": nr, "Personeelsnummer": f"P{nr:03d}", "Naam": name, "Rol": role, "In dienst per": date(2020, 1, 1),
           "E-mail": f"{name.split()[0].lower()}@woonpartners.example"}  # fmt: skip
    row.update(changes)
    return row


STAFF_ROWS = [
    person(1, "Anna de Vries"),
    person(2, "Bram Jansen"),
    person(3, "Chantal Bakker", "leidinggevende"),
    person(4, "Daan Visser", **{"E-mail": None}),
    person(5, "Eva Smit", "RvC-lid"),  # RvC: not in by default
    person(6, "Fatima Meijer", **{"Uit dienst per": date(2026, 12, 1)}),  # left before the draw
    person(7, "Gert de Boer", **{"In dienst per": date(2027, 1, 1)}),  # starts after the draw
    person(8, "Hanna Mulder"),  # excluded in config
]
EXPECTED = [1, 2, 3, 4]


@pytest.fixture
def ws(tmp_path: Path, run_cli) -> Path:
    """A workspace with seven gift rows (four in the 2026 pool) and eight staff rows (four take part)."""
    root = tmp_path / "ws"
    assert run_cli("--as-of", AS_OF, "init", str(root)).exit_code == 0
    for register, rows in ((GIFTS, GIFT_ROWS), (STAFF, STAFF_ROWS)):
        (root / "registers" / register.filename).unlink()
        create_register(root / "registers" / register.filename, register, rows)
    config = root / "config.toml"
    config.write_text(config.read_text().replace("exclude = []", 'exclude = ["P008"]'))
    return root


def cli(run_cli, root: Path, *args: str):
    return run_cli("--config", str(root / "config.toml"), "--as-of", AS_OF, "raffle", *args)


def result_sheet(root: Path, name: str = "2026") -> tuple[dict[str, Any], list[dict[str, Any]]]:
    sheet = openpyxl.load_workbook(root / "registers" / RAFFLE.filename)[name]
    rows = list(sheet.iter_rows(values_only=True))
    top = next(i for i, r in enumerate(rows) if r[0] == "Nr geschenk")
    notes = {r[0]: r[1] for r in rows[:top] if r[0]}
    header = rows[top]
    return notes, [dict(zip(header, r, strict=False)) for r in rows[top + 1 :] if any(r)]


def edit_result(root: Path, gift_nr: str, **values: str) -> None:
    path = root / "registers" / RAFFLE.filename
    book = openpyxl.load_workbook(path)
    sheet = book["2026"]
    header_row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "Nr geschenk")
    headers = [c.value for c in sheet[header_row]]
    for row in range(header_row + 1, sheet.max_row + 1):
        if sheet.cell(row, 1).value == gift_nr:
            for header, value in values.items():
                sheet.cell(row, headers.index(header) + 1).value = value
    book.save(path)


def outbox(root: Path) -> list[Path]:
    return sorted((root / "mail" / "outbox").glob("*.eml"))


def test_draw_records_everything_needed_to_redo_it(ws: Path, run_cli) -> None:
    """The sheet holds seed, algorithm, both digests, time, draw date and one row per pool gift with its winner."""
    result = cli(run_cli, ws, "draw", "--year", "2026", "--seed", "kerst-2026")
    assert result.exit_code == 0, result.output + result.stderr
    notes, rows = result_sheet(ws)
    assert notes["Seed (vooraf bekendgemaakt)"] == "kerst-2026"
    assert notes["Algoritme"] == "kerstloting-v1"
    assert notes["Peildatum deelnemers"] == AS_OF
    assert notes["Getrokken op"]
    assert len(notes["Pool-digest (SHA-256)"]) == 64
    expected = [Participant(f"P{nr:03d}", STAFF_ROWS[nr - 1]["Naam"], STAFF_ROWS[nr - 1]["E-mail"]) for nr in EXPECTED]
    assert notes["Deelnemers-digest (SHA-256)"] == participants_digest(expected)
    assert {r["Nr geschenk"] for r in rows} == POOL
    winners = [r["Personeelsnummer"] for r in rows]
    assert len(set(winners)) == len(winners), "four gifts, four participants: one gift each"
    assert set(winners) == {p.key for p in expected}
    assert {r["Gever"] for r in rows} == {f"Leverancier {nr} B.V." for nr in POOL}


def test_same_inputs_and_seed_give_the_same_result(ws: Path, tmp_path: Path, run_cli) -> None:
    """Two workspaces with the same registers and seed draw the same winners; another seed may differ."""
    cli(run_cli, ws, "draw", "--year", "2026", "--seed", "kerst-2026")
    twin = tmp_path / "twin"
    assert run_cli("--as-of", AS_OF, "init", str(twin)).exit_code == 0
    for register in (GIFTS, STAFF):
        (twin / "registers" / register.filename).write_bytes((ws / "registers" / register.filename).read_bytes())
    (twin / "config.toml").write_text((ws / "config.toml").read_text())
    cli(run_cli, twin, "draw", "--year", "2026", "--seed", "kerst-2026")
    assert result_sheet(ws)[1] == result_sheet(twin)[1]


def test_verify_passes_on_an_untouched_result(ws: Path, run_cli) -> None:
    """verify recomputes the draw from the sheet and the registers and exits 0 when it is identical."""
    cli(run_cli, ws, "draw", "--year", "2026", "--seed", "kerst-2026")
    result = cli(run_cli, ws, "verify", "--year", "2026")
    assert result.exit_code == 0, result.output
    assert "klopt" in result.output
    assert cli(run_cli, ws, "verify", "--year", "2026", "--seed", "kerst-2026").exit_code == 0
    wrong_seed = cli(run_cli, ws, "verify", "--year", "2026", "--seed", "iets-anders")
    assert wrong_seed.exit_code == 1 and "niet de vooraf bekendgemaakte seed" in wrong_seed.output


def test_verify_catches_a_winner_edited_by_hand(ws: Path, run_cli) -> None:
    """Giving a gift to someone else in the sheet is caught (exit 1) and the message names the gift."""
    cli(run_cli, ws, "draw", "--year", "2026", "--seed", "kerst-2026")
    _, rows = result_sheet(ws)
    target = rows[0]
    other = next(r for r in rows if r["Personeelsnummer"] != target["Personeelsnummer"])
    edit_result(ws, target["Nr geschenk"], Winnaar=other["Winnaar"], Personeelsnummer=other["Personeelsnummer"],
                **{"E-mail": other["E-mail"]})  # fmt: skip
    result = cli(run_cli, ws, "verify", "--year", "2026")
    assert result.exit_code == 1
    assert f"Geschenk {target['Nr geschenk']} ({target['Geschenk']}) is vastgelegd voor" in result.output


def test_verify_catches_a_name_edited_by_hand(ws: Path, run_cli) -> None:
    """Only changing the winner's name in the sheet is caught too."""
    cli(run_cli, ws, "draw", "--year", "2026", "--seed", "kerst-2026")
    _, rows = result_sheet(ws)
    edit_result(ws, rows[0]["Nr geschenk"], Winnaar="Iemand Anders")
    result = cli(run_cli, ws, "verify", "--year", "2026")
    assert result.exit_code == 1
    assert f"De gegevens van de winnaar van geschenk {rows[0]['Nr geschenk']}" in result.output


def test_verify_catches_a_gift_added_after_the_draw(ws: Path, run_cli) -> None:
    """A Christmas gift registered after the draw changes the pool: verify exits 1 and names the gift."""
    cli(run_cli, ws, "draw", "--year", "2026", "--seed", "kerst-2026")
    path = ws / "registers" / GIFTS.filename
    path.unlink()
    create_register(path, GIFTS, [*GIFT_ROWS, xmas(8, "19-12-2026", Omschrijving="Late kerstkaas")])
    result = cli(run_cli, ws, "verify", "--year", "2026")
    assert result.exit_code == 1
    assert "De geschenkenpool is na de trekking gewijzigd" in result.output
    assert "geschenk 8 (Late kerstkaas) is na de trekking toegevoegd" in result.output


def test_redraw_is_refused_then_allowed_with_a_reason(ws: Path, run_cli) -> None:
    """A drawn year is refused (exit 7, nothing changed); --redraw --reason keeps the old sheet and logs why."""
    cli(run_cli, ws, "draw", "--year", "2026", "--seed", "kerst-2026")
    path = ws / "registers" / RAFFLE.filename
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    refused = cli(run_cli, ws, "draw", "--year", "2026", "--seed", "kerst-2026-b")
    assert refused.exit_code == 7
    assert "al getrokken" in refused.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    no_reason = cli(run_cli, ws, "draw", "--year", "2026", "--seed", "kerst-2026-b", "--redraw")
    assert no_reason.exit_code == 7
    old_rows = result_sheet(ws)[1]
    redraw = cli(run_cli, ws, "draw", "--year", "2026", "--seed", "kerst-2026-b", "--redraw",
                 "--reason", "pakket 3 was vergeten")  # fmt: skip
    assert redraw.exit_code == 0, redraw.output + redraw.stderr
    book = openpyxl.load_workbook(path)
    assert {"2026", "2026 (vervallen 1)"} <= set(book.sheetnames)
    assert result_sheet(ws, "2026 (vervallen 1)")[1] == old_rows
    assert result_sheet(ws)[0]["Seed (vooraf bekendgemaakt)"] == "kerst-2026-b"
    events = [json.loads(line) for line in (ws / ".integrity" / "audit.jsonl").read_text().splitlines()]
    redraws = [e for e in events if e["action"] == "raffle.redraw"]
    assert redraws and redraws[-1]["details"]["reason"] == "pakket 3 was vergeten"
    assert cli(run_cli, ws, "verify", "--year", "2026").exit_code == 0


def test_winners_are_mailed_once(ws: Path, run_cli) -> None:
    """--notify previews only; --notify --send mails each winner with an address once; a resend sends nothing."""
    preview = cli(run_cli, ws, "draw", "--year", "2026", "--seed", "kerst-2026", "--notify")
    assert preview.exit_code == 0
    assert outbox(ws) == []
    assert "integrity raffle notify --year 2026 --send" in preview.output
    _, rows = result_sheet(ws)
    with_email = {r["E-mail"] for r in rows if r["E-mail"]}
    sent = cli(run_cli, ws, "notify", "--year", "2026", "--send")
    assert sent.exit_code == 0, sent.output
    mails = outbox(ws)
    assert len(mails) == len(with_email)
    recipients = {line.split(":", 1)[1].strip() for m in mails for line in m.read_text().splitlines() if
                  line.startswith("To:")}  # fmt: skip
    assert recipients == with_email
    again = cli(run_cli, ws, "notify", "--year", "2026", "--send")
    assert again.exit_code == 0
    assert len(outbox(ws)) == len(mails)
    assert "al eerder verstuurd" in again.output


def test_winners_of_a_tampered_result_are_not_mailed(ws: Path, run_cli) -> None:
    """notify refuses (exit 7) when the recorded result no longer verifies, and sends nothing."""
    cli(run_cli, ws, "draw", "--year", "2026", "--seed", "kerst-2026")
    _, rows = result_sheet(ws)
    edit_result(ws, rows[0]["Nr geschenk"], Winnaar="Iemand Anders")
    result = cli(run_cli, ws, "notify", "--year", "2026", "--send")
    assert result.exit_code == 7
    assert outbox(ws) == []


def test_verify_of_a_year_not_drawn(ws: Path, run_cli) -> None:
    """verify of a year without a sheet says so (input error), it does not claim a difference."""
    result = cli(run_cli, ws, "verify", "--year", "2025")
    assert result.exit_code == 4
    assert "geen uitslag voor 2025" in result.stderr
