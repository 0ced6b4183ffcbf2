"""The shared mailbox through `integrity inbox process`: bounces attributed only by their failed recipient, machine
reports never replies, and a message that reads like a report goes to intake, never to `inbox unmatched`."""

from __future__ import annotations

import json
from datetime import date
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest

from tests.reports_helpers import HOLDERS, give_keys
from toolkit.registers.create import create_register
from toolkit.registers.reader import read_register
from toolkit.registers.schema import SUPPLIERS

TODAY = "2027-01-05"
US = "integriteit@woonpartners.example"
REGISTERED = {101: "info@kozijn.example", 102: "verkoop@dakwerk.example", 103: "info@schilder.example"}
MAILING = (
    'Woonpartners verwacht van haar leveranciers dat zij integer handelen. Antwoord met "akkoord" en vermeld de '
    "referentie [IC-2027-{nr:04d}]. Vragen? Neem contact op."
)


@pytest.fixture
def root(tmp_path: Path, run_cli) -> Path:
    """A workspace whose supplier register has three suppliers, each sent the code on 2 January 2027."""
    root = tmp_path / "ws"
    assert run_cli("--as-of", TODAY, "init", str(root)).exit_code == 0
    give_keys(root, *HOLDERS)  # reports that reach the shared mailbox are sealed to these public keys
    rows = [
        {"Nr": nr, "Leveranciersnummer": f"L{nr}", "Naam": f"Leverancier {nr}", "E-mail": address, "Taal": "nl",
         "Actief": True, "Contracteigenaar": f"inkoper{nr}@woonpartners.example", "Cyclus": "2027",
         "Referentie": f"[IC-2027-{nr:04d}]", "Verzonden op": date(2027, 1, 2), "Herinneringen": 0,
         "Status": "verzonden"}
        for nr, address in REGISTERED.items()
    ]  # fmt: skip
    create_register(root / "registers" / SUPPLIERS.filename, SUPPLIERS, rows)
    return root


def deliver(root: Path, *messages: EmailMessage) -> None:
    for index, message in enumerate(messages):
        (root / "mail" / "inbox" / "new" / f"{2000 + index}.test").write_bytes(message.as_bytes())


def process(run_cli, root: Path) -> dict:
    result = run_cli("--config", str(root / "config.toml"), "--as-of", TODAY, "inbox", "process", "--json")
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.output)


def statuses(root: Path) -> dict[int, str]:
    table = read_register(root / "registers" / SUPPLIERS.filename, SUPPLIERS)
    return {row.nr: row.get("Status") for row in table.rows}


def _mail(sender: str, subject: str, body: str, msgid: str, **headers: str) -> EmailMessage:
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = US
    message["Subject"] = subject
    message["Date"] = "Mon, 4 Jan 2027 10:00:00 +0100"
    message["Message-ID"] = msgid
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def _ours(nr: int, to: str) -> EmailMessage:
    """Our mailing to a supplier address, as a bounce returns it."""
    message = _mail(US, f"Integriteitscode Woonpartners [IC-2027-{nr:04d}]", MAILING.format(nr=nr), f"<ic-{nr}@woon>")
    message.replace_header("To", to)
    return message


def _dsn(sender: str, failed: str, returned: EmailMessage, text: str, msgid: str) -> EmailMessage:
    from email.message import Message

    bounce = _mail(sender, "Undelivered Mail Returned to Sender", text, msgid)
    bounce.make_mixed()
    bounce.replace_header("Content-Type", 'multipart/report; report-type="delivery-status"')
    status = EmailMessage(policy=SMTP)
    status["Content-Type"] = "message/delivery-status"
    blocks = [Message(policy=SMTP), Message(policy=SMTP)]
    blocks[0]["Reporting-MTA"] = "dns; mx.example"
    blocks[1]["Final-Recipient"] = f"rfc822; {failed}"
    blocks[1]["Action"] = "failed"
    blocks[1]["Status"] = "5.1.1"
    status.set_payload(blocks)
    bounce.attach(status)
    original = EmailMessage(policy=SMTP)
    original.set_content(returned)
    bounce.attach(original)
    return bounce


def test_bounce_of_a_forward_from_the_suppliers_own_daemon_confirms_nothing(root: Path, run_cli) -> None:
    """Mailer-daemon at the supplier's domain, failed recipient not the registered address, 'akkoord' quoted: no
    supplier changes status (before: domain matching marked it bevestigd)."""
    bounces = [
        _dsn(f"MAILER-DAEMON@{REGISTERED[nr].split('@')[1]}", f"jan{nr}@{REGISTERED[nr].split('@')[1]}",
             _ours(nr, f"jan{nr}@{REGISTERED[nr].split('@')[1]}"), "Akkoord. Delivery to jan failed.", f"<b{nr}@mx>")
        for nr in REGISTERED
    ]  # fmt: skip
    deliver(root, *bounces)
    summary = process(run_cli, root)
    assert summary["confirmed"] == summary["questions"] == 0
    assert summary["bounces"] == len(bounces)  # recognised as ours by the reference, but not the registered address
    assert set(statuses(root).values()) == {"verzonden"}


def test_bounce_of_the_registered_address_marks_onbestelbaar(root: Path, run_cli) -> None:
    """The failed recipient is the registered address: onbestelbaar and one alert to the contract owner."""
    deliver(root, _dsn("MAILER-DAEMON@mx.example", REGISTERED[102], _ours(102, REGISTERED[102]), "Failed.", "<b@mx>"))
    summary = process(run_cli, root)
    assert summary["bounces"] == 1
    assert statuses(root) == {101: "verzonden", 102: "onbestelbaar", 103: "verzonden"}
    sent = list((root / "mail" / "outbox").glob("*.eml"))
    assert len(sent) == 1 and b"inkoper102@woonpartners.example" in sent[0].read_bytes()


def test_text_only_bounce_attributed_by_the_returned_headers(root: Path, run_cli) -> None:
    """An NDR without DSN or addresses in its text: the returned message's To and reference name the supplier."""
    headers = "\n".join(f"{k}: {v}" for k, v in _ours(103, REGISTERED[103]).items())
    deliver(
        root,
        _mail("postmaster@relay.example", "Niet bezorgd", f"Het bericht kon niet worden bezorgd.\n\n"
              f"Oorspronkelijke berichtkoppen:\n\n{headers}\n", "<ndr@relay>"),
    )  # fmt: skip
    summary = process(run_cli, root)
    assert summary["bounces"] == 1 and statuses(root)[103] == "onbestelbaar"


def test_dutch_bounce_from_a_suppliers_postmaster_is_no_question(root: Path, run_cli) -> None:
    """'Uw bericht kon niet worden bezorgd … Vragen?' from postmaster@<supplier domain>: never a `vraag`."""
    text = (
        "Uw bericht kon niet worden bezorgd bij p.devries@dakwerk.example.\nDe postbus bestaat niet meer.\n"
        "Vragen? Neem contact op met uw beheerder."
    )
    deliver(root, _mail("Postmaster <postmaster@dakwerk.example>", "Onbestelbaar: Integriteitscode", text, "<nl@x>"))
    summary = process(run_cli, root)
    assert summary["questions"] == summary["confirmed"] == 0
    assert statuses(root)[102] == "verzonden"
    assert not list((root / "mail" / "outbox").glob("*.eml"))


def test_abuse_reports_are_machine_reports_never_replies(root: Path, run_cli) -> None:
    """ARF feedback reports (and a plain abuse desk report) from a supplier's domain saying 'received, akkoord':
    counted as machine reports, no supplier changes status, nothing is mailed."""
    from email.message import Message

    arfs = []
    for index, nr in enumerate(REGISTERED):
        domain = REGISTERED[nr].split("@")[1]
        arf = _mail(f"abuse@{domain}", "Abuse report", "Received, akkoord. This is an abuse report.", f"<a{index}@x>")
        arf.make_mixed()
        arf.replace_header("Content-Type", 'multipart/report; report-type="feedback-report"')
        feedback = EmailMessage(policy=SMTP)
        feedback["Content-Type"] = "message/feedback-report"
        block = Message(policy=SMTP)
        block["Feedback-Type"] = "abuse"
        block["Version"] = "1"
        feedback.set_payload([block])
        arf.attach(feedback)
        arfs.append(arf)
    arfs.append(_mail("abuse@schilder.example", "Abuse report", "Received your mail, ok.", "<plain-abuse@x>"))
    deliver(root, *arfs)
    summary = process(run_cli, root)
    assert summary["machine"] == len(arfs) and summary["confirmed"] == summary["questions"] == 0
    assert set(statuses(root).values()) == {"verzonden"}
    assert not list((root / "mail" / "outbox").glob("*.eml"))


@pytest.mark.parametrize(
    ("sender", "subject", "body"),
    [
        ("Bezorgde collega <bezorgd@thuis.example>", "Vertrouwelijk: melding fraude door Karel",
         "Karel laat facturen van zijn zwager betalen zonder dat er iets geleverd is."),
        ("p.jansen@kozijn.example", "Iets wat u moet weten",
         "Uw opzichter vraagt ons om steekpenningen voor het toekennen van opdrachten."),
        ("someone@mail.example", "Confidential", "I would like to report bribery by one of your project leaders."),
    ],
)  # fmt: skip
def test_a_report_in_the_shared_mailbox_becomes_a_case_and_is_never_listed(
    root: Path, run_cli, sender: str, subject: str, body: str
) -> None:
    """A report mailed to the shared address (even from a supplier's domain) becomes a case; `inbox unmatched`
    and the process output show neither its sender nor its subject."""
    deliver(root, _mail(sender, subject, body, "<report@x>"))
    summary = process(run_cli, root)
    assert summary["reports"] == 1 and summary["unmatched"] == 0 and summary["questions"] == 0
    listing = run_cli("--config", str(root / "config.toml"), "--as-of", TODAY, "inbox", "unmatched")
    shown = listing.output + json.dumps(summary)
    assert sender.split("<")[-1].strip(">") not in shown and subject not in shown
    assert (root / "registers" / "meldingen.xlsx").exists()
    assert set(statuses(root).values()) == {"verzonden"}


def test_default_config_has_a_reports_mailbox_of_its_own(tmp_path: Path, run_cli) -> None:
    """config.toml at the repo root and the one `integrity init` writes: reports are not in the shared mailbox."""
    import tomllib

    repo = Path(__file__).resolve().parents[1]
    root = tmp_path / "ws"
    assert run_cli("init", str(root)).exit_code == 0
    for path in (repo / "config.toml", root / "config.toml"):
        config = tomllib.loads(path.read_text(encoding="utf-8"))
        assert config["reports"]["shared_mailbox"] is False
        assert config["mail"]["folder"]["reports_inbox"] != config["mail"]["folder"]["inbox"]
        assert config["reports"]["address"] != config["mail"]["sender"]


def test_a_bounce_naming_a_case_is_counted_never_listed(root: Path, run_cli) -> None:
    """A bounce of a mail about case M-2026-0001 (to staff) is a bounce: no case opened, not waiting for a person."""
    deliver(
        root,
        _mail("MAILER-DAEMON@mx.example", "Undeliverable: Nieuwe integriteitsmelding M-2026-0001",
              "Delivery has failed to these recipients or groups: karel@woonpartners.example", "<nd@mx>",
              X_Failed_Recipients="karel@woonpartners.example"),
    )  # fmt: skip
    summary = process(run_cli, root)
    assert summary["bounces"] == 1 and summary["unmatched"] == 0 and summary["reports"] == 0
    assert not (root / "registers" / "meldingen.xlsx").exists()


def test_a_report_waits_unlisted_while_the_case_register_is_open(root: Path, run_cli) -> None:
    """With meldingen.xlsx open in Excel a report in the shared mailbox stays, unread and unlisted, for the next run."""
    deliver(root, _mail("a@thuis.example", "Melding", "De opzichter vraagt geld van huurders.", "<r1@x>"))
    assert process(run_cli, root)["reports"] == 1
    lock = root / "registers" / "~$meldingen.xlsx"
    lock.write_bytes(b"owner")
    deliver(root, _mail("b@thuis.example", "Vertrouwelijk", "Er verdwijnt materiaal uit het magazijn.", "<r2@x>"))
    summary = process(run_cli, root)
    assert summary["reports"] == 1 and summary["unmatched"] == 0
    assert len(list((root / "mail" / "inbox" / "new").iterdir())) == 1
    listing = run_cli("--config", str(root / "config.toml"), "--as-of", TODAY, "inbox", "unmatched")
    assert "b@thuis.example" not in listing.output and "Vertrouwelijk" not in listing.output
    lock.unlink()
    assert process(run_cli, root)["reports"] == 1
    assert not list((root / "mail" / "inbox" / "new").iterdir())


def test_an_out_of_office_mentioning_meldingen_stays_an_automatic_reply(root: Path, run_cli) -> None:
    """'Voor meldingen van storingen belt u …' in a supplier's out-of-office: automatic, no case, no status change."""
    oof = _mail(REGISTERED[101], "Automatisch antwoord: Integriteitscode [IC-2027-0101]",
                "Ik ben afwezig tot 10 januari. Voor meldingen van storingen belt u 0800-1234.", "<oof@x>",
                Auto_Submitted="auto-replied")  # fmt: skip
    deliver(root, oof)
    summary = process(run_cli, root)
    assert summary["automatic"] == 1 and summary["reports"] == 0 and summary["questions"] == 0
    assert statuses(root)[101] == "verzonden"
    assert not (root / "registers" / "meldingen.xlsx").exists()
