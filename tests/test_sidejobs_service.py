"""Side-functions review through real workbooks: findings, the 14-day term, supplier conflicts, reminders, nightly."""

from __future__ import annotations

import email
import json
from collections.abc import Sequence
from datetime import date
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

from tests.registers_helpers import sha256
from toolkit.registers.create import create_register
from toolkit.registers.reader import read_register
from toolkit.registers.schema import SIDEJOBS, STAFF, SUPPLIERS

HR = "hr@woonpartners.example"


def side_job(employee: str, **overrides: Any) -> dict[str, Any]:
    """An approved, filed, unpaid function without conflict (judged 'OK'), changed by overrides."""
    row = {
        "Medewerker": employee, "Rol": "medewerker", "Nevenfunctie": "penningmeester",
        "Organisatie": "Voetbalvereniging Oranje", "Betaald": "nee", "Uren per maand": 4,
        "Startdatum": "1-12-2025", "Gemeld op": "20-11-2025", "Status": "goedgekeurd", "Besluit door": "M&O",
        "Besluitdatum": "1-12-2025", "Risico belangenverstrengeling": "geen",
        "Vastgelegd in personeelsdossier op": "3-12-2025",
    }  # fmt: skip
    row.update(overrides)
    return row


def staff(name: str, address: str | None) -> dict[str, Any]:
    return {"Personeelsnummer": f"P-{name}", "Naam": name, "E-mail": address, "Rol": "medewerker"}


def make_registers(
    root: Path, jobs: list[dict[str, Any]], people: Sequence[dict[str, Any]] = (), suppliers: tuple[str, ...] = ()
) -> None:
    registers = root / "registers"
    create_register(registers / SIDEJOBS.filename, SIDEJOBS, jobs)
    create_register(registers / STAFF.filename, STAFF, list(people))
    rows = [{"Leveranciersnummer": f"L{i}", "Naam": name, "Actief": "ja"} for i, name in enumerate(suppliers, 1)]
    create_register(registers / SUPPLIERS.filename, SUPPLIERS, rows)


def rows_by_employee(root: Path) -> dict[str, Any]:
    table = read_register(root / "registers" / SIDEJOBS.filename, SIDEJOBS)
    return {row.get("Medewerker"): row for row in table.rows}


def review(run_cli, root: Path, as_of: str, *args: str) -> Any:
    return run_cli("--config", str(root / "config.toml"), "--as-of", as_of, "sidejobs", "review", *args)


def review_json(run_cli, root: Path, as_of: str, *args: str) -> dict[str, Any]:
    result = review(run_cli, root, as_of, "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def outbox(root: Path) -> list[email.message.EmailMessage]:
    files = sorted((root / "mail" / "outbox").glob("*.eml"))
    return [email.message_from_bytes(path.read_bytes(), policy=default) for path in files]


def reminders(root: Path) -> list[email.message.EmailMessage]:
    return [m for m in outbox(root) if m["To"] != HR]


def test_each_finding_lands_in_beoordeling(bare_workspace: Path, run_cli) -> None:
    """S2, S1, DOSSIER, a refused function still running, and an OK row each get their judgement in Beoordeling."""
    make_registers(
        bare_workspace,
        [
            side_job("Paid Unapproved", Betaald="ja", Status="toestemming gevraagd", Besluitdatum=None),
            side_job("Unpaid Risky", **{"Risico belangenverstrengeling": "hoog"}),
            side_job("Not Filed", **{"Vastgelegd in personeelsdossier op": None}),
            side_job("Refused Running", Status="afgewezen"),
            side_job("All Fine"),
        ],
    )
    result = review(run_cli, bare_workspace, "2026-03-01", "--write")
    assert result.exit_code == 0, result.output
    judged = {name: row.get("Beoordeling") for name, row in rows_by_employee(bare_workspace).items()}
    assert judged["Paid Unapproved"].startswith("S2: ")
    assert judged["Unpaid Risky"].startswith("S1: ")
    assert judged["Not Filed"].startswith("DOSSIER: ")
    assert judged["Refused Running"].startswith("AFGEWEZEN: ")
    assert judged["All Fine"] == "OK"
    assert "Paid Unapproved" in result.output and "Overige punten (4)" in result.output


@pytest.mark.parametrize(("as_of", "overdue"), [("2026-03-15", False), ("2026-03-16", True)])
def test_decision_term_day_14_on_time_day_15_late(bare_workspace: Path, run_cli, as_of: str, overdue: bool) -> None:
    """A request reported on 1 March is pending on day 14 (15 March) and overdue on day 15, with days waiting."""
    make_registers(
        bare_workspace, [side_job("Asks", Status="gemeld", **{"Gemeld op": "1-3-2026", "Besluitdatum": None})]
    )
    data = review_json(run_cli, bare_workspace, as_of, "--write")
    listed = data["overdue"] if overdue else data["pending"]
    other = data["pending"] if overdue else data["overdue"]
    assert other == []
    assert [(p["line"]["employee"], p["days_waiting"], p["decide_by"]) for p in listed] == [
        ("Asks", 14 + overdue, "2026-03-15")
    ]
    code = "BESLUIT-TE-LAAT" if overdue else "BESLUIT-OPEN"
    assert rows_by_employee(bare_workspace)["Asks"].get("Beoordeling").startswith(code)


def test_supplier_conflict_matches_tolerantly(bare_workspace: Path, run_cli) -> None:
    """'bouwbedrijf jansen bv' is supplier 'Bouwbedrijf Jansen B.V.': risk 'hoog' suggested with why; 'Janssen' is not."""
    make_registers(
        bare_workspace,
        [
            side_job(
                "Advises Jansen", Organisatie="bouwbedrijf jansen bv", **{"Risico belangenverstrengeling": "laag"}
            ),
            side_job("Advises Janssen", Organisatie="Bouwbedrijf Janssen"),
        ],
        suppliers=("Bouwbedrijf Jansen B.V.", "Schildersbedrijf De Kwast"),
    )
    data = review_json(run_cli, bare_workspace, "2026-03-01", "--write")
    assert [
        (c["line"]["employee"], c["supplier"], c["current_risk"], c["suggested_risk"]) for c in data["conflicts"]
    ] == [("Advises Jansen", "Bouwbedrijf Jansen B.V.", "laag", "hoog")]
    assert "leverancier" in data["conflicts"][0]["why"]
    judged = rows_by_employee(bare_workspace)
    assert judged["Advises Jansen"].get("Beoordeling").startswith("CONFLICT: ")
    assert judged["Advises Janssen"].get("Beoordeling") == "OK"


def test_unreadable_supplier_register_is_said_and_review_goes_on(bare_workspace: Path, run_cli) -> None:
    """A damaged leveranciers.xlsx becomes a note; the review still judges and writes, exit 0."""
    make_registers(bare_workspace, [side_job("Someone", Betaald="ja", Status="gemeld", Besluitdatum=None)])
    (bare_workspace / "registers" / SUPPLIERS.filename).write_bytes(b"not a workbook")
    result = review(run_cli, bare_workspace, "2026-03-01", "--write")
    assert result.exit_code == 0, result.output
    assert "Leveranciersregister niet gelezen" in result.output
    assert rows_by_employee(bare_workspace)["Someone"].get("Beoordeling").startswith("S2: ")


def test_unreadable_cell_makes_row_unjudged_and_named(bare_workspace: Path, run_cli) -> None:
    """A 'Gemeld op' of 'ergens in mei' is not guessed at: the row is listed with column and value, not judged."""
    make_registers(
        bare_workspace, [side_job("Vague", Status="gemeld", Besluitdatum=None, **{"Gemeld op": "ergens in mei"})]
    )
    data = review_json(run_cli, bare_workspace, "2026-03-01", "--write")
    assert data["pending"] == [] and data["overdue"] == []
    [unjudged] = data["unjudged"]
    assert unjudged["line"]["employee"] == "Vague"
    assert "Gemeld op" in unjudged["problems"][0] and "ergens in mei" in unjudged["problems"][0]
    assert rows_by_employee(bare_workspace)["Vague"].get("Beoordeling").startswith("NIET TE BEOORDELEN")


def test_rerun_writes_nothing(bare_workspace: Path, run_cli) -> None:
    """The second review on the same day leaves the workbook byte for byte unchanged."""
    make_registers(bare_workspace, [side_job("A", Betaald="ja", Status="gemeld", Besluitdatum=None), side_job("B")])
    path = bare_workspace / "registers" / SIDEJOBS.filename
    first = review(run_cli, bare_workspace, "2026-03-01", "--write")
    assert "Register bijgewerkt" in first.output
    before = sha256(path)
    second = review(run_cli, bare_workspace, "2026-03-01", "--write")
    assert second.exit_code == 0 and "niets gewijzigd" in second.output
    assert sha256(path) == before


def test_reconfirmation_date_written_for_approved_function(bare_workspace: Path, run_cli) -> None:
    """'Herbevestigen voor' is the first anniversary of the decision; it is due (listed) from that day on."""
    make_registers(bare_workspace, [side_job("Approved")])
    before_due = review_json(run_cli, bare_workspace, "2026-11-30", "--write")
    assert before_due["reconfirmations"] == []
    assert rows_by_employee(bare_workspace)["Approved"].get("Herbevestigen voor") == date(2026, 12, 1)
    due = review_json(run_cli, bare_workspace, "2026-12-01", "--write")
    assert [(r["line"]["employee"], r["due_on"]) for r in due["reconfirmations"]] == [("Approved", "2026-12-01")]
    assert rows_by_employee(bare_workspace)["Approved"].get("Beoordeling").startswith("HERBEVESTIGEN")


def test_reminder_once_per_period(bare_workspace: Path, run_cli) -> None:
    """One reminder per due period: not again the same day nor later that period, again a year on; Herinnerd op set."""
    make_registers(bare_workspace, [side_job("Anna Pieters")], [staff("anna  pieters", "anna@woonpartners.example")])
    first = review(run_cli, bare_workspace, "2026-12-02", "--notify", "--send")
    assert first.exit_code == 0, first.output
    [sent] = reminders(bare_workspace)
    assert sent["To"] == "anna@woonpartners.example" and sent["Reply-To"] == HR
    assert "penningmeester" in sent.get_body(("plain",)).get_content() and "Voetbalvereniging Oranje" in sent["Subject"]
    row = rows_by_employee(bare_workspace)["Anna Pieters"]
    assert row.get("Herinnerd op") == date(2026, 12, 2)
    assert row.get("Herbevestigen voor") == date(2027, 12, 1)
    assert row.get("Beoordeling") == "OK"
    for as_of in ("2026-12-02", "2027-03-01"):
        again = review(run_cli, bare_workspace, as_of, "--notify", "--send")
        assert again.exit_code == 0, again.output
        assert len(reminders(bare_workspace)) == 1
    next_year = review(run_cli, bare_workspace, "2027-12-01", "--notify", "--send")
    assert next_year.exit_code == 0, next_year.output
    assert len(reminders(bare_workspace)) == 2
    assert rows_by_employee(bare_workspace)["Anna Pieters"].get("Herinnerd op") == date(2027, 12, 1)


def test_digest_to_hr_lists_unknown_address(bare_workspace: Path, run_cli) -> None:
    """Without an address in medewerkers.xlsx no reminder goes out; HR's digest says 'adres onbekend'."""
    make_registers(
        bare_workspace,
        [side_job("Nobody Known"), side_job("Late", Status="gemeld", Besluitdatum=None, **{"Gemeld op": "1-11-2026"})],
        [staff("Someone Else", "else@woonpartners.example")],
    )
    result = review(run_cli, bare_workspace, "2026-12-02", "--notify", "--send")
    assert result.exit_code == 0, result.output
    [digest] = outbox(bare_workspace)
    assert digest["To"] == HR
    body = digest.get_body(("plain",)).get_content()
    assert "Nobody Known" in body and "adres onbekend" in body
    assert "Late" in body and "31 dagen" in body
    assert rows_by_employee(bare_workspace)["Nobody Known"].get("Herinnerd op") is None


def test_notify_without_send_previews_only(bare_workspace: Path, run_cli) -> None:
    """--notify alone sends nothing, records no reminder, shows the first message and the exact command to send."""
    make_registers(bare_workspace, [side_job("Anna Pieters")], [staff("Anna Pieters", "anna@woonpartners.example")])
    config = str(bare_workspace / "config.toml")
    result = review(run_cli, bare_workspace, "2026-12-02", "--notify")
    assert result.exit_code == 0, result.output
    assert outbox(bare_workspace) == []
    assert "eerste bericht, aan anna@woonpartners.example" in result.output
    last = result.output.strip().splitlines()[-1]
    assert last.endswith(f"integrity --config {config} --as-of 2026-12-02 sidejobs review --notify --send")
    assert rows_by_employee(bare_workspace)["Anna Pieters"].get("Herinnerd op") is None


def test_rows_without_nr_get_one_before_reminding(bare_workspace: Path, run_cli) -> None:
    """Rows typed without an Nr are numbered first, so the reminder's once-per-period key holds."""
    make_registers(bare_workspace, [side_job("Anna Pieters")], [staff("Anna Pieters", "anna@woonpartners.example")])
    assert all(row.nr is None for row in read_register(bare_workspace / "registers" / SIDEJOBS.filename, SIDEJOBS).rows)
    result = review(run_cli, bare_workspace, "2026-12-02", "--notify", "--send")
    assert result.exit_code == 0, result.output
    row = rows_by_employee(bare_workspace)["Anna Pieters"]
    assert row.nr == 1 and row.get("Herinnerd op") == date(2026, 12, 2)
    assert len(reminders(bare_workspace)) == 1


def test_nightly_step_judges_without_mail(bare_workspace: Path, run_cli) -> None:
    """The nightly job writes Beoordeling, sends no mail, and on a second run changes nothing."""
    make_registers(bare_workspace, [side_job("Anna Pieters")], [staff("Anna Pieters", "anna@woonpartners.example")])
    from toolkit.registers.schema import GIFTS

    create_register(bare_workspace / "registers" / GIFTS.filename, GIFTS)  # the nightly job also judges gifts
    config = str(bare_workspace / "config.toml")
    first = run_cli("--config", config, "--as-of", "2026-12-02", "nightly")
    assert first.exit_code == 0, first.output
    assert "nevenfuncties beoordelen" in first.output and "1 herbevestigen" in first.output
    periodic = ("Maandoverzicht", "Integriteit op de agenda")  # the periodic jobs the nightly also runs
    assert [m for m in outbox(bare_workspace) if not str(m["Subject"]).startswith(periodic)] == []
    assert rows_by_employee(bare_workspace)["Anna Pieters"].get("Beoordeling").startswith("HERBEVESTIGEN")
    before = sha256(bare_workspace / "registers" / "nevenfuncties.xlsx")
    second = run_cli("--config", config, "--as-of", "2026-12-02", "nightly")
    assert "nevenfuncties beoordelen: niets veranderd" in second.output
    third = run_cli("--config", config, "--as-of", "2026-12-03", "nightly")
    assert "niets gewijzigd" in third.output
    assert sha256(bare_workspace / "registers" / "nevenfuncties.xlsx") == before


def test_locked_register_reminder_not_repeated_and_recorded_later(bare_workspace: Path, run_cli) -> None:
    """With the register open in Excel the reminder goes once, its date waits, and lands after Excel closes."""
    make_registers(
        bare_workspace, [side_job("Anna Pieters", Nr=1)], [staff("Anna Pieters", "anna@woonpartners.example")]
    )
    path = bare_workspace / "registers" / SIDEJOBS.filename
    owner = path.with_name("~$" + path.name)
    owner.write_bytes(b"excel")
    before = sha256(path)
    locked = review(run_cli, bare_workspace, "2026-12-02", "--notify", "--send")
    assert locked.exit_code == 0, locked.output
    assert "wacht" in locked.output and sha256(path) == before
    assert len(reminders(bare_workspace)) == 1
    owner.unlink()
    later = review(run_cli, bare_workspace, "2026-12-03", "--notify", "--send")
    assert later.exit_code == 0, later.output
    assert len(reminders(bare_workspace)) == 1
    assert rows_by_employee(bare_workspace)["Anna Pieters"].get("Herinnerd op") is not None


def test_nightly_rerun_on_the_same_inputs_reads_nothing(tmp_path: Path, run_cli) -> None:
    """A second nightly the same day with unchanged registers skips the review; a changed register is judged again."""
    import openpyxl

    root = tmp_path / "ws"
    run_cli("--as-of", "2026-11-26", "init", str(root), "--demo")
    config = str(root / "config.toml")
    env = {"INTEGRITY_REPORTS_PASSWORD": "a", "INTEGRITY_IDENTITY_PASSWORD": "b"}
    first = run_cli("--config", config, "--as-of", "2026-11-26", "nightly", env=env)
    assert "nevenfuncties beoordelen: 25 rijen beoordeeld" in first.output
    second = run_cli("--config", config, "--as-of", "2026-11-26", "nightly", env=env)
    assert "nevenfuncties beoordelen: niets veranderd" in second.output
    path = root / "registers" / "nevenfuncties.xlsx"
    book = openpyxl.load_workbook(path)
    book["Nevenfuncties"]["P2"] = "andere toelichting"
    book.save(path)
    third = run_cli("--config", config, "--as-of", "2026-11-26", "nightly", env=env)
    assert "nevenfuncties beoordelen: 25 rijen beoordeeld" in third.output
    fourth = run_cli("--config", config, "--as-of", "2026-11-27", "nightly", env=env)
    assert "nevenfuncties beoordelen: 25 rijen beoordeeld" in fourth.output


def test_the_board_decides_on_the_top_side_functions(bare_workspace: Path, run_cli) -> None:
    """The chair is found in medewerkers.xlsx by the config's address: a director's function decided by M&O is a
    finding, one decided by the chair by name is not; an RvC member's function decided by the director is one."""
    chair = {"Personeelsnummer": "R1", "Naam": "Els Visser", "E-mail": "voorzitter.rvc@woonpartners.example",
             "Rol": "RvC-lid"}  # fmt: skip
    jobs = [
        side_job("Karel Stam", Rol="directeur-bestuurder", **{"Besluit door": "M&O"}),
        side_job(
            "Karel Stam", Rol="directeur-bestuurder", Nevenfunctie="bestuurslid", **{"Besluit door": "Els Visser"}
        ),
        side_job("Ria Bos", Rol="RvC-lid", **{"Besluit door": "Karel Stam"}),
    ]
    make_registers(bare_workspace, jobs, [chair, staff("Karel Stam", "directeur@woonpartners.example")])
    data = review_json(run_cli, bare_workspace, "2026-01-05")
    flagged = [(item["line"]["employee"], item["line"]["function"]) for item in data["other"]
               if any(f.startswith("BESLUIT-DOOR") for f in item["findings"])]  # fmt: skip
    assert flagged == [("Karel Stam", "penningmeester"), ("Ria Bos", "penningmeester")]
