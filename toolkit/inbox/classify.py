"""The one sorter: every inbound message is classified once, here, before any handler sees it.

`classify(raw)` is pure (no backend, no clock, no register): it says what the message IS (a bounce, a machine
report, an automatic reply, or a person's message) with the evidence it found. What a mailbox then DOES with it
is decided by `shared_decision` (the shared mailbox) and `report_decision` (the reports mailbox), also pure.

Machine mail is never a confirmation, a question or a case: a bounce, ARF feedback/abuse report, DMARC or TLS
report, or automatic reply is recognised first, whatever its text says. Headers alone never throw a person's
message away from the reports mailbox: an automatic reply must also read like one (out-of-office wording, no
attachments, nothing that reads like a report) before it is set aside.
"""

from __future__ import annotations

import email
from dataclasses import dataclass
from enum import Enum
from functools import cached_property

from toolkit.mailsort.bounce import Bounce, Returned, detect_bounce, returned_message
from toolkit.mailsort.machine import (
    is_machine_address,
    machine_report,
    names_wrongdoing,
    reads_away,
    reads_like_report,
)
from toolkit.mailsort.parse import ParsedMail, parse_mail
from toolkit.mailsort.references import find_case_number, find_supplier_reference
from toolkit.mailsort.reply import ReplyKind


class Kind(Enum):
    """Exactly one of these per inbound message."""

    BOUNCE = "onbestelbaar"
    MACHINE_REPORT = "machinerapport"  # ARF feedback/abuse, DMARC aggregate, TLS-RPT
    AUTOMATIC = "automatisch"
    PERSON = "mens"


# Why a message in the reports mailbox is no report (the folder it goes to and the count it adds to).
NOT_A_REPORT_DELIVERY = "afleverbericht"
NOT_A_REPORT_AUTOMATIC = "automatisch antwoord"


@dataclass(frozen=True)
class Classified:
    """One message as the sorter saw it: its kind, why, and the references it carries."""

    kind: Kind
    mail: ParsedMail
    raw: bytes
    reason: str = ""  # the signal that decided a machine kind (header, sender, structure)
    bounce: Bounce | None = None

    @property
    def machine(self) -> bool:
        return self.kind is not Kind.PERSON

    @cached_property
    def returned(self) -> Returned:
        """For a bounce: the headers of the message it returns (our mail)."""
        return returned_message(self.raw) if self.kind is Kind.BOUNCE else Returned()

    @cached_property
    def own_text(self) -> str:
        from toolkit.mailsort.reply import own_words

        return own_words(self.mail)

    @cached_property
    def reply_kind(self) -> ReplyKind | None:
        """For a person's message: do the own words confirm or ask? None for machine mail (never either)."""
        from toolkit.mailsort.reply import classify_reply

        return None if self.machine else classify_reply(self.own_text)

    @cached_property
    def attestation_reference(self) -> str | None:
        """[BV-…] (the yearly interests question) in the subject or text of a person's message."""
        from toolkit.mailsort.references import find_attestation_reference

        return find_attestation_reference(self.mail.subject) or find_attestation_reference(self.mail.text)

    @cached_property
    def supplier_reference(self) -> str | None:
        """[IC-…] in the subject or text; for a bounce only in the returned message (or the subject it echoes)."""
        if self.kind is Kind.BOUNCE:
            return find_supplier_reference(self.returned.subject) or find_supplier_reference(self.mail.subject)
        return find_supplier_reference(self.mail.subject) or find_supplier_reference(self.mail.text)

    @cached_property
    def case_number(self) -> str | None:
        """M-YYYY-NNNN in the subject (for a bounce: also the returned message's subject)."""
        if self.kind is Kind.BOUNCE:
            return find_case_number(self.returned.subject) or find_case_number(self.mail.subject)
        return find_case_number(self.mail.subject)

    @property
    def mentions_case_in_text(self) -> bool:
        return find_case_number(self.mail.text) is not None

    @property
    def machine_sender(self) -> bool:
        return is_machine_address(self.mail.from_address or "")

    @cached_property
    def reads_like_report(self) -> bool:
        """Subject or own words name wrongdoing or ask to report it."""
        return reads_like_report(self.mail.subject, self.own_text)

    @cached_property
    def words_read_like_report(self) -> bool:
        """For an automatic reply: its own words name wrongdoing (its subject echoes the mail it answers, and
        'meldingen van storingen' in an out-of-office is no report)."""
        return names_wrongdoing(self.own_text)

    @property
    def referenced_ids(self) -> tuple[str, ...]:
        """Message-IDs this message answers: In-Reply-To and References (for a bounce: the returned message's)."""
        if self.kind is Kind.BOUNCE:
            ids = (self.returned.message_id, *self.returned.references)
        else:
            ids = (self.mail.in_reply_to, *self.mail.references)
        return tuple(dict.fromkeys(i for i in ids if i))


def classify(raw: bytes, parsed: ParsedMail | None = None) -> Classified:
    """Bounce, then machine report, then automatic reply, else a person's message. Never raises."""
    msg = email.message_from_bytes(raw)
    mail = parsed if parsed is not None else parse_mail(raw, msg)
    bounce = detect_bounce(raw, mail, msg)
    if bounce is not None:
        return Classified(Kind.BOUNCE, mail, raw, bounce.reason, bounce=bounce)
    report = machine_report(msg, mail)
    if report is not None:
        return Classified(Kind.MACHINE_REPORT, mail, raw, report)
    from toolkit.mailsort.autoreply import is_auto_reply

    signal = is_auto_reply(mail)
    if signal is not None:
        return Classified(Kind.AUTOMATIC, mail, raw, signal)
    return Classified(Kind.PERSON, mail, raw)


# --- the reports mailbox -------------------------------------------------------------------------------------------


class ReportOutcome(Enum):
    """Exactly one of these per message in the reports mailbox."""

    NEW_CASE = "nieuwe zaak"
    ADDED = "aanvulling op zaak"
    ACK_UNDELIVERED = "ontvangstbevestiging niet bezorgd"  # joins its case, flagged: the reporter did not get it
    NOT_A_REPORT = "geen melding"


@dataclass(frozen=True)
class ReportDecision:
    outcome: ReportOutcome
    reason: str = ""  # for NOT_A_REPORT: delivery report, feedback/abuse report, automatic reply, DMARC/TLS report
    case: str | None = None


def strong_bounce(item: Classified) -> bool:
    """A bounce shown by more than its subject: DSN structure, NDR headers, a machine sender or its own text."""
    return item.bounce is not None and item.bounce.signal != "onderwerp"


def automatic_for_sure(item: Classified) -> bool:
    """An automatic reply that also reads like one: away wording, no attachment, nothing that reads like a report."""
    return (
        item.kind is Kind.AUTOMATIC
        and not item.mail.attachments
        and reads_away(item.own_text or item.mail.text)
        and not item.words_read_like_report
    )


def report_decision(item: Classified, *, case: str | None, our_mail_case: str | None = None) -> ReportDecision:
    """What a message in the reports mailbox becomes. `case`: the existing case it names or answers (looked up by
    the caller); `our_mail_case`: for a bounce, the case whose mail to a reporter it returns.

    In doubt it is a case: only a bounce with more than a subject, a machine report, or an automatic reply that
    reads like one is set aside as "geen melding".
    """
    if item.kind is Kind.BOUNCE and our_mail_case:
        return ReportDecision(ReportOutcome.ACK_UNDELIVERED, case=our_mail_case)
    if item.kind is Kind.BOUNCE and strong_bounce(item):
        return ReportDecision(ReportOutcome.NOT_A_REPORT, NOT_A_REPORT_DELIVERY)
    if item.kind is Kind.MACHINE_REPORT:
        return ReportDecision(ReportOutcome.NOT_A_REPORT, item.reason)
    if automatic_for_sure(item):
        return ReportDecision(ReportOutcome.NOT_A_REPORT, NOT_A_REPORT_AUTOMATIC)
    if case:
        return ReportDecision(ReportOutcome.ADDED, case=case)
    return ReportDecision(ReportOutcome.NEW_CASE)


def acknowledge_to(item: Classified) -> str | None:
    """The address an acknowledgement may go to: never a machine (mailer-daemon, postmaster, no-reply, …).

    A message a machine generated on someone's behalf (a web-form gateway: `Auto-Submitted: auto-generated`), and
    any bounce or machine report, is answered only at its Reply-To: its From is the gateway. Other header signals
    (Precedence, X-Autoreply, a subject) do not make the sender a machine.
    """
    generated = item.mail.headers.get("auto-submitted", "").strip().lower().startswith("auto-generated")
    gateway = item.kind in (Kind.BOUNCE, Kind.MACHINE_REPORT) or (item.kind is Kind.AUTOMATIC and generated)
    candidates = (item.mail.reply_to,) if gateway else (item.mail.reply_to, item.mail.from_address)
    for address in candidates:
        if address and not is_machine_address(address):
            return address
    return None


# --- the shared mailbox --------------------------------------------------------------------------------------------


class SharedRoute(Enum):
    """Which handler family may look at a message in the shared mailbox, in this order."""

    CASE_REPLY = "zaak"  # a reporter's message for a known case (or a bounce of our mail to a reporter)
    BOUNCE = "onbestelbaar"
    MACHINE = "machinerapport"
    AUTOMATIC = "automatisch"
    PERSON = "mens"  # supplier reply, staff confirmation, a report, or a person looks at it


def shared_route(item: Classified) -> SharedRoute:
    """Machine mail never reaches the reply handlers; a case number keeps a message away from supplier sorting."""
    if item.case_number and not (item.kind is Kind.AUTOMATIC and automatic_for_sure(item)):
        return SharedRoute.CASE_REPLY
    if item.kind is Kind.BOUNCE:
        return SharedRoute.BOUNCE
    if item.kind is Kind.MACHINE_REPORT:
        return SharedRoute.MACHINE
    if item.kind is Kind.AUTOMATIC and not (item.words_read_like_report and not automatic_for_sure(item)):
        return SharedRoute.AUTOMATIC
    return SharedRoute.PERSON
