"""Text forms of the interests register's results (belangen.xlsx and the yearly question)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.render import BAD, OK, WAIT, renders

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
        f"belangen.xlsx: {result.rows} melding(en); {len(result.findings)} bevinding(en), "
        f"{len(result.unjudgeable)} niet te beoordelen, {result.waiting_decision} wacht op besluit."
    ]
    for j in [*result.findings, *result.unjudgeable]:
        where = f"Nr {j.row.nr}" if j.row.nr is not None else f"rij {j.row.excel_row}"
        lines.append(f"  {BAD} {where} {j.declaration.employee}: {j.verdict.text}")
    if result.preview:
        lines.append(
            f"Voorbeeld: {result.cells} cel(len) en {len(result.mails)} bericht(en) zouden worden geschreven en "
            "verstuurd; er is niets geschreven of verstuurd (gebruik --write)."
        )
    else:
        lines.append(f"  {OK} {result.cells} cel(len) geschreven, {result.sent} bericht(en) verstuurd.")
    lines += [f"  - {note}" for note in result.notes]
    lines += [f"  {WAIT} {item}" for item in result.waiting]
    lines += [f"  {BAD} niet verstuurd: {item}" for item in result.failed]
    return lines + (_first(result.mails) if result.preview else [])


@renders("toolkit.interests.attest.AttestResult")
def _(result: AttestResult) -> list[str]:
    plan = result.plan
    lines = [f"Jaarvraag belangen {plan.year}: {len(plan.messages)} persoon/personen krijgen de vraag."]
    if plan.no_email:
        lines += ["Zonder e-mailadres (vraag het persoonlijk):"] + [f"  - {who}" for who in plan.no_email]
    if plan.unnumbered:
        lines.append(f"  - {plan.unnumbered} rij(en) in medewerkers.xlsx zonder Nr: --send geeft ze eerst een Nr")
    if not result.sent:
        lines.append("Voorbeeld: er is niets geschreven of verstuurd (gebruik --send).")
        return lines + _first(plan.messages)
    report = result.report
    sent = len(report.sent) if report else 0
    lines.append(f"  {OK} {sent} bericht(en) verstuurd.")
    if report:
        lines += [f"  {BAD} niet verstuurd: {key}: {why}" for key, why in report.failed]
    return lines + [f"  {WAIT} {item}" for item in result.waiting]


@renders("toolkit.interests.attest.FollowUpResult")
def _(result: FollowUpResult) -> list[str]:
    due = result.due
    lines = [f"Jaarvraag belangen: {len(due.reminders)} herinnering(en), {len(due.escalations)} escalatie(s) naar HR."]
    if not result.sent:
        lines.append("Voorbeeld: er is niets geschreven of verstuurd (gebruik --send).")
        return lines + _first(due.reminders + due.escalations)
    report = result.report
    lines.append(f"  {OK} {len(report.sent) if report else 0} bericht(en) verstuurd.")
    if report:
        lines += [f"  {BAD} niet verstuurd: {key}: {why}" for key, why in report.failed]
    return lines + [f"  {WAIT} {item}" for item in result.waiting]
