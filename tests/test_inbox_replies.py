"""`integrity inbox process` on the mail corpus: every message sorted, registers updated, mail moved, idempotent."""

from __future__ import annotations

import email
import email.policy
import json
import re
import tomllib
from datetime import date
from pathlib import Path

import pytest

from toolkit.registers.create import create_register
from toolkit.registers.reader import read_register
from toolkit.registers.schema import STAFF, SUPPLIERS

CORPUS = Path(__file__).parent / "corpus" / "mail"
EXPECTED = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))
TODAY = "2027-01-05"
SENT_ON = date(2027, 1, 2)
STAFF_SENDER = "l.deboer@woonpartners.example.nl"
# Messages that are nobody's supplier reply: report follow-up (case number), garbage, a stranger.
NOT_A_SUPPLIER = {"q08_report_case_followup", "m02_binary_garbage", "m03_header_only_no_body"}
# a reporter's follow-up naming a case this workspace does not know: taken in as a report (sealed to public keys,
# so no secret is needed), never listed for a person
REPORT_MESSAGE = "q08_report_case_followup"
STAFF_MESSAGE = "c14_new_staff_internal"
KEEPS_REFERENCE_42 = "c06_outlook_separator_encoded_subject"  # its reference sits base64-encoded in the subject
_REFERENCE = re.compile(rb"(?i)(ic[ -]2027[ -])0*42(?!\d)")


def _sender(raw: bytes) -> str:
    return (email.message_from_bytes(raw, policy=email.policy.compat32).get("From") or "").strip()


def _address(raw: bytes) -> str:
    found = re.search(r"[\w.+-]+@[\w.-]+", _sender(raw))
    return found.group(0).lower() if found else ""


def supplier_messages() -> dict[str, int]:
    """One supplier (Nr) per corpus message that comes from or bounced at a supplier."""
    names = sorted(p.stem for p in CORPUS.glob("*.eml"))
    numbers, next_nr = {}, 100
    for name in names:
        if name in NOT_A_SUPPLIER or name == STAFF_MESSAGE:
            continue
        if name == KEEPS_REFERENCE_42:
            numbers[name] = 42
        else:
            numbers[name], next_nr = next_nr, next_nr + 1
    return numbers


def supplier_address(name: str, raw: bytes) -> str:
    recipients = EXPECTED[name].get("recipients")
    return recipients[0] if recipients else _address(raw)


@pytest.fixture
def ws(tmp_path: Path, run_cli) -> Path:
    """A demo workspace whose supplier register holds the corpus senders, with the corpus in the shared inbox."""
    root = tmp_path / "ws"
    assert run_cli("--as-of", TODAY, "init", str(root), "--demo").exit_code == 0
    inbox = root / "mail" / "inbox"
    for old in (inbox / "new").glob("*"):
        old.unlink()
    rows = []
    for name, nr in supplier_messages().items():
        raw = (CORPUS / f"{name}.eml").read_bytes()
        rows.append(_supplier_row(nr, supplier_address(name, raw)))
    rows.append({**_supplier_row(7, "nooit.geantwoord@example.net"), "Naam": "=1+1"})
    create_register(root / "registers" / SUPPLIERS.filename, SUPPLIERS, rows)
    create_register(root / "registers" / STAFF.filename, STAFF, [_staff_row()])
    for index, path in enumerate(sorted(CORPUS.glob("*.eml"))):
        raw = path.read_bytes()
        nr = supplier_messages().get(path.stem)
        if nr is not None and path.stem != KEEPS_REFERENCE_42:
            raw = _REFERENCE.sub(lambda m, nr=nr: m.group(1) + b"%04d" % nr, raw)
        (inbox / "new" / f"{1000 + index}.corpus.{path.stem}").write_bytes(raw)
    return root


def _supplier_row(nr: int, address: str) -> dict:
    return {
        "Nr": nr,
        "Leveranciersnummer": f"L{nr:05d}",
        "Naam": f"Leverancier {nr}",
        "Contactpersoon": f"Contact {nr}",
        "E-mail": address,
        "Taal": "nl",
        "Actief": True,
        "Contracteigenaar": f"inkoper{nr}@woonpartners.example",
        "Cyclus": "2027",
        "Referentie": f"[IC-2027-{nr:04d}]",
        "Verzonden op": SENT_ON,
        "Herinneringen": 0,
        "Status": "verzonden",
    }


def _staff_row() -> dict:
    return {
        "Nr": 1,
        "Personeelsnummer": "P0001",
        "Naam": "Lisa de Boer",
        "E-mail": STAFF_SENDER,
        "In dienst per": date(2027, 1, 4),
        "Code verzonden op": date(2027, 1, 4),
    }


def cli(run_cli, root: Path, *args: str):
    return run_cli("--config", str(root / "config.toml"), "--as-of", TODAY, *args)


def suppliers(root: Path) -> dict:
    return {row.nr: row for row in read_register(root / "registers" / SUPPLIERS.filename, SUPPLIERS).rows}


def outbox(root: Path) -> list:
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted((root / "mail" / "outbox").glob("*.eml"))
    ]


def _written_on(name: str) -> date:
    """The reply's Date (all corpus replies were written on 4 January 2027), or today when it can't be read."""
    header = email.message_from_bytes((CORPUS / f"{name}.eml").read_bytes()).get("Date", "")
    return date(2027, 1, 4) if "2027" in header else date.fromisoformat(TODAY)


def expected_sort(name: str) -> str:
    if name == REPORT_MESSAGE:
        return "melding: nieuwe zaak"
    if name in NOT_A_SUPPLIER:
        return "niet herkend"
    if name == STAFF_MESSAGE:
        return "bevestiging nieuwe medewerker"
    return EXPECTED[name]["kind"]


def test_every_corpus_message_is_sorted_and_the_counts_add_up(ws: Path, run_cli) -> None:
    """The JSON counts match the corpus' expected sorts and add up to the number received."""
    result = cli(run_cli, ws, "inbox", "process", "--json")
    assert result.exit_code == 0, result.output + result.stderr
    summary = json.loads(result.output)
    names = [p.stem for p in CORPUS.glob("*.eml")]
    wanted = [expected_sort(n) for n in names]
    assert summary["received"] == len(names)
    assert summary["confirmed"] == wanted.count("bevestigd")
    assert summary["questions"] == wanted.count("vraag")
    assert summary["bounces"] == wanted.count("onbestelbaar")
    assert summary["automatic"] == wanted.count("automatisch")
    assert summary["staff"] == 1 and summary["reports"] == 1 and summary["unmatched"] == len(NOT_A_SUPPLIER) - 1
    parts = ("confirmed", "questions", "bounces", "automatic", "staff", "reports", "unmatched")
    assert sum(summary[k] for k in parts) == summary["received"]


def test_each_supplier_row_shows_what_its_message_said(ws: Path, run_cli) -> None:
    """Confirmations, questions, permanent bounces set the status; automatic replies and delays change nothing."""
    cli(run_cli, ws, "inbox", "process")
    rows = suppliers(ws)
    for name, nr in supplier_messages().items():
        row, spec = rows[nr], EXPECTED[name]
        if spec["kind"] == "bevestigd":
            assert row.get("Status") == "bevestigd", name
            assert row.get("Bevestigd op") == _written_on(name), name
            assert row.get("Bevestigd door") == _address((CORPUS / f"{name}.eml").read_bytes()), name
        elif spec["kind"] == "vraag":
            assert row.get("Status") == "vraag" and row.get("Bevestigd op") is None, name
        elif spec["kind"] == "onbestelbaar" and spec["permanent"]:
            assert row.get("Status") == "onbestelbaar", name
        else:
            assert row.get("Status") == "verzonden" and row.get("Laatste bericht") is None, name
    assert rows[7].get("Status") == "verzonden"
    staff = read_register(ws / "registers" / STAFF.filename, STAFF).rows[0]
    assert staff.get("Ontvangst bevestigd op") == date(2027, 1, 4)


def test_laatste_bericht_is_the_own_words_not_the_quoted_original(ws: Path, run_cli) -> None:
    """A confirmation's excerpt carries the supplier's words and none of the quoted mailing."""
    cli(run_cli, ws, "inbox", "process")
    rows = suppliers(ws)
    for name, nr in supplier_messages().items():
        spec = EXPECTED[name]
        if spec["kind"] not in ("bevestigd", "vraag"):
            continue
        last = rows[nr].get("Laatste bericht") or ""
        assert last and len(last) <= 200, name
        for text in spec.get("own_contains", [])[:1]:
            assert " ".join(text.split()) in last, name
        for text in spec.get("own_excludes", []):
            assert text not in last, name


def test_questions_notify_and_bounces_alert_the_contract_owner(ws: Path, run_cli) -> None:
    """Each question mails its own contract owner the own words; each permanent bounce one alert; nothing else."""
    cli(run_cli, ws, "inbox", "process")
    sent = [m for m in outbox(ws) if str(m["To"] or "").startswith("inkoper")]  # not the report's intake mails
    numbers = supplier_messages()
    questions = [n for n in numbers if EXPECTED[n]["kind"] == "vraag"]
    bounced = [n for n in numbers if EXPECTED[n]["kind"] == "onbestelbaar" and EXPECTED[n]["permanent"]]
    assert len(sent) == len(questions) + len(bounced)
    by_owner = {m["To"]: m for m in sent}
    for name in questions:
        mail = by_owner[f"inkoper{numbers[name]}@woonpartners.example"]
        assert mail["Subject"].startswith("Vraag of reactie van Leverancier")
        for text in EXPECTED[name].get("own_contains", []):
            assert " ".join(text.split()) in " ".join(mail.get_body(("plain",)).get_content().split()), name
    for name in bounced:
        mail = by_owner[f"inkoper{numbers[name]}@woonpartners.example"]
        assert mail["Subject"].startswith("Integriteitscode niet bezorgd") and EXPECTED[name]["recipients"][0] in (
            mail.get_body(("plain",)).get_content()
        )


def test_handled_mail_is_moved_and_the_rest_listed_for_a_person(ws: Path, run_cli) -> None:
    """Everything handled moves to .Verwerkt, nothing is deleted, and `inbox unmatched` lists what stayed."""
    total = len(list(CORPUS.glob("*.eml")))
    result = cli(run_cli, ws, "inbox", "process")
    assert "voor een mens" in result.output and "integrity inbox unmatched" in result.output
    inbox = ws / "mail" / "inbox"
    left = sorted(p.name.rsplit(".", 1)[1] for part in ("new", "cur") for p in (inbox / part).iterdir())
    moved = list((inbox / ".Verwerkt" / "cur").iterdir())
    assert left == sorted(NOT_A_SUPPLIER - {REPORT_MESSAGE}) and len(moved) + len(left) == total
    listing = cli(run_cli, ws, "inbox", "unmatched")
    assert "2 berichten wachten in de gedeelde mailbox op een mens" in listing.output
    assert "melder1987@example.com" not in listing.output and "M-2026-0001" not in listing.output
    assert "anon@example.com" in listing.output


def test_a_second_run_changes_nothing(ws: Path, run_cli) -> None:
    """Processing again leaves the registers byte for byte the same and sends no new mail."""
    cli(run_cli, ws, "inbox", "process")
    register = (ws / "registers" / SUPPLIERS.filename).read_bytes()
    staff = (ws / "registers" / STAFF.filename).read_bytes()
    mails = len(outbox(ws))
    again = json.loads(cli(run_cli, ws, "inbox", "process", "--json").output)
    assert again["received"] == again["unmatched"] == len(NOT_A_SUPPLIER) - 1 and again["reports"] == 0
    assert (ws / "registers" / SUPPLIERS.filename).read_bytes() == register
    assert (ws / "registers" / STAFF.filename).read_bytes() == staff
    assert len(outbox(ws)) == mails


def _reply(sender: str, subject: str, body: str) -> bytes:
    return (
        f"From: {sender}\r\nTo: integriteit@woonpartners.example\r\nSubject: {subject}\r\n"
        "Date: Mon, 4 Jan 2027 12:00:00 +0100\r\nMessage-ID: <formula-1@example.net>\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


def test_text_from_outside_that_looks_like_a_formula_stays_text(ws: Path, run_cli) -> None:
    """A reply whose words are '=1+1' (and a supplier named '=1+1') end up in the workbook as text, not formulas."""
    import openpyxl

    for old in (ws / "mail" / "inbox" / "new").glob("*"):
        old.unlink()
    (ws / "mail" / "inbox" / "new" / "1.formula").write_bytes(_reply("nooit.geantwoord@example.net", "=1+1", "=1+1"))
    result = cli(run_cli, ws, "inbox", "process", "--json")
    assert json.loads(result.output)["questions"] == 1
    sheet = openpyxl.load_workbook(ws / "registers" / SUPPLIERS.filename)[SUPPLIERS.sheet]
    headers = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[headers.index("Nr")].value == 7)
    last = row[headers.index("Laatste bericht")]
    assert last.value == "=1+1" and last.data_type == "s"
    assert row[headers.index("Status")].value == "vraag"
