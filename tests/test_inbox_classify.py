"""The one sorter's pure rules (toolkit/inbox/classify.py) on real MIME: kinds, report outcomes, ack addresses."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP

import pytest

from toolkit.inbox.classify import (
    Kind,
    ReportOutcome,
    SharedRoute,
    acknowledge_to,
    classify,
    report_decision,
    shared_route,
)
from toolkit.inbox.pipeline import content_digest
from toolkit.mailsort import parse_mail


def mail(sender: str, subject: str, body: str, msgid: str = "<m@x.example>", **headers: str) -> bytes:
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = "meldpunt@woonpartners.example"
    message["Subject"] = subject
    message["Message-ID"] = msgid
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (mail("no-reply@forms.example", "Nieuwe melding", "Naam: Piet\nBericht: de opzichter vraagt geld.",
              Auto_Submitted="auto-generated", Precedence="bulk", Reply_To="piet@thuis.example"), "web form"),
        (mail("a@thuis.example", "Automatisch antwoord: Re: vraag", "Mijn manager keurt offertes van zijn broer goed.",
              Auto_Submitted="auto-replied"), "auto-reply headers, a person's words"),
        (mail("a@thuis.example", "Undeliverable: uw folder", "Ik wil iets kwijt over de inkoop van kozijnen."),
         "bounce-like subject only"),
        (mail("b@thuis.example", "Afwezig", "Ik ben afwezig geweest en zag toen dat er materiaal verdwijnt.",
              X_Autoreply="yes"), "away words in the past tense"),
    ],
)  # fmt: skip
def test_in_doubt_a_person_message_is_a_case(raw: bytes, why: str) -> None:
    """Headers or a subject alone never make a person's report 'geen melding'."""
    assert report_decision(classify(raw), case=None).outcome is ReportOutcome.NEW_CASE, why


def test_an_out_of_office_is_no_report_and_joins_no_case() -> None:
    """An automatic reply with away wording is 'geen melding: automatisch antwoord', even when it names a case."""
    raw = mail("c@thuis.example", "Automatisch antwoord: Ontvangstbevestiging M-2026-0001",
               "Ik ben afwezig tot 4 januari.", Auto_Submitted="auto-replied")  # fmt: skip
    item = classify(raw)
    decision = report_decision(item, case="M-2026-0001")
    assert item.kind is Kind.AUTOMATIC
    assert (decision.outcome, decision.reason) == (ReportOutcome.NOT_A_REPORT, "automatisch antwoord")
    assert shared_route(item) is SharedRoute.AUTOMATIC


def test_a_bounce_of_our_mail_to_a_reporter_joins_the_case_flagged() -> None:
    """A delivery report whose returned message is ours goes to that case as 'not delivered', else 'geen melding'."""
    raw = mail("MAILER-DAEMON@mx.example", "Undelivered Mail Returned to Sender",
               "Your message could not be delivered.\n<r@thuis.example>: 550 5.1.1 unknown",
               X_Failed_Recipients="r@thuis.example")  # fmt: skip
    item = classify(raw)
    assert item.kind is Kind.BOUNCE and item.reply_kind is None
    joined = report_decision(item, case=None, our_mail_case="M-2026-0003")
    assert (joined.outcome, joined.case) == (ReportOutcome.ACK_UNDELIVERED, "M-2026-0003")
    alone = report_decision(item, case=None)
    assert (alone.outcome, alone.reason) == (ReportOutcome.NOT_A_REPORT, "afleverbericht")


@pytest.mark.parametrize(
    ("sender", "reply_to", "headers", "expected"),
    [
        ("MAILER-DAEMON@mx.example", "", {}, None),
        ("postmaster@bedrijf.example", "", {}, None),
        ("noreply@forms.example", "", {"Auto_Submitted": "auto-generated"}, None),
        ("formulieren@woonpartners.example", "piet@thuis.example", {"Auto_Submitted": "auto-generated"},
         "piet@thuis.example"),
        ("formulieren@woonpartners.example", "", {"Auto_Submitted": "auto-generated"}, None),
        ("Anna <anna@thuis.example>", "", {}, "anna@thuis.example"),
        ("anna@thuis.example", "", {"Precedence": "bulk"}, "anna@thuis.example"),
        ("anna@thuis.example", "no-reply@elders.example", {}, "anna@thuis.example"),
    ],
)  # fmt: skip
def test_acknowledgements_never_go_to_a_machine(
    sender: str, reply_to: str, headers: dict, expected: str | None
) -> None:
    """Reply-To or From, never a machine address; a gateway's own From is never answered."""
    extra = {**headers, **({"Reply_To": reply_to} if reply_to else {})}
    assert acknowledge_to(classify(mail(sender, "Melding", "De opzichter vraagt geld.", **extra))) == expected


def test_same_message_id_different_words_are_two_messages_a_redelivery_is_one() -> None:
    """The message key: Message-ID with content; extra Received lines do not change it."""
    first = mail("a@thuis.example", "Melding", "Eerste melding.", msgid="<same@x>")
    second = mail("b@thuis.example", "Melding", "Een heel andere melding.", msgid="<same@x>")
    again = b"Received: from mx2 by mx; Thu, 26 Nov 2026 10:00:00 +0100\r\n" + first
    digest = lambda raw: content_digest(raw, parse_mail(raw))  # noqa: E731
    assert digest(first) != digest(second)
    assert digest(first) == digest(again)


def test_machine_reports_and_bounces_never_reach_the_reply_handlers() -> None:
    """ARF, DMARC and bounces route to their own handlers; a bounce naming a case goes to the case."""
    arf = EmailMessage(policy=SMTP)
    arf["From"] = "staff@hotmail.example"
    arf["Subject"] = "complaint about message"
    arf.set_content("Akkoord, received.")
    arf.make_mixed()
    arf.replace_header("Content-Type", 'multipart/report; report-type="feedback-report"')
    item = classify(arf.as_bytes())
    assert (item.kind, shared_route(item), item.reply_kind) == (Kind.MACHINE_REPORT, SharedRoute.MACHINE, None)
    dmarc = EmailMessage(policy=SMTP)
    dmarc["From"] = "noreply-dmarc-support@google.example"
    dmarc["Subject"] = "Report domain: woonpartners.example Submitter: google.example Report-ID: 1"
    dmarc.set_content("Aggregate report.")
    dmarc.add_attachment(
        b"PK", maintype="application", subtype="zip", filename="google.example!woonpartners.example!1!2.zip"
    )
    assert classify(dmarc.as_bytes()).reason == "DMARC-rapport"
    bounce = mail("MAILER-DAEMON@mx.example", "Undeliverable: Ontvangstbevestiging M-2026-0004", "Delivery failed.",
                  X_Failed_Recipients="r@thuis.example")  # fmt: skip
    assert shared_route(classify(bounce)) is SharedRoute.CASE_REPLY
