"""`integrity gifts check` on real workbooks: messy input, judgements written once, findings notified once."""

from __future__ import annotations

import email
import email.policy
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from toolkit.registers.create import create_register
from toolkit.registers.schema import GIFTS, STAFF, SUPPLIERS

AS_OF = "2026-11-26"
OFFICER = "integriteit@woonpartners.example"  # [organisation] integrity_officer in the default config.toml
MANAGER = "marleen.baas@woonpartners.example"


def gift_row(nr: int, **changes: Any) -> dict[str, Any]:
    """A harmless row: a € 15 box of chocolates made available to the organisation, typed as staff type it."""
    row = {
        "Nr": nr, "Datum ontvangen": "1-12-2025", "Medewerker": "Anna de Vries", "Gever": "Bloemist Roos",
        "Soort": "geschenk", "Omschrijving": "doos bonbons", "Waarde (€)": "15", "Bezorgd op privéadres": "nee",
        "Relatie in onderhandeling of toezicht": "nee", "Besluit": "ter beschikking organisatie",
        "Overlegd met leidinggevende": "nee",
    }  # fmt: skip
    row.update(changes)
    return row


ROWS = [
    gift_row(1, **{"Waarde (€)": "€ 24,99", "Datum ontvangen": "01/12/2025"}),
    gift_row(2, **{"Waarde (€)": "25,-", "Besluit": "aangenomen", "Soort": "Geschenk "}),
    gift_row(3, **{"Waarde (€)": "€ 25,00", "Besluit": "aangenomen", "Datum ontvangen": "3 dec 2025"}),
    gift_row(4, **{"Waarde (€)": "ongeveer dertig"}),
    gift_row(5, **{"Datum ontvangen": None, "Medewerker": "Bram Jansen"}),
    gift_row(6, **{"Gever": "bouwbedrijf jansen bv", "Medewerker": "Onbekende Collega"}),
    gift_row(
        7,
        **{
            "Soort": "kerstgeschenk",
            "Besluit": "centraal ingeleverd",
            "Waarde (€)": "60",
            "Gever": "Bouwbedrijf Jansen B.V.",
        },
    ),  # fmt: skip
]


def write_staff(root: Path) -> None:
    people = [
        {"Personeelsnummer": "P1", "Naam": "Anna de Vries", "E-mail": "anna.de.vries@woonpartners.example",
         "Rol": "medewerker", "Leidinggevende": MANAGER},
        {"Personeelsnummer": "P2", "Naam": "Bram  Jansen", "E-mail": "bram.jansen@woonpartners.example",
         "Rol": "medewerker", "Leidinggevende": MANAGER},
        {"Personeelsnummer": "P3", "Naam": "Marleen Baas", "E-mail": MANAGER, "Rol": "leidinggevende"},
    ]  # fmt: skip
    create_register(root / "registers" / STAFF.filename, STAFF, [dict(p, Nr=i) for i, p in enumerate(people, 1)])


def write_suppliers(root: Path) -> None:
    suppliers = [
        {"Nr": 1, "Leveranciersnummer": "L1", "Naam": "Bouwbedrijf Jansen B.V.", "Actief": "ja"},
        {"Nr": 2, "Leveranciersnummer": "L2", "Naam": "Bloemist Roos", "Actief": "nee"},
    ]
    create_register(root / "registers" / SUPPLIERS.filename, SUPPLIERS, suppliers)


@pytest.fixture
def ws(tmp_path: Path, run_cli) -> Path:
    """A fresh workspace with the messy gifts register, a staff register with one manager, two suppliers."""
    root = tmp_path / "ws"
    assert run_cli("--as-of", AS_OF, "init", str(root)).exit_code == 0
    (root / "registers" / GIFTS.filename).unlink()
    create_register(root / "registers" / GIFTS.filename, GIFTS, ROWS)
    write_staff(root)
    write_suppliers(root)
    return root


def gifts_check(run_cli, root: Path, *args: str):
    return run_cli("--config", str(root / "config.toml"), "--as-of", AS_OF, "gifts", "check", *args)


def verdicts(root: Path) -> dict[int, tuple[str | None, Any]]:
    sheet = openpyxl.load_workbook(root / "registers" / GIFTS.filename)[GIFTS.sheet]
    headers = [c.value for c in sheet[1]]
    nr, verdict, on = (headers.index(h) for h in ("Nr", "Beoordeling", "Beoordeeld op"))
    return {row[nr]: (row[verdict], row[on]) for row in sheet.iter_rows(min_row=2, values_only=True) if row[nr]}


def set_cell(root: Path, nr: int, header: str, value: Any) -> None:
    """Edit one cell as a person would in Excel (openpyxl keeps the rest)."""
    path = root / "registers" / GIFTS.filename
    book = openpyxl.load_workbook(path)
    sheet = book[GIFTS.sheet]
    headers = [c.value for c in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, 1).value == nr:
            sheet.cell(row, headers.index(header) + 1).value = value
    book.save(path)


def outbox(root: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted((root / "mail" / "outbox").glob("*.eml"))
    ]


def body(message: email.message.EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def test_messy_input_is_judged_by_the_code(ws: Path, run_cli) -> None:
    """Typed dates and amounts are read: € 24,99 passes G2, 25,- and € 25,00 fail; a supplier name matches loosely."""
    result = gifts_check(run_cli, ws, "--write")
    assert result.exit_code == 0, result.output + result.stderr
    found = verdicts(ws)
    assert found[1][0] == "OK"
    assert found[2][0].startswith("G2: waarde € 25,00 is niet minder dan € 25,00")
    assert found[3][0].startswith("G2: waarde € 25,00 is niet minder dan € 25,00")
    assert found[6][0].startswith("G5 (ter beoordeling): de gever bouwbedrijf jansen bv is een actieve leverancier")
    assert found[7][0].startswith("G2 (ter beoordeling): duur kerstgeschenk (waarde € 60,00) is centraal ingeleverd")
    assert "G5 (ter beoordeling)" in found[7][0], "handed in, but from an active supplier: for review"
    assert all(isinstance(on, datetime) and on.date() == date(2026, 11, 26) for _, on in found.values())
    assert "Per regel: G1 0, G2 3, G3 0, G4 0, G5 2, G6 0, G7 0" in result.output
    assert "2 tegen de code, 2 ter beoordeling, 2 niet te beoordelen" in result.output


def test_unreadable_and_missing_cells_are_named(ws: Path, run_cli) -> None:
    """A row with an unreadable value or an empty required cell gets a Beoordeling naming that cell, no crash."""
    result = gifts_check(run_cli, ws, "--write")
    assert result.exit_code == 0
    found = verdicts(ws)
    assert found[4][0] == 'Niet te beoordelen: Waarde (€) onleesbaar ("ongeveer dertig")'
    assert found[5][0] == "Niet te beoordelen: Datum ontvangen leeg"
    assert "2 niet te beoordelen" in result.output
    assert "Nr 4 (rij 5)" in result.output


def test_rerun_with_nothing_changed_writes_nothing(ws: Path, run_cli) -> None:
    """The second run finds every judgement unchanged and leaves the workbook untouched (same bytes, same mtime)."""
    gifts_check(run_cli, ws, "--write")
    path = ws / "registers" / GIFTS.filename
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    result = gifts_check(run_cli, ws, "--write")
    assert result.exit_code == 0
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert "is niet geschreven" in result.output


def test_only_changed_judgement_gets_new_date(ws: Path, run_cli) -> None:
    """After an edit, only the edited row's Beoordeling and Beoordeeld op are written again."""
    gifts_check(run_cli, ws, "--write")
    set_cell(ws, 4, "Waarde (€)", "30")
    set_cell(ws, 1, "Beoordeeld op", date(2020, 1, 1))  # a marker: an unchanged judgement must keep its date
    result = run_cli("--config", str(ws / "config.toml"), "--as-of", "2026-12-01", "gifts", "check", "--write")
    assert result.exit_code == 0
    found = verdicts(ws)
    assert found[4][0].startswith("G2: waarde € 30,00")
    assert found[4][1].date() == date(2026, 12, 1)
    assert found[1][1].date() == date(2020, 1, 1)


def test_notified_once_and_again_after_the_row_changes(ws: Path, run_cli) -> None:
    """--notify mails each new finding to the manager once with one digest; an edited row is notified again."""
    result = gifts_check(run_cli, ws, "--notify", "--send")
    assert result.exit_code == 0, result.output
    first = outbox(ws)
    to_manager = [m for m in first if m["To"] == MANAGER]
    digests = [m for m in first if m["To"] == OFFICER]
    assert len(to_manager) == 1, "one mail per manager per run: Nr 2 and 3 (Anna) in one digest"
    assert "Nr 2" in to_manager[0]["Subject"] and "(en 1 meer)" in to_manager[0]["Subject"]
    assert "geschenken.xlsx, Nr 2)" in body(to_manager[0]) and "geschenken.xlsx, Nr 3)" in body(to_manager[0])
    assert len(digests) == 1
    text = body(digests[0])
    for nr in (2, 3, 6):
        assert f"- Nr {nr}:" in text
    assert "leidinggevende onbekend" in text
    assert "Nr 4 (rij 5)" in text and "Nr 5 (rij 6)" in text

    again = gifts_check(run_cli, ws, "--notify", "--send")
    assert again.exit_code == 0
    assert len(outbox(ws)) == len(first)

    set_cell(ws, 3, "Waarde (€)", "€ 40")
    gifts_check(run_cli, ws, "--notify", "--send")
    new = [m for m in outbox(ws) if m["Message-ID"] not in {old["Message-ID"] for old in first}]
    assert sorted(m["To"] for m in new) == sorted([MANAGER, OFFICER])
    new_digest = body(next(m for m in new if m["To"] == OFFICER))
    assert "- Nr 3:" in new_digest and "€ 40,00" in new_digest
    assert "- Nr 2:" not in new_digest and "- Nr 6:" not in new_digest and "Nr 4 (rij 5)" not in new_digest


def test_notify_without_send_previews_only(ws: Path, run_cli) -> None:
    """--notify without --send shows the first message in full and what would be written, but changes no file."""
    path = ws / "registers" / GIFTS.filename
    before = path.read_bytes()
    result = gifts_check(run_cli, ws, "--notify")
    assert result.exit_code == 0
    assert path.read_bytes() == before
    assert outbox(ws) == []
    assert "Voorbeeld: 2 berichten" in result.output and "Onderwerp:" in result.output
    assert "zou veranderen" in result.output
    assert "integrity gifts check --notify --send" in result.output


def test_unreadable_supplier_register_is_said_and_skipped(ws: Path, run_cli) -> None:
    """Without a readable leveranciers.xlsx the check says so, judges without G5 for suppliers, and exits 0."""
    (ws / "registers" / SUPPLIERS.filename).write_bytes(b"not a workbook")
    result = gifts_check(run_cli, ws, "--write")
    assert result.exit_code == 0
    assert "leveranciers.xlsx is niet te lezen" in result.output
    assert verdicts(ws)[6][0] == "OK"


def test_rows_without_nr_are_numbered_and_judged(ws: Path, run_cli) -> None:
    """A row typed without Nr gets the next number and its judgement in the same run."""
    set_cell(ws, 3, "Nr", None)
    result = gifts_check(run_cli, ws, "--notify", "--send")
    assert result.exit_code == 0
    found = verdicts(ws)
    assert 3 not in found
    assert found[8][0].startswith("G2: waarde € 25,00")
    assert any("Nr 8)" in body(m) for m in outbox(ws) if m["To"] == MANAGER), "the new number is in the notification"


def calls_per_file(monkeypatch, owner: Any, name: str) -> Counter[str]:
    """Count the calls of `owner.name` (the real function still runs) by the file name of their first argument."""
    calls: Counter[str] = Counter()
    real = getattr(owner, name)

    def counting(path: Any, *args: Any, **kwargs: Any) -> Any:
        calls[Path(path).name] += 1
        return real(path, *args, **kwargs)

    monkeypatch.setattr(owner, name, counting)
    return calls


def test_a_run_that_numbers_rows_reads_each_register_once(ws: Path, run_cli, monkeypatch) -> None:
    """Numbering a typed row and notifying it does not read geschenken, leveranciers or medewerkers a second time."""
    from toolkit.registers import reader

    reads = calls_per_file(monkeypatch, reader, "read_register")
    set_cell(ws, 3, "Nr", None)
    assert gifts_check(run_cli, ws, "--notify", "--send").exit_code == 0
    assert verdicts(ws)[8][0].startswith("G2: waarde € 25,00"), "the typed row was numbered and judged"
    assert reads == {GIFTS.filename: 1, "leveranciers.xlsx": 1, STAFF.filename: 1}


def test_a_write_parses_the_register_once(ws: Path, run_cli, monkeypatch) -> None:
    """`gifts check --write`: the write takes over the judging's own parse of geschenken.xlsx (the same bytes)
    instead of parsing the file a second time (170,000 rows: about 1.5 s)."""
    from python_calamine import CalamineWorkbook

    parses = calls_per_file(monkeypatch, CalamineWorkbook, "from_path")
    assert gifts_check(run_cli, ws, "--write").exit_code == 0
    assert verdicts(ws)[3][0].startswith("G2: waarde € 25,00"), "the verdicts were written"
    assert parses[GIFTS.filename] == 1, parses


def test_an_officer_digest_too_large_to_send_goes_in_parts(ws: Path, run_cli, monkeypatch) -> None:
    """With room for about two findings per mail, the officer gets the new findings in several digests ('deel 1 van
    N') that together name every flagged row once; a second run sends none of them again."""
    from toolkit.mail import digest

    monkeypatch.setattr(digest, "DIGEST_MAX_CHARS", 2_500)
    assert gifts_check(run_cli, ws, "--notify", "--send").exit_code == 0
    digests = [m for m in outbox(ws) if m["To"] == OFFICER]
    assert len(digests) >= 3
    labels = sorted(m["Subject"].rsplit("(", 1)[1] for m in digests)
    assert labels == sorted(f"deel {n} van {len(digests)})" for n in range(1, len(digests) + 1))
    listed = [int(nr) for m in digests for nr in re.findall(r"^- Nr (\d+)", body(m), flags=re.M)]
    flagged = [nr for nr, (verdict, _) in verdicts(ws).items() if verdict != "OK"]
    assert sorted(listed) == sorted(flagged), "every flagged row in exactly one part"
    assert gifts_check(run_cli, ws, "--notify", "--send").exit_code == 0
    assert len([m for m in outbox(ws) if m["To"] == OFFICER]) == len(digests)


def test_json_output_counts(ws: Path, run_cli) -> None:
    """--json gives the counts per rule and the rows against the code for scripts."""
    import json

    data = json.loads(gifts_check(run_cli, ws, "--json").output)
    assert data["per_rule"]["G2"] == 3
    assert sorted(f["nr"] for f in data["against_code"]) == [2, 3]
    assert sorted(f["nr"] for f in data["for_review"]) == [6, 7]
    assert sorted(f["nr"] for f in data["unjudgeable"]) == [4, 5]


def test_managers_hear_only_of_findings_against_the_code(ws: Path, run_cli) -> None:
    """Anna's manager gets her two G2 rows, not her Christmas gift for review; the officer's digest has all four."""
    result = gifts_check(run_cli, ws, "--notify", "--send")
    assert result.exit_code == 0, result.output + result.stderr
    mails = outbox(ws)
    to_manager = [m for m in mails if m["To"] == MANAGER]
    assert len(to_manager) == 1, "one mail per manager per run"
    body = to_manager[0].get_body(("plain",)).get_content()
    assert "geschenken.xlsx, Nr 2)" in body and "geschenken.xlsx, Nr 3)" in body and "Nr 7)" not in body
    digest = next(m for m in mails if m["To"] == OFFICER).get_body(("plain",)).get_content()
    assert "Nr 7:" in digest and "ter beoordeling door u" in digest


def test_nightly_judges_notifies_and_then_is_quiet(ws: Path, run_cli) -> None:
    """The nightly step judges with notify; a second night with nothing changed writes and sends nothing."""
    config = str(ws / "config.toml")
    first = run_cli("--config", config, "--as-of", AS_OF, "nightly")
    assert "geschenken beoordelen" in first.output
    sent = len(outbox(ws))
    assert sent == 2  # one mail to the manager (two findings), one digest to the officer
    path = ws / "registers" / GIFTS.filename
    before = path.stat().st_mtime_ns
    run_cli("--config", config, "--as-of", AS_OF, "nightly")
    assert len(outbox(ws)) == sent
    assert path.stat().st_mtime_ns == before


def test_nightly_skips_an_unchanged_gifts_register_on_later_days(tmp_path: Path, run_cli) -> None:
    """The gifts rules don't depend on the date: an unchanged register is not read again the next night."""
    root = tmp_path / "ws"
    run_cli("--as-of", "2026-11-26", "init", str(root), "--demo")
    env = {"INTEGRITY_REPORTS_PASSWORD": "a", "INTEGRITY_IDENTITY_PASSWORD": "b"}
    config = str(root / "config.toml")
    first = run_cli("--config", config, "--as-of", "2026-11-26", "nightly", env=env)
    assert "geschenken beoordelen: 29 rijen beoordeeld" in first.output
    later = run_cli("--config", config, "--as-of", "2026-11-29", "nightly", env=env)
    assert "geschenken beoordelen: niets veranderd" in later.output


@pytest.mark.parametrize(
    ("who", "vice_chair", "told"),
    [
        ("director", None, "voorzitter.rvc@woonpartners.example"),
        ("member", None, "voorzitter.rvc@woonpartners.example"),
        ("chair", "vice@woonpartners.example", "vice@woonpartners.example"),
    ],
)
def test_findings_about_the_top_go_to_their_supervisor(ws: Path, run_cli, who: str, vice_chair, told: str) -> None:
    """The director's and an RvC member's findings go to the RvC chair; the chair's to the vice-chair."""
    top = {
        "director": ("Karel Stam", "directeur-bestuurder", "directeur@woonpartners.example"),
        "member": ("Ria Bos", "RvC-lid", "ria.bos@woonpartners.example"),
        "chair": ("Els Visser", "RvC-lid", "voorzitter.rvc@woonpartners.example"),
    }[who]
    staff = ws / "registers" / STAFF.filename
    staff.unlink()
    people = [{"Nr": 1, "Personeelsnummer": "P9", "Naam": top[0], "Rol": top[1], "E-mail": top[2],
               "Leidinggevende": "iemand@woonpartners.example"}]  # fmt: skip
    create_register(staff, STAFF, people)
    if vice_chair:
        config = ws / "config.toml"
        config.write_text(config.read_text().replace("# rvc_vice_chair = ", f'rvc_vice_chair = "{vice_chair}" # '))
    gifts = ws / "registers" / GIFTS.filename
    gifts.unlink()
    create_register(gifts, GIFTS, [gift_row(1, Medewerker=top[0], **{"Waarde (€)": "80", "Besluit": "aangenomen"})])
    result = gifts_check(run_cli, ws, "--notify", "--send")
    assert result.exit_code == 0, result.output + result.stderr
    finding_mails = [m for m in outbox(ws) if m["To"] != OFFICER]
    assert [m["To"] for m in finding_mails] == [told]


def _shown(output: str) -> list[str]:
    """The lines of a check's report that say what was found (not the note on where it came from)."""
    return [line for line in output.splitlines() if "niet opnieuw gelezen" not in line]


def test_an_unchanged_register_shows_the_last_complete_check_again(ws: Path, run_cli, monkeypatch) -> None:
    """After --write, a check on the same bytes reads no register and shows exactly what judging again would show;
    it writes nothing (registers and state keep their bytes)."""
    from toolkit.gifts import remembered as remembered_checks
    from toolkit.registers import reader

    assert gifts_check(run_cli, ws, "--write").exit_code == 0
    monkeypatch.setattr(remembered_checks, "recall", lambda ws: None)  # the reference: judged again, row by row
    fresh = run_cli("--config", str(ws / "config.toml"), "--as-of", "2026-12-03", "gifts", "check", "--json")
    assert "niet opnieuw gelezen" not in fresh.output
    monkeypatch.undo()
    kept = [p for p in [*(ws / ".integrity").rglob("*"), *(ws / "registers").glob("*.xlsx")] if p.is_file()]
    before = {p: p.read_bytes() for p in kept}
    assert ws / ".integrity" / "state.sqlite" in before

    def no_reading(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a register was read")

    monkeypatch.setattr(reader, "read_register", no_reading)
    again = run_cli("--config", str(ws / "config.toml"), "--as-of", "2026-12-03", "gifts", "check")
    shown_json = run_cli("--config", str(ws / "config.toml"), "--as-of", "2026-12-03", "gifts", "check", "--json")
    assert again.exit_code == 0, again.output
    assert "niet veranderd sinds de beoordeling van 26-11-2026: niet opnieuw gelezen" in again.output
    assert {p: p.read_bytes() for p in before} == before
    monkeypatch.undo()
    judged = run_cli("--config", str(ws / "config.toml"), "--as-of", "2026-12-03", "gifts", "check", "--notify")
    assert "niet opnieuw gelezen" not in judged.output, "--notify needs the rows: it judges again"
    import json

    remembered, original = json.loads(shown_json.output), json.loads(fresh.output)
    remembered["notes"] = [n for n in remembered["notes"] if "niet opnieuw gelezen" not in n]
    assert remembered == original


def test_a_changed_register_or_config_is_judged_again(ws: Path, run_cli) -> None:
    """One edited cell, or another limit in config.toml, and the check reads and judges again."""
    assert gifts_check(run_cli, ws, "--write").exit_code == 0
    set_cell(ws, 1, "Waarde (€)", "70")
    edited = gifts_check(run_cli, ws)
    assert "niet opnieuw gelezen" not in edited.output
    assert "Nr 1" in edited.output and "€ 70,00" in edited.output
    assert gifts_check(run_cli, ws, "--write").exit_code == 0
    assert "niet opnieuw gelezen" in gifts_check(run_cli, ws).output
    config = ws / "config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("limit = 25.0", "limit = 100.0"), encoding="utf-8")
    other_limit = gifts_check(run_cli, ws)
    assert "niet opnieuw gelezen" not in other_limit.output
    assert "€ 100,00" in other_limit.output


def test_what_is_new_is_asked_of_the_ledger_each_time(ws: Path, run_cli) -> None:
    """A remembered check counts as new only what has not been notified since: after --notify --send, none."""
    assert gifts_check(run_cli, ws, "--write").exit_code == 0
    before = gifts_check(run_cli, ws)
    assert "niet opnieuw gelezen" in before.output and "nieuwe bevinding" in before.output
    assert gifts_check(run_cli, ws, "--notify", "--send").exit_code == 0
    after = gifts_check(run_cli, ws)
    assert "niet opnieuw gelezen" in after.output
    assert "nieuwe bevinding" not in after.output.replace("Geen nieuwe bevindingen", "")


def test_each_gift_field_comes_from_its_own_column(tmp_path: Path) -> None:
    """The rules see every field from the column FIELDS names for it: with a distinct value in each column, a
    swapped pair (two ja/nee columns, two texts) would show."""
    import dataclasses

    from toolkit.gifts.rules import Gift
    from toolkit.gifts.service import FIELDS, gift_of
    from toolkit.registers.reader import read_register

    path = tmp_path / "g.xlsx"
    typed = {
        "Nr": 1, "Datum ontvangen": "3-2-2026", "Medewerker": "Anna", "Gever": "Bakkerij Vos", "Soort": "uitnodiging",
        "Omschrijving": "Taart", "Waarde (€)": "40", "Bezorgd op privéadres": "ja",
        "Relatie in onderhandeling of toezicht": "nee", "Besluit": "geweigerd", "Overlegd met leidinggevende": None,
    }  # fmt: skip
    create_register(path, GIFTS, [typed])
    (row,) = read_register(path, GIFTS).rows
    gift = gift_of(row)
    assert tuple(FIELDS.values()) == tuple(f.name for f in dataclasses.fields(Gift))
    assert {field: getattr(gift, field) for field in FIELDS.values()} == {
        field: row.get(header) for header, field in FIELDS.items()
    }
    assert gift.private_address is True and gift.negotiating is False and gift.consulted_manager is None
