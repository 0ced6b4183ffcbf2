"""The Christmas raffle end to end: announce (commit), draw (reveal), verify from the published files alone."""

from __future__ import annotations

import email
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from toolkit.raffle.draw import Participant, PoolGift, draw
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
    person(5, "Eva Smit", "RvC-lid"),  # RvC: in by default (the code's footnote)
    person(6, "Fatima Meijer", **{"Uit dienst per": date(2026, 12, 1)}),  # left before the draw
    person(7, "Gert de Boer", **{"In dienst per": date(2027, 1, 1)}),  # starts after the draw
    person(8, "Hanna Mulder"),  # excluded in config
]
EXPECTED = [1, 2, 3, 4, 5]


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


SOURCE = "de trekking van de Staatsloterij van 31 december 2026"
REPO = Path(__file__).resolve().parents[1]


def announce(run_cli, root: Path) -> None:
    result = cli(run_cli, root, "announce", "--year", "2026", "--seed-source", SOURCE, "--send")
    assert result.exit_code == 0, result.output + result.stderr


def published(root: Path, kind: str = "aankondiging") -> Path:
    return root / "registers" / f"kerstloting-2026-{kind}.txt"


def snapshot(root: Path) -> dict[str, str]:
    """SHA-256 of every file in the workspace except templates: what a preview must leave alone."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "templates" not in p.parts
    }


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


def test_announce_without_send_writes_nothing(ws: Path, run_cli) -> None:
    """The preview shows the first mail and the counts; no file, sheet, state row, audit line or mail is written."""
    before = snapshot(ws)
    result = cli(run_cli, ws, "announce", "--year", "2026", "--seed-source", SOURCE)
    assert result.exit_code == 0, result.output + result.stderr
    assert "Voorbeeld" in result.output and "jouw lotnummer is L00" in result.output
    assert snapshot(ws) == before


def test_announce_freezes_inputs_without_names_and_mails_each_participant(ws: Path, run_cli) -> None:
    """The announcement lists the pool and lot numbers only; each participant with an address gets their own lot."""
    announce(run_cli, ws)
    text = published(ws).read_text(encoding="utf-8")
    for row in STAFF_ROWS:
        assert row["Naam"] not in text and row["Personeelsnummer"] not in text
        assert not row["E-mail"] or row["E-mail"] not in text
    lots = re.findall(r"^L\d{3}$", text, flags=re.MULTILINE)
    assert len(lots) == len(EXPECTED), "one lot per participant, the RvC member included"
    assert all(f"Kerstpakket {nr}" in text for nr in POOL)
    digest = hashlib.sha256(text.encode()).hexdigest()
    mails = [email.message_from_bytes(m.read_bytes()) for m in outbox(ws)]
    expected_to = {STAFF_ROWS[nr - 1]["E-mail"] for nr in EXPECTED if STAFF_ROWS[nr - 1]["E-mail"]}
    assert {m["To"] for m in mails} == expected_to
    bodies = [next(part for part in m.walk() if part.get_content_type() == "text/plain").get_payload(decode=True)
              .decode() for m in mails]  # fmt: skip
    assert all(digest in body for body in bodies)
    told = [re.search(r"lotnummer (L\d{3})", body).group(1) for body in bodies]  # type: ignore[union-attr]
    assert len(set(told)) == len(told) and set(told) <= set(lots)


def test_announcing_without_christmas_gifts_is_refused(ws: Path, run_cli) -> None:
    """A year with no Christmas gift handed in is refused with the window named, and nothing is written."""
    before = snapshot(ws)
    result = cli(run_cli, ws, "announce", "--year", "2024", "--seed-source", SOURCE, "--send")
    assert result.exit_code == 4
    assert "geen centraal ingeleverde kerstgeschenken ontvangen van 01-11-2024" in result.stderr
    assert snapshot(ws) == before


def test_announcing_again_sends_nothing_new_and_keeps_the_lots(ws: Path, run_cli) -> None:
    """A second announce --send keeps the announcement byte for byte and sends no mail twice."""
    announce(run_cli, ws)
    before, mails = published(ws).read_bytes(), len(outbox(ws))
    again = cli(run_cli, ws, "announce", "--year", "2026", "--send")
    assert again.exit_code == 0, again.output + again.stderr
    assert published(ws).read_bytes() == before
    assert len(outbox(ws)) == mails
    assert "al eerder verstuurd" in again.output


def test_draw_without_announcement_is_refused(ws: Path, run_cli) -> None:
    """No announcement, no draw: exit 4 with the command to announce first, and nothing written."""
    before = snapshot(ws)
    result = cli(run_cli, ws, "draw", "--year", "2026", "--seed", "kerst-2026")
    assert result.exit_code == 4
    assert "nog niet aangekondigd" in result.stderr and "raffle announce" in result.stderr
    assert snapshot(ws) == before


def test_draw_records_the_result_for_hr_and_publishes_it(ws: Path, run_cli) -> None:
    """The sheet holds seed, source and digests, one row per pool gift with lot and winner; one gift each."""
    announce(run_cli, ws)
    result = cli(run_cli, ws, "draw", "--year", "2026", "--seed", "8 4 1 7 3 5")
    assert result.exit_code == 0, result.output + result.stderr
    notes, rows = result_sheet(ws)
    assert notes["Seed (bij de trekking)"] == "8 4 1 7 3 5"
    assert notes["Seed-bron (vooraf aangekondigd)"] == SOURCE
    assert notes["Aankondiging-digest (SHA-256)"] == hashlib.sha256(published(ws).read_bytes()).hexdigest()
    assert {r["Nr geschenk"] for r in rows} == POOL
    winners = [r["Personeelsnummer"] for r in rows]
    assert len(set(winners)) == len(winners), "four gifts, five participants: nobody gets two"
    assert set(winners) <= {f"P{nr:03d}" for nr in EXPECTED}
    lines = published(ws, "uitslag").read_text().splitlines()
    assert {tuple(line.split("\t")) for line in lines if "\t" in line} == {
        (r["Nr geschenk"], r["Lotnummer"]) for r in rows
    }


def _independent_draw(announcement: str, seed: str) -> dict[str, str]:
    """Redo the draw from the announcement text with the published algorithm, not the toolkit's file reader."""
    section, gifts, lots = None, [], []
    for line in announcement.splitlines():
        if line.startswith("["):
            section = line
        elif line and section and section.startswith("[geschenken"):
            gifts.append(PoolGift(*line.split("\t")))
        elif line and section:
            lots.append(Participant(line, "", None))
    return {g.key: p.key for g, p in draw(gifts, lots, seed).assignments}


def test_anyone_verifies_from_the_two_published_files_alone(ws: Path, tmp_path: Path, run_cli) -> None:
    """In a separate process, in an empty folder, with no config: the two files verify; a reworded gift is caught."""
    announce(run_cli, ws)
    cli(run_cli, ws, "draw", "--year", "2026", "--seed", "8 4 1 7 3 5")
    outsider = tmp_path / "outsider"
    outsider.mkdir()
    for kind in ("aankondiging", "uitslag"):
        shutil.copyfile(published(ws, kind), outsider / f"{kind}.txt")
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTEGRITY")} | {"PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "toolkit", "raffle", "verify", "--announcement", "aankondiging.txt",
               "--result", "uitslag.txt"]  # fmt: skip
    ok = subprocess.run(command, cwd=outsider, env=env, capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "klopt" in ok.stdout
    published_pairs = dict(
        tuple(line.split("\t")) for line in (outsider / "uitslag.txt").read_text().splitlines() if "\t" in line
    )
    assert _independent_draw((outsider / "aankondiging.txt").read_text(), "8 4 1 7 3 5") == published_pairs
    reworded = (outsider / "aankondiging.txt").read_text().replace("Kerstpakket 2", "Kerstpakket 2 (groot)")
    (outsider / "aankondiging.txt").write_text(reworded)
    caught = subprocess.run(command, cwd=outsider, env=env, capture_output=True, text=True, check=False)
    assert caught.returncode != 0
    assert "gewijzigd" in caught.stdout + caught.stderr


def test_rewording_a_gift_after_the_announcement_cannot_steer_and_is_reported(
    ws: Path, tmp_path: Path, run_cli
) -> None:
    """Two copies after one announcement, one with a reworded gift: the same winners; the rewording is reported."""
    announce(run_cli, ws)
    twin = tmp_path / "twin"
    shutil.copytree(ws, twin)
    path = twin / "registers" / GIFTS.filename
    path.unlink()
    reworded = xmas(2, "15-12-2026", Omschrijving="Kerstpakket 2 met champagne")
    create_register(path, GIFTS, [GIFT_ROWS[0], reworded, *GIFT_ROWS[2:]])
    draws = [cli(run_cli, root, "draw", "--year", "2026", "--seed", "kerst-2026") for root in (ws, twin)]
    assert all(d.exit_code == 0 for d in draws), [d.output + d.stderr for d in draws]
    pairs = [published(root, "uitslag").read_text().split("[uitslag")[1] for root in (ws, twin)]
    assert pairs[0] == pairs[1]
    assert "geschenk 2 is na de aankondiging gewijzigd" in draws[1].output
    verify = cli(run_cli, twin, "verify", "--year", "2026")
    assert verify.exit_code == 1 and "na de aankondiging gewijzigd" in verify.output
    assert cli(run_cli, ws, "verify", "--year", "2026").exit_code == 0


def test_hr_edits_after_the_draw_do_not_break_verify(ws: Path, run_cli) -> None:
    """Someone leaves, a name and an address change in medewerkers.xlsx: verify still says the result is right."""
    announce(run_cli, ws)
    cli(run_cli, ws, "draw", "--year", "2026", "--seed", "kerst-2026")
    path = ws / "registers" / STAFF.filename
    path.unlink()
    edited = [person(1, "Anna de Vries-Kok", **{"E-mail": "anna.kok@woonpartners.example"}), *STAFF_ROWS[2:]]
    create_register(path, STAFF, edited)
    result = cli(run_cli, ws, "verify", "--year", "2026")
    assert result.exit_code == 0, result.output


def test_verify_catches_a_winner_edited_by_hand(ws: Path, run_cli) -> None:
    """Giving a gift to someone else on the sheet is caught (exit 1) and the message names the gift."""
    announce(run_cli, ws)
    cli(run_cli, ws, "draw", "--year", "2026", "--seed", "kerst-2026")
    _, rows = result_sheet(ws)
    target = rows[0]
    other = next(r for r in rows if r["Personeelsnummer"] != target["Personeelsnummer"])
    edit_result(ws, target["Nr geschenk"], Winnaar=other["Winnaar"], Personeelsnummer=other["Personeelsnummer"])
    result = cli(run_cli, ws, "verify", "--year", "2026")
    assert result.exit_code == 1
    assert f"de winnaar van geschenk {target['Nr geschenk']}" in result.output


def test_verify_catches_a_published_lot_changed_by_hand(ws: Path, run_cli) -> None:
    """Changing a winning lot in the published result is caught from the files alone."""
    announce(run_cli, ws)
    cli(run_cli, ws, "draw", "--year", "2026", "--seed", "kerst-2026")
    path = published(ws, "uitslag")
    lines = path.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if "\t" in line)
    gift, lot = lines[index].split("\t")
    other = next(line.split("\t")[1] for line in lines if "\t" in line and line.split("\t")[1] != lot)
    lines[index] = f"{gift}\t{other}"
    path.write_text("\n".join(lines) + "\n")
    result = cli(run_cli, ws, "verify", "--announcement", str(published(ws)), "--result", str(path))
    assert result.exit_code == 1
    assert f"geschenk {gift} hoort bij lot {lot}" in result.output


def test_redraw_is_refused_then_allowed_with_a_reason(ws: Path, run_cli) -> None:
    """A drawn year is refused (exit 7, nothing changed); --redraw --reason keeps the old sheet and file, logs why."""
    announce(run_cli, ws)
    cli(run_cli, ws, "draw", "--year", "2026", "--seed", "kerst-2026")
    before = snapshot(ws)
    refused = cli(run_cli, ws, "draw", "--year", "2026", "--seed", "kerst-2026-b")
    assert refused.exit_code == 7
    assert "al getrokken" in refused.stderr
    assert snapshot(ws) == before
    no_reason = cli(run_cli, ws, "draw", "--year", "2026", "--seed", "kerst-2026-b", "--redraw")
    assert no_reason.exit_code == 7
    old_rows = result_sheet(ws)[1]
    redraw = cli(run_cli, ws, "draw", "--year", "2026", "--seed", "kerst-2026-b", "--redraw",
                 "--reason", "de verkeerde trekking als bron gebruikt")  # fmt: skip
    assert redraw.exit_code == 0, redraw.output + redraw.stderr
    book = openpyxl.load_workbook(ws / "registers" / RAFFLE.filename)
    assert {"2026", "2026 (vervallen 1)", "2026 loten"} <= set(book.sheetnames)
    assert result_sheet(ws, "2026 (vervallen 1)")[1] == old_rows
    assert (ws / "registers" / "kerstloting-2026-uitslag (vervallen 1).txt").exists()
    events = [json.loads(line) for line in (ws / ".integrity" / "audit.jsonl").read_text().splitlines()]
    redraws = [e for e in events if e["action"] == "raffle.redraw"]
    assert redraws and redraws[-1]["details"]["reason"] == "de verkeerde trekking als bron gebruikt"
    assert cli(run_cli, ws, "verify", "--year", "2026").exit_code == 0


def test_winners_are_mailed_once(ws: Path, run_cli) -> None:
    """--notify previews only; notify --send mails each winner with an address once; a resend sends nothing."""
    announce(run_cli, ws)
    announcements = len(outbox(ws))
    preview = cli(run_cli, ws, "draw", "--year", "2026", "--seed", "kerst-2026", "--notify")
    assert preview.exit_code == 0
    assert len(outbox(ws)) == announcements
    assert "integrity raffle notify --year 2026 --send" in preview.output
    _, rows = result_sheet(ws)
    with_email = {r["E-mail"] for r in rows if r["E-mail"]}
    sent = cli(run_cli, ws, "notify", "--year", "2026", "--send")
    assert sent.exit_code == 0, sent.output
    winner_mails = [m for m in outbox(ws) if "gewonnen" in m.read_text()]
    assert {email.message_from_bytes(m.read_bytes())["To"] for m in winner_mails} == with_email
    assert len(winner_mails) == len(with_email)
    again = cli(run_cli, ws, "notify", "--year", "2026", "--send")
    assert again.exit_code == 0
    assert len(outbox(ws)) == announcements + len(with_email)
    assert "al eerder verstuurd" in again.output


def test_winners_of_a_tampered_result_are_not_mailed(ws: Path, run_cli) -> None:
    """notify refuses (exit 7) when the recorded result no longer verifies, and sends nothing."""
    announce(run_cli, ws)
    cli(run_cli, ws, "draw", "--year", "2026", "--seed", "kerst-2026")
    mails = len(outbox(ws))
    _, rows = result_sheet(ws)
    edit_result(ws, rows[0]["Nr geschenk"], Winnaar="Iemand Anders")
    result = cli(run_cli, ws, "notify", "--year", "2026", "--send")
    assert result.exit_code == 7
    assert len(outbox(ws)) == mails


def test_verify_of_a_year_not_drawn(ws: Path, run_cli) -> None:
    """verify of a year without announcement or result says so (input error), it does not claim a difference."""
    result = cli(run_cli, ws, "verify", "--year", "2025")
    assert result.exit_code == 4
    assert "niet aangekondigd" in result.stderr
