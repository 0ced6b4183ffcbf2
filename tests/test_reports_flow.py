"""After intake: routing per the code with real registers, deadlines, updates, reveal, stats, retention, confidentiality."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from tests.reports_helpers import (
    ADVISER,
    OFFICER,
    PASSPHRASE,
    REPORTER_ADDRESS,
    REPORTER_NAME,
    body_text,
    cli,
    deliver,
    give_keys,
    key_file,
    make_workspace,
    outbox,
    report_mail,
    sent_to_reporter,
    staff_types,
    to_reporter,
    workspace,
)
from toolkit.reports.cases import case_register

DIRECTOR = "directeur@woonpartners.example"
CHAIR = "voorzitter.rvc@woonpartners.example"
COORDINATOR = "klachten@woonpartners.example"
PETRA = "petra@woonpartners.example"


@pytest.fixture(autouse=True)
def passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    """No password anywhere; the passphrase of the test keys is only used by commands given --key."""
    monkeypatch.delenv("INTEGRITY_REPORTS_PASSWORD", raising=False)
    monkeypatch.delenv("INTEGRITY_IDENTITY_PASSWORD", raising=False)
    monkeypatch.setenv("INTEGRITY_KEY_PASSPHRASE", PASSPHRASE)


@pytest.fixture
def root(tmp_path: Path, run_cli) -> Path:
    return make_workspace(tmp_path / "ws", run_cli)


def with_key(person: str) -> tuple[str, str]:
    return ("--key", str(key_file(person)))


def fill(root: Path, case: str, **cells: str) -> None:
    """What the intake officer types into meldingen.xlsx (in Excel)."""
    staff_types(root, case, {k.replace("_", " "): v for k, v in cells.items()})


def register(root: Path) -> dict:
    ws = workspace(root, date(2026, 11, 26))
    try:
        return case_register(ws).read()
    finally:
        ws.close()


def recipients(root: Path, kind_in_subject: str) -> set[str]:
    return {str(m["To"]) for m in outbox(root) if kind_in_subject in str(m["Subject"])}


def open_case(run_cli, root: Path, as_of: str = "2026-11-26") -> None:
    deliver(root, report_mail("Melding", "Karel neemt cadeaubonnen aan."))
    assert cli(run_cli, root, as_of, "nightly").exit_code == 0


ROUTES = [
    # (Melder is, Betreft, Betrokkene, Leidinggevende melder, receiver address, informed)
    ("medewerker", "medewerker", "karel@woonpartners.example", PETRA, PETRA, DIRECTOR),
    ("medewerker", "medewerker", "Karel Medewerker", "Petra Leiding", PETRA, DIRECTOR),
    ("medewerker", "leidinggevende", PETRA, PETRA, DIRECTOR, None),  # about the reporter's own manager
    ("medewerker", "medewerker", "karel@woonpartners.example", "", DIRECTOR, None),  # reporter's manager not recorded
    ("huurder", "directeur-bestuurder", "", "", CHAIR, None),  # the chair receives; the director is not told
    ("huurder", "onbekend", "", "", COORDINATOR, DIRECTOR),
    ("huurder", "onbekend", COORDINATOR, "", DIRECTOR, None),  # named person: the coordinator is concerned -> one up
]


@pytest.mark.parametrize(("kind", "concerns", "concerned", "manager", "handler", "informed"), ROUTES)
def test_routing_follows_the_code(root: Path, run_cli, kind, concerns, concerned, manager, handler, informed) -> None:
    """The nightly routing assigns the receiver per the code (the reporter's own manager first), informs the director."""
    open_case(run_cli, root)
    fill(root, "M-2026-0001", Melder_is=kind, Betreft=concerns, Betrokkene=concerned, Leidinggevende_melder=manager)
    assert cli(run_cli, root, "2026-11-27", "nightly").exit_code == 0
    row = register(root)["M-2026-0001"]
    assert row["Behandelaar"].endswith(f"({handler})")
    assert recipients(root, "U behandelt") == {handler}
    informed_to = recipients(root, "Ter informatie")
    assert informed_to == ({informed} if informed else set())
    concerned_address = concerned if "@" in concerned else ""
    if concerned_address:
        assert concerned_address not in {str(m["To"]) for m in outbox(root)}


def test_report_about_rvc_member_goes_to_the_meldpunt(root: Path, run_cli) -> None:
    """About an RvC member: no internal handler, the reporter is told of the Meldpunt, the intake officer prepares it."""
    open_case(run_cli, root)
    fill(root, "M-2026-0001", Melder_is="medewerker", Betreft="RvC-lid", Betrokkene="rita@woonpartners.example")
    assert cli(run_cli, root, "2026-11-27", "nightly").exit_code == 0
    assert register(root)["M-2026-0001"]["Behandelaar"].startswith("extern")
    assert sent_to_reporter(root)[1:] == []  # the nightly holds no key that opens the reporter's address
    tell = ("reports", "update", "M-2026-0001", "--tell-reporter", "--send", *with_key(OFFICER))
    assert cli(run_cli, root, "2026-11-27", *tell).exit_code == 0
    told = [m for m in sent_to_reporter(root) if to_reporter(m) and "extern" in str(m["Subject"])]
    assert len(told) == 1 and "Meldpunt Integriteit Woningcorporaties" in body_text(told[0])
    assert "integriteit@woonpartners.example" in recipients(root, "Ter informatie")
    assert "rita@woonpartners.example" not in {str(m["To"]) for m in outbox(root)}


def test_acknowledgement_deadline_day_7_on_time_day_8_late(root: Path, run_cli) -> None:
    """Without an acknowledgement: day 7 after receipt is still on time, day 8 is overdue (exit 1, escalated)."""
    deliver(root, report_mail("Melding", "Tekst.", sender="noreply@formulier.example"))
    assert cli(run_cli, root, "2026-11-26", "nightly").exit_code == 0
    day7 = cli(run_cli, root, "2026-12-03", "reports", "deadlines", "--json")
    assert day7.exit_code == 0
    ack = next(d for d in json.loads(day7.output)["deadlines"] if d["kind"] == "ontvangstbevestiging")
    assert ack["days_left"] == 0 and ack["overdue"] is False
    day8 = cli(run_cli, root, "2026-12-04", "reports", "deadlines")
    assert day8.exit_code == 1 and "1 dag te laat" in day8.output
    assert cli(run_cli, root, "2026-12-04", "nightly").exit_code == 0
    assert recipients(root, "Termijn verstreken") == {DIRECTOR}


def test_reminders_go_once_at_14_and_3_days_and_escalate_once(root: Path, run_cli) -> None:
    """Feedback reminders reach the handler 14 and 3 days before, once each; overdue goes to the director once."""
    open_case(run_cli, root)
    fill(
        root,
        "M-2026-0001",
        Melder_is="medewerker",
        Betreft="medewerker",
        Betrokkene="karel@woonpartners.example",
        Leidinggevende_melder=PETRA,
    )
    for day in ("2026-11-27", "2027-02-12", "2027-02-12", "2027-02-23", "2027-02-24", "2027-02-27", "2027-02-28"):
        assert cli(run_cli, root, day, "nightly").exit_code == 0
    reminders = [m for m in outbox(root) if "Herinnering" in str(m["Subject"]) and "[BV-" not in str(m["Subject"])]
    assert [str(m["To"]) for m in reminders] == [PETRA, PETRA]  # the yearly interests question's ([BV-…]) left out
    assert recipients(root, "Termijn verstreken") == {DIRECTOR}
    assert len([m for m in outbox(root) if "Termijn verstreken" in str(m["Subject"])]) == 1


def test_update_previews_then_sends_progress_and_records_feedback(root: Path, run_cli) -> None:
    """--tell-reporter previews without --send; a progress mail is no feedback; --feedback sent is, and clears it."""
    open_case(run_cli, root)
    update = ("reports", "update", "M-2026-0001")
    adviser = with_key(ADVISER)
    preview = cli(run_cli, root, "2026-12-10", *update, "--status", "onderzoek", "--tell-reporter", *adviser)
    assert preview.exit_code == 0, preview.output
    assert "--send" in preview.output and REPORTER_ADDRESS not in preview.output
    assert len(sent_to_reporter(root)) == 1  # only the acknowledgement
    sent = cli(run_cli, root, "2026-12-10", *update, "--tell-reporter", "--send", *adviser)
    assert sent.exit_code == 0, sent.output
    progress = [m for m in sent_to_reporter(root) if to_reporter(m) and "Voortgang" in str(m["Subject"])]
    assert len(progress) == 1 and "onderzoek" in body_text(progress[0])
    row = register(root)["M-2026-0001"]
    assert row["Status"] == "onderzoek" and row["Terugkoppeling gegeven op"] is None  # a status is no feedback
    still = json.loads(cli(run_cli, root, "2026-12-10", "reports", "deadlines", "--json").output)["deadlines"]
    assert [d["kind"] for d in still] == ["terugkoppeling"]
    text = "Uw melding is onderzocht en besproken; er volgen afspraken."
    fed = cli(run_cli, root, "2027-01-15", *update, "--feedback", text, "--tell-reporter", "--send", *adviser)
    assert fed.exit_code == 0, fed.output
    told = [m for m in sent_to_reporter(root) if "Terugkoppeling" in str(m["Subject"])]
    assert len(told) == 1 and text in body_text(told[0])
    assert register(root)["M-2026-0001"]["Terugkoppeling gegeven op"] == date(2027, 1, 15)
    after = json.loads(cli(run_cli, root, "2027-01-16", "reports", "deadlines", "--json").output)["deadlines"]
    assert [d["kind"] for d in after] == ["voortgang"]


def test_list_and_show_never_show_identity_reveal_is_logged(root: Path, run_cli) -> None:
    """list and show hold no name or address; show --reveal does, and the audit trail records who looked, when, which."""
    open_case(run_cli, root)
    show = ("reports", "show", "M-2026-0001")
    for args in (("reports", "list"), ("reports", "list", "--json"), show, (*show, *with_key(OFFICER))):
        output = cli(run_cli, root, "2026-11-27", *args).output
        assert REPORTER_NAME not in output and REPORTER_ADDRESS not in output
        assert ("cadeaubonnen" in output) == ("--key" in args)
    revealed = cli(run_cli, root, "2026-11-27", *show, "--reveal", *with_key(OFFICER))
    assert REPORTER_NAME in revealed.output and "cadeaubonnen" in revealed.output
    events = [json.loads(line) for line in (root / ".integrity" / "audit.jsonl").read_text().splitlines()]
    reveal = [e for e in events if e["action"] == "reports.revealed"]
    assert len(reveal) == 1 and reveal[0]["target"] == "M-2026-0001" and reveal[0]["actor"] and reveal[0]["ts"]


def test_stats_count_without_names(root: Path, run_cli) -> None:
    """stats --period counts by status, reporter kind and deadline outcome, and mentions no subject or name."""
    open_case(run_cli, root)
    fill(root, "M-2026-0001", Melder_is="huurder", Betreft="onbekend", Onderwerp="Geheime zaak Karel")
    result = cli(run_cli, root, "2026-12-01", "reports", "stats", "--period", "2026Q4", "--json")
    data = json.loads(result.output)
    assert data["total"] == 1 and data["by_reporter"] == {"huurder": 1} and data["acknowledgement"] == {"op tijd": 1}
    assert "Karel" not in result.output
    assert (
        json.loads(cli(run_cli, root, "2026-12-01", "reports", "stats", "--period", "2026Q3", "--json").output)["total"]
        == 0
    )


def test_retention_erases_identity_of_old_closed_cases(root: Path, run_cli) -> None:
    """A case closed longer ago than identity_retention_days loses name, address and original mail; it is logged."""
    open_case(run_cli, root)
    assert cli(run_cli, root, "2026-12-01", "reports", "update", "M-2026-0001", "--status", "afgesloten").exit_code == 0
    assert cli(run_cli, root, "2027-11-30", "nightly").exit_code == 0
    folder = root / ".integrity" / "meldingen" / "M-2026-0001"
    identity_files = ("*bericht.eml.age", "*identiteit.json.age", "verzonden-*")
    assert all(list(folder.glob(pattern)) for pattern in identity_files)
    assert cli(run_cli, root, "2027-12-02", "nightly").exit_code == 0
    assert not any(list(folder.glob(pattern)) for pattern in identity_files)
    assert list(folder.glob("*tekst.txt.age"))  # the case content stays
    reveal = cli(run_cli, root, "2027-12-02", "reports", "show", "M-2026-0001", "--reveal", *with_key(OFFICER))
    assert reveal.exit_code == 0 and REPORTER_ADDRESS not in reveal.output
    assert "reports.identity_erased" in (root / ".integrity" / "audit.jsonl").read_text()


SECRET_PHRASES = (
    REPORTER_NAME,
    REPORTER_ADDRESS,
    "Zonnebloem",
    "zonnebloem@",
    "Bouwbedrijf Zwart",
    "cadeaubonnen van aannemer",
    "melding-1@thuis.example",
)


def _inbound_originals(root: Path) -> set[Path]:
    """The reports mailbox as the messages arrived (the only place the reporter may appear until purged)."""
    return {p for p in (root / "mail" / "meldingen").rglob("*") if p.is_file()}


def test_confidentiality_across_a_whole_case(root: Path, run_cli) -> None:
    """After a full case life no file of the workspace but the inbound original holds the reporter or their words."""
    give_keys(root, PETRA)
    body = f"Ik zag dat Karel cadeaubonnen van aannemer Bouwbedrijf Zwart aanneemt.\n\nGroet,\n{REPORTER_NAME}\n"
    deliver(
        root,
        report_mail(
            "Melding over Karel en Bouwbedrijf Zwart", body, attachments=(("bewijs.pdf", b"%PDF-1.4 Zonnebloem"),)
        ),
    )
    assert cli(run_cli, root, "2026-11-26", "nightly").exit_code == 0
    fill(
        root,
        "M-2026-0001",
        Melder_is="medewerker",
        Betreft="medewerker",
        Betrokkene="karel@woonpartners.example",
        Leidinggevende_melder=PETRA,
    )
    assert cli(run_cli, root, "2026-11-27", "nightly").exit_code == 0
    resealed = cli(run_cli, root, "2026-11-27", "reports", "reseal", *with_key(OFFICER))
    assert resealed.exit_code == 0 and "M-2026-0001" in resealed.output, resealed.output
    for day in ("2027-02-12", "2027-02-23", "2027-02-27"):
        assert cli(run_cli, root, day, "nightly").exit_code == 0
    deliver(
        root,
        report_mail("RE: [M-2026-0001]", "Nog meer over Bouwbedrijf Zwart.", message_id="<melding-7@thuis.example>"),
    )
    assert cli(run_cli, root, "2027-02-28", "nightly").exit_code == 0
    note = ("reports", "update", "M-2026-0001", "--note", "Gesprek met Bouwbedrijf Zwart gehad", *with_key(PETRA))
    assert cli(run_cli, root, "2027-03-01", *note).exit_code == 0
    progress = ("reports", "update", "M-2026-0001", "--tell-reporter", "--send")
    assert cli(run_cli, root, "2027-03-01", *progress, *with_key(ADVISER)).exit_code == 0
    close = ("reports", "update", "M-2026-0001", "--status", "afgesloten", "--serious", "ja")
    decided = ("--measure", "schriftelijke waarschuwing", "--role", "directeur-bestuurder", "--by", "D. Directeur")
    assert cli(run_cli, root, "2027-03-01", *close, *decided).exit_code == 0
    handler_view = cli(run_cli, root, "2027-03-02", "reports", "show", "M-2026-0001", *with_key(PETRA))
    assert "Bouwbedrijf Zwart" in handler_view.output and REPORTER_ADDRESS not in handler_view.output
    assert (
        cli(run_cli, root, "2027-03-02", "reports", "show", "M-2026-0001", "--reveal", *with_key(OFFICER)).exit_code
        == 0
    )
    assert cli(run_cli, root, "2027-03-02", "nightly").exit_code == 0

    assert len(sent_to_reporter(root)) == 2  # acknowledgement and progress, sealed in the case archive
    staff_mail = [m for m in outbox(root) if m["To"] is not None]
    assert not any(to_reporter(m) for m in staff_mail)
    kinds = {str(m["Subject"]).split(":")[0] for m in staff_mail}
    assert {"U behandelt integriteitsmelding M-2026-0001", "Ter informatie", "Herinnering"} <= kinds
    database = root / ".integrity" / "state.sqlite"
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA wal_checkpoint(FULL)")
    connection.close()
    originals = _inbound_originals(root)
    checked = 0
    for path in root.rglob("*"):
        if not path.is_file() or path in originals:
            continue
        content = path.read_bytes().decode("utf-8", errors="replace").lower()
        checked += 1
        for phrase in SECRET_PHRASES:
            assert phrase.lower() not in content, (phrase, path)
    assert checked > 20
    assert any(REPORTER_ADDRESS.encode() in p.read_bytes() for p in originals)
