"""Text form of onboarding and monthly HR digest results."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.render import BAD, OK, WAIT, mail_preview_lines, month, renders, text
from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.monthly import MonthlyResult
    from toolkit.onboarding.service import MailSummary, OnboardingStatus, WelcomeResult


def _mail_lines(mail: MailSummary) -> list[str]:
    lines = [f"  Aan: {', '.join(mail.to)}", f"  Onderwerp: {mail.subject}"]
    if mail.attachments:
        lines.append(f"  Bijlagen: {', '.join(mail.attachments)}")
    return [*lines, "", *[f"  | {line}" if line else "  |" for line in mail.text.rstrip().splitlines()]]


@renders("toolkit.onboarding.service.WelcomeResult")
def _(result: WelcomeResult) -> list[str]:
    plan = result.plan
    window = f"in dienst tot en met {plan.today:%d-%m-%Y}, met privé-e-mail tot en met {plan.window_end:%d-%m-%Y}" + (
        f", vanaf {plan.send_from:%d-%m-%Y}" if plan.send_from else ""
    )
    lines = [f"{WAIT} {problem}" for problem in plan.problems]
    if not result.sent:
        return lines + _welcome_preview(result, window)
    if not plan.due and not result.digest:
        return [*lines, f"Niemand hoeft de integriteitscode nu te krijgen ({window}). Er is niets verstuurd."]
    if result.welcomes:  # a ✓ only for what went out
        lines.append(f"{OK} {counted(result.welcomes, 'welkomstbericht', 'welkomstberichten')} verstuurd ({window}).")
    elif result.failed or result.stopped_early:
        lines.append(f"{BAD} Geen welkomstbericht verstuurd ({window}).")
    else:
        lines.append(f"Geen nieuw welkomstbericht nodig ({window}); al eerder verstuurd.")
    if result.recorded:
        lines.append(f"{OK} 'Code verzonden op' ingevuld bij {counted(result.recorded, 'medewerker', 'medewerkers')}.")
    if result.waiting:
        lines.append(f"{WAIT} 'Code verzonden op' wacht: {result.waiting}")
    if result.digest:
        lines.append(
            f"{OK} Overzicht aan de manager M&O ({', '.join(result.digest.to)}): "
            f"{counted(len(result.digest_people), 'naam', 'namen')}."
        )
    lines += [f"{BAD} Niet verstuurd: {line}" for line in result.failed]
    if result.stopped_early:
        lines.append(f"{BAD} {result.stopped_early}")
    return lines


def _welcome_preview(result: WelcomeResult, window: str) -> list[str]:
    plan = result.plan
    if not plan.to_send and not result.digest:
        return [f"Niemand hoeft de integriteitscode nu te krijgen ({window}). Er is niets verstuurd."]
    people = counted(len(plan.to_send), "nieuwe medewerker krijgt", "nieuwe medewerkers krijgen")
    lines = [f"Voorbeeld: {people} de integriteitscode ({window}):"]
    lines += [f"  - {p.name} ({p.number}), in dienst per {p.start:%d-%m-%Y}, {p.email}" for p in plan.to_send]
    mails = [m for m in (result.first_welcome, result.digest) if m is not None]
    heading = (
        f"Voorbeeld: het eerste welkomstbericht{' en het overzicht voor de manager M&O' if result.digest else ''}."
    )
    lines += ["", *mail_preview_lines(mails, heading)]
    if result.digest:
        lines.append(
            f"Overzicht voor de manager Mens & Organisatie: {counted(len(result.digest_people), 'naam', 'namen')}."
        )
    if result.first_welcome and result.first_welcome.attachments:
        lines.append(f"Bijlagen: {', '.join(result.first_welcome.attachments)}")
    return [*lines, "", "Er is niets verstuurd."]


@renders("toolkit.onboarding.service.OnboardingStatus")
def _(result: OnboardingStatus) -> list[str]:
    since = f", of in dienst vanaf {result.send_from:%d-%m-%Y}" if result.send_from else ""
    lines = [f"Nieuwe medewerkers op {result.today:%d-%m-%Y}: {result.new_staff} (code verstuurd{since})."]
    for entry in result.behind:
        start = f", in dienst per {entry.start:%d-%m-%Y}" if entry.start else ""
        lines.append(f"{BAD} {entry.name} ({entry.number}){start}:")
        lines += [f"    - {reason}" for reason in entry.reasons]
    if result.ok:
        lines.append(f"{OK} Niemand loopt achter met het gesprek of de bevestiging.")
    if result.to_welcome:
        waiting = counted(result.to_welcome, "nieuwe medewerker wacht", "nieuwe medewerkers wachten")
        lines.append(f"{WAIT} {waiting} op de code: integrity onboarding send")
    lines += [f"{WAIT} {problem}" for problem in result.problems]
    return lines


@renders("toolkit.monthly.MonthlyResult")
def _(result: MonthlyResult) -> list[str]:
    digest = result.digest
    lines = [f"Maandoverzicht {month(digest.month)}: {counted(digest.count, 'punt', 'punten')}"]
    for section in digest.sections:
        lines.append(f"  {section.title}:")
        lines += [f"    - {line}" for line in section.lines] or ["    niets bijzonders"]
    if not result.sent:
        lines.append("Niet verstuurd. Naar HR mailen: integrity monthly --send")
    elif result.report is not None:
        lines += ["  " + line for line in text(result.report)]
    return lines
