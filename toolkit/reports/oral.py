"""Reports that did not come by mail: by phone, in a conversation, by letter, or anonymously (`integrity reports new`).

What the Wbk asks, as carried out here:
- The report becomes a case like a mail report: a case number, the date of the conversation (or of the letter) as
  the date of receipt, so the 7-day and 3-month clocks run; a fresh pseudonym; the neutral subject
  'Nieuwe melding (<kanaal>)'. It is stored like a mail report (`archive.add_message`): sealed to the public keys
  of the general address's holders (`holders.holders_at_entry`), so recording needs no secret. Who reported is sealed
  to the identity holders only; an anonymous report has no identity at all.
- The words of the report are sealed as case content, never in the register, a log or the audit.
- An oral report (telefonisch, gesprek) is recorded with the reporter's consent as a **record of the conversation**
  the reporter can check, correct and sign: the toolkit produces that document into the case archive
  (`verslag-M-2026-0001.txt`, sealed like case content); `integrity reports record ZAAK --key …` prints it for
  signing (logged, like --reveal), and `reports update ZAAK --record-confirmed DATUM` records that the reporter confirmed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from toolkit.errors import InputError
from toolkit.reports.cases import case_archive, case_register, new_pseudonym, next_case_number, record_holders
from toolkit.reports.routing import Entry, ReporterKind

if TYPE_CHECKING:
    from toolkit.keys import PrivateKey
    from toolkit.workspace import Workspace

CHANNELS = ("telefonisch", "gesprek", "brief", "anoniem")
ORAL = ("telefonisch", "gesprek")
RECORD_CONFIRMED = "reports.record_confirmed.{case}"  # state: the date the reporter confirmed the record (no content)
RECORD_NAME = "verslag-{case}.txt"


@dataclass(frozen=True)
class OralReport:
    """What the person who took the report typed in."""

    channel: str
    on: date  # date of the conversation or the letter
    text: str
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    reporter_kind: str | None = None
    language: str = "nl"
    consent: bool = False  # the reporter agreed to the conversation being recorded (oral reports)


@dataclass
class NewCaseResult:
    case: str
    channel: str
    received: date
    pseudonym: str
    record: bool  # a record of the conversation was produced for the reporter to sign
    identity_kept: bool

    @property
    def ok(self) -> bool:
        return True


def check(report: OralReport, today: date) -> None:
    """Dutch refusals for what cannot be recorded; nothing is written before this passed."""
    if report.channel not in CHANNELS:
        raise InputError(f"--channel '{report.channel}' bestaat niet.", hint=f"kies uit: {', '.join(CHANNELS)}.")
    if report.on > today:
        raise InputError(f"--date {report.on:%d-%m-%Y} ligt in de toekomst.", hint="geef de datum van het gesprek.")
    if not report.text.strip():
        raise InputError("de melding zelf ontbreekt.", hint="geef de tekst met --text-file BESTAND (of - voor invoer).")
    if report.channel == "anoniem" and (report.name or report.email or report.phone):
        raise InputError(
            "een anonieme melding heeft geen naam, e-mailadres of telefoonnummer.",
            hint="laat --name, --email en --phone weg, of kies een ander kanaal.",
        )
    if report.channel in ORAL and not report.consent:
        raise InputError(
            "een mondelinge melding wordt alleen met toestemming van de melder vastgelegd (Wet bescherming "
            "klokkenluiders).",
            hint="vraag toestemming en geef --consent; de melder krijgt het verslag ter controle en ondertekening.",
        )
    if report.reporter_kind and report.reporter_kind not in set(ReporterKind):
        raise InputError(
            f"--reporter-kind '{report.reporter_kind}' bestaat niet.",
            hint=f"kies uit: {', '.join(k.value for k in ReporterKind)}.",
        )


def record_text(case: str, pseudonym: str, report: OralReport, organisation: str) -> str:
    """The record of the conversation, in Dutch, for the reporter to check, correct and sign."""
    how = {"telefonisch": "telefoongesprek", "gesprek": "gesprek"}.get(report.channel, report.channel)
    lines = [
        f"Verslag van een mondelinge melding bij {organisation}",
        "",
        f"Zaaknummer: {case} (schuilnaam {pseudonym})",
        f"Datum van het {how}: {report.on:%d-%m-%Y}",
        "De melder heeft toestemming gegeven dit gesprek vast te leggen.",
        "",
        "Wat de melder meldde:",
        "",
        report.text.strip(),
        "",
        "Controle door de melder",
        "Ik heb dit verslag gelezen. Het geeft het gesprek juist weer / met deze correcties:",
        "",
        "..................................................................................................",
        "",
        "Naam melder: ..............................   Handtekening: ..............................",
        "Datum: ....................",
        "",
        "Namens de organisatie: ....................   Handtekening: ..............................",
    ]
    return "\n".join(lines) + "\n"


def record_new(ws: Workspace, report: OralReport) -> NewCaseResult:
    """Write the case: sealed archive (text, identity unless anonymous, the record to sign if oral), register, audit."""
    from toolkit.keys import public_keys
    from toolkit.reports.assign import organisation
    from toolkit.reports.casefile import check_keys
    from toolkit.reports.cases import COUNT_KEY
    from toolkit.reports.holders import holders_at_entry

    check(report, ws.today)
    check_keys(ws)  # nobody with a key to seal to: refused before anything is written
    cases = case_register(ws).read()
    number = next_case_number(ws, list(cases), report.on.year)
    pseudonym = new_pseudonym({str(v.get("Melder") or "") for v in cases.values()})
    identity = _identity(report, pseudonym)
    holders = holders_at_entry(organisation(ws), Entry.GENERAL)
    record_holders(ws, number, holders, public_keys(ws))
    oral = report.channel in ORAL
    text = report.text.strip() + "\n"
    attachments: list[tuple[str | None, bytes]] = []
    if oral:
        record = record_text(number, pseudonym, report, ws.config.organisation.name)
        attachments.append((RECORD_NAME.format(case=number), record.encode("utf-8")))
    max_bytes = ws.config.reports.max_attachment_mb * 1024 * 1024
    case_archive(ws).add_message(
        number, 1, holders, report.on.isoformat(), text.encode("utf-8"), text, attachments, max_bytes, identity
    )
    ws.state.set(COUNT_KEY.format(case=number), "1")
    case_register(ws).write({number: _row(report, pseudonym)})
    ws.audit.record("reports.recorded", actor=_os_user(), via=ws.actor, target=number, channel=report.channel)
    return NewCaseResult(number, report.channel, report.on, pseudonym, oral, bool(identity))


def _identity(report: OralReport, pseudonym: str) -> dict[str, Any]:
    if report.channel == "anoniem" or not (report.name or report.email or report.phone):
        return {}
    name = report.name or ""
    if report.phone:
        name = f"{name} (tel. {report.phone})".strip()
    return {"Melder": pseudonym, "Naam": name, "E-mail": report.email or "", "Taal": report.language, "Berichten": ""}


def _row(report: OralReport, pseudonym: str) -> dict[str, Any]:
    row: dict[str, Any] = {
        "Ontvangen op": report.on,
        "Kanaal": report.channel,
        "Melder": pseudonym,
        "Onderwerp": f"Nieuwe melding ({report.channel})",
        "Status": "ontvangen",
        "Ernstige inbreuk": "onbekend",
        "Meldingsadres": Entry.GENERAL.value,
    }
    if report.channel == "anoniem":
        row["Melder is"] = ReporterKind.ANONYMOUS.value
    elif report.reporter_kind:
        row["Melder is"] = report.reporter_kind
    return row


@dataclass(frozen=True)
class RecordView:
    case: str
    text: str

    @property
    def ok(self) -> bool:
        return True


def show_record(ws: Workspace, number: str, key: PrivateKey | None) -> RecordView:
    """The record of the conversation, for printing and signing (a key that opens the case's content); reading it is
    logged (who, when, which case)."""
    from toolkit.reports.access import find_case, require_content

    case = find_case(ws, number)
    key = require_content(ws, case, key, "het verslag van het gesprek")
    archive = case_archive(ws)
    wanted = RECORD_NAME.format(case=case.number)
    for entry in archive.log(case.number, key):
        for file in entry.files:
            if file.role == "bijlage" and file.name == wanted and file.stored_as:
                text = archive.read(case.number, file.stored_as, key).decode("utf-8")
                ws.audit.record("reports.record_shown", actor=_os_user(), via=ws.actor, target=case.number)
                return RecordView(case.number, text)
    raise InputError(
        f"zaak {case.number} heeft geen verslag van een gesprek.",
        hint="alleen mondelinge meldingen (reports new --channel telefonisch of gesprek) hebben een verslag.",
    )


def confirm_record(ws: Workspace, number: str, on: date) -> None:
    """Record that the reporter checked and signed the record (the date only; the signed paper stays on paper)."""
    if on > ws.today:
        raise InputError(
            f"--record-confirmed {on:%d-%m-%Y} ligt in de toekomst.", hint="geef de datum van ondertekening."
        )
    ws.state.set(RECORD_CONFIRMED.format(case=number), on.isoformat())


def record_confirmed(ws: Workspace, number: str) -> date | None:
    value = ws.state.get(RECORD_CONFIRMED.format(case=number))
    return date.fromisoformat(value) if value else None


def _os_user() -> str:
    from toolkit.reports.feedback import os_user

    return os_user()
