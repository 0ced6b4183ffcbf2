"""Text forms of the interests register's results (belangen.xlsx and the yearly question)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.render import BAD, OK, WAIT, renders
from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.interests.attest import AttestResult, FollowUpResult
    from toolkit.interests.service import InterestsCheck
    from toolkit.mail.message import OutgoingMail


def _first(mails: list[OutgoingMail]) -> list[str]:
    if not mails:
        return []
    mail = mails[0]
    lines = ["", f"Eerste bericht (aan {', '.join(mail.to)}):", f"  Onderwerp: {mail.subject}"]
    return lines + [f"  {line}" for line in mail.text.splitlines()]


@renders("toolkit.interests.service.InterestsCheck")
def _(result: InterestsCheck) -> list[str]:
    lines = [
        f"belangen.xlsx: {counted(result.rows, 'melding', 'meldingen')}; "
        f"{counted(len(result.findings), 'bevinding', 'bevindingen')}, {len(result.unjudgeable)} niet te beoordelen, "
        f"{counted(result.waiting_decision, 'wacht', 'wachten')} op besluit."
    ]
    for j in [*result.findings, *result.unjudgeable]:
        where = f"Nr {j.row.nr}" if j.row.nr is not None else f"rij {j.row.excel_row}"
        lines.append(f"  {BAD} {where} {j.declaration.employee}: {j.verdict.text}")
    if result.preview:
        lines.append(
            f"Voorbeeld: {counted(result.cells, 'cel', 'cellen')} en {counted(len(result.mails), 'bericht', 'berichten')} "
            "zouden worden geschreven en "
            "verstuurd; er is niets geschreven of verstuurd (gebruik --write)."
        )
    else:
        lines.append(
            f"  {OK} {counted(result.cells, 'cel', 'cellen')} geschreven, "
            f"{counted(result.sent, 'bericht', 'berichten')} verstuurd."
        )
    lines += [f"  - {note}" for note in result.notes]
    lines += [f"  {WAIT} {item}" for item in result.waiting]
    lines += [f"  {BAD} niet verstuurd: {item}" for item in result.failed]
    return lines + (_first(result.mails) if result.preview else [])


@renders("toolkit.interests.attest.AttestResult")
def _(result: AttestResult) -> list[str]:
    plan = result.plan
    people = counted(len(plan.messages), "persoon krijgt", "personen krijgen")
    lines = [f"Jaarvraag belangen {plan.year}: {people} de vraag."]
    if plan.no_email:
        lines += ["Zonder e-mailadres (vraag het persoonlijk):"] + [f"  - {who}" for who in plan.no_email]
    if plan.unnumbered:
        lines.append(
            f"  - {counted(plan.unnumbered, 'rij', 'rijen')} in medewerkers.xlsx zonder Nr: --send geeft "
            f"{'hem' if plan.unnumbered == 1 else 'ze'} eerst een Nr"
        )
    if not result.sent:
        lines.append("Voorbeeld: er is niets geschreven of verstuurd (gebruik --send).")
        return lines + _first(plan.messages)
    report = result.report
    sent = len(report.sent) if report else 0
    lines.append(f"  {OK} {counted(sent, 'bericht', 'berichten')} verstuurd.")
    if report:
        lines += [f"  {BAD} niet verstuurd: {key}: {why}" for key, why in report.failed]
    return lines + [f"  {WAIT} {item}" for item in result.waiting]


@renders("toolkit.interests.attest.FollowUpResult")
def _(result: FollowUpResult) -> list[str]:
    due = result.due
    reminders = counted(len(due.reminders), "herinnering", "herinneringen")
    lines = [f"Jaarvraag belangen: {reminders}, {counted(len(due.escalations), 'escalatie', 'escalaties')} naar HR."]
    if not result.sent:
        lines.append("Voorbeeld: er is niets geschreven of verstuurd (gebruik --send).")
        return lines + _first(due.reminders + due.escalations)
    report = result.report
    lines.append(f"  {OK} {counted(len(report.sent) if report else 0, 'bericht', 'berichten')} verstuurd.")
    if report:
        lines += [f"  {BAD} niet verstuurd: {key}: {why}" for key, why in report.failed]
    return lines + [f"  {WAIT} {item}" for item in result.waiting]
