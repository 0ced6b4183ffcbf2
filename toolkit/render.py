"""Result objects rendered in one place: as text for people, or as JSON for scripts."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from toolkit.audit import Verdict
    from toolkit.checks import CheckReport
    from toolkit.gifts.service import GiftCheckResult
    from toolkit.init import InitResult
    from toolkit.mail.sender import SendReport
    from toolkit.monthly import MonthlyResult
    from toolkit.nightly import JobReport
    from toolkit.onboarding.service import MailSummary, OnboardingStatus, WelcomeResult
    from toolkit.raffle.service import RaffleDrawResult, RaffleNotifyResult, RaffleVerifyResult
    from toolkit.reports.followup import DeadlineOverview
    from toolkit.reports.manage import CaseList, CaseView, Stats, UpdateResult
    from toolkit.sidejobs.notify import MailOutcome
    from toolkit.sidejobs.publish import PublishResult
    from toolkit.sidejobs.service import SideJobLine, SideJobReviewResult
    from toolkit.suppliers.replies import InboxSummary, WaitingList
    from toolkit.suppliers.service import FollowUpResult, MailingResult, StatusOverview


OK, BAD, WAIT = "✓", "✗", "…"


def emit(result: Any, as_json: bool = False) -> None:
    """Print a result: JSON when asked, else its text form."""
    if as_json:
        click.echo(json.dumps(to_jsonable(result), ensure_ascii=False, indent=2))
    else:
        for line in text(result):
            click.echo(line)


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {
            f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value) if not f.name.startswith("_")
        }
        if hasattr(value, "ok"):
            data["ok"] = value.ok
        return data
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal | Path):
        return str(value)
    return value


_RENDERERS: dict[str, Callable[[Any], list[str]]] = {}


def renders(qualified_name: str) -> Callable[[Callable[[Any], list[str]]], Callable[[Any], list[str]]]:
    """Register the text form of a result class by its dotted name, so rendering imports nothing heavy up front."""

    def register(func: Callable[[Any], list[str]]) -> Callable[[Any], list[str]]:
        _RENDERERS[qualified_name] = func
        return func

    return register


def text(result: Any) -> list[str]:
    """The lines that show a result to a person."""
    for cls in type(result).__mro__:
        renderer = _RENDERERS.get(f"{cls.__module__}.{cls.__qualname__}")
        if renderer is not None:
            return renderer(result)
    return [str(result)]


@renders("toolkit.init.InitResult")
def _(result: InitResult) -> list[str]:
    lines = [f"Werkmap aangemaakt in {result.root}" + (" (met fictieve voorbeeldgegevens)" if result.demo else "")]
    lines += [f"  {OK} {item}" for item in result.created]
    lines += ["", "Volgende stap:", f"  cd {result.root} && integrity check"]
    return lines


@renders("toolkit.checks.CheckReport")
def _(result: CheckReport) -> list[str]:
    lines = []
    for section in result.sections:
        mark = OK if section.ok else BAD
        lines.append(f"{mark} {section.title}" + (f": {section.ok_line}" if section.ok and section.ok_line else ""))
        lines += [f"    - {problem}" for problem in section.problems]
    problems = sum(len(s.problems) for s in result.sections)
    lines.append("")
    lines.append("Alles in orde." if result.ok else f"{problems} punt(en) om op te lossen.")
    return lines


@renders("toolkit.nightly.JobReport")
def _(result: JobReport) -> list[str]:
    lines = [f"Taak '{result.job}':"]
    for step in result.steps:
        lines.append(f"  {OK if step.ok else BAD} {step.name}: {step.summary}")
        lines += [f"      {detail}" for detail in step.details]
    if result.ok:
        lines.append(f"Klaar: {len(result.steps)} stappen uitgevoerd, geen fouten.")
    else:
        lines.append(f"Klaar met fouten in: {', '.join(result.failed)}.")
    return lines


@renders("toolkit.audit.Verdict")
def _(result: Verdict) -> list[str]:
    if result.ok:
        return [f"{OK} Logboek intact: {result.lines} regels, keten klopt."]
    return [f"{BAD} Logboek niet intact: regel {result.bad_line}: {result.why}."]


@renders("toolkit.mail.sender.SendReport")
def _(result: SendReport) -> list[str]:
    lines = [
        f"{OK if result.ok else BAD} {len(result.sent)} verstuurd, {len(result.already_sent)} al eerder verstuurd"
        + (
            f", {len(result.recovered)} na een onderbreking teruggevonden in Verzonden items"
            if result.recovered
            else ""
        )
        + (f", {len(result.failed)} mislukt" if result.failed else "")
        + f" (van {result.total})."
    ]
    lines += [f"    - {key}: {reason}" for key, reason in result.failed]
    if result.stopped_early:
        lines.append(f"Gestopt: {result.stopped_early}.")
    if result.limit_reached:
        lines.append(f"Limiet van deze run bereikt: {result.not_attempted} bericht(en) volgen bij de volgende run.")
    elif result.not_attempted:
        lines.append(f"Niet geprobeerd: {result.not_attempted} bericht(en).")
    if result.resume_hint and not result.limit_reached:
        lines.append(f"Hervatten: {result.resume_hint}.")
    return lines


@contextmanager
def progress_bar(total: int, label: str = "Versturen") -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr for a batch, shown only when stderr is a terminal; yields `progress(n)`.

    Use: `with progress_bar(len(mails)) as progress: report = mailer.send_all(mails, progress=progress)`.
    Output piped to a file, a log or a test runner stays clean.
    """
    stream = sys.stderr  # CliRunner and redirections replace it: then it is no terminal
    if total < 2 or not stream.isatty():
        yield _no_progress
        return
    with click.progressbar(length=total, label=label, file=stream, show_pos=True) as bar:
        yield bar.update


def _no_progress(steps: int) -> None:
    """Progress nobody sees."""


# -- suppliers -----------------------------------------------------------------------------------


def _send_lines(report: Any) -> list[str]:
    return [] if report is None else ["  " + line for line in text(report)]


@renders("toolkit.suppliers.service.MailingResult")
def _(result: MailingResult) -> list[str]:
    plan = result.plan
    lines = [f"Verzendronde {plan.cycle}: {len(plan.messages)} leverancier(s) krijgen de integriteitscode."]
    lines += [f"  - zonder (geldig) e-mailadres, voor de contracteigenaar: {item}" for item in plan.no_email]
    lines += [f"  - {finding}" for finding in plan.findings]
    if not result.sent:
        if plan.messages:
            first = plan.messages[0]
            lines += ["", "Eerste bericht:", f"  Aan: {', '.join(first.to)}", f"  Onderwerp: {first.subject}", ""]
            lines += ["  " + line for line in first.text.splitlines()]
            lines += [
                "",
                f"Alle berichten staan als .eml in {result.preview_dir}",
                "Er is niets verstuurd. Versturen: integrity suppliers mail --send",
            ]
        return lines
    lines += _send_lines(result.report)
    lines += [f"  {WAIT} {reason}" for reason in result.waiting]
    return lines


@renders("toolkit.suppliers.service.FollowUpResult")
def _(result: FollowUpResult) -> list[str]:
    lines = [f"{len(result.reminders)} herinnering(en) en {len(result.escalations)} escalatie(s) staan klaar."]
    for mail in result.reminders + result.escalations:
        lines.append(f"  - {mail.subject} -> {', '.join(mail.to)}")
    if not result.sent:
        if result.reminders or result.escalations:
            lines.append("Er is niets verstuurd. Versturen: integrity suppliers remind --send")
        return lines
    return lines + _send_lines(result.report) + [f"  {WAIT} {reason}" for reason in result.waiting]


@renders("toolkit.suppliers.service.StatusOverview")
def _(result: StatusOverview) -> list[str]:
    lines = [f"Verzendronde {result.cycle}:"]
    lines += [f"  {status:<16} {count:>5}" for status, count in result.counts.items()]
    if result.attention:
        lines += ["", "Vraagt aandacht:"] + [f"  - {item}" for item in result.attention]
    return lines


def _mail_lines(mail: MailSummary) -> list[str]:
    lines = [f"  Aan: {', '.join(mail.to)}", f"  Onderwerp: {mail.subject}"]
    if mail.attachments:
        lines.append(f"  Bijlagen: {', '.join(mail.attachments)}")
    return [*lines, "", *[f"  | {line}" if line else "  |" for line in mail.text.rstrip().splitlines()]]


@renders("toolkit.onboarding.service.WelcomeResult")
def _(result: WelcomeResult) -> list[str]:
    plan = result.plan
    window = f"in dienst tot en met {plan.window_end:%d-%m-%Y}" + (
        f", vanaf {plan.send_from:%d-%m-%Y}" if plan.send_from else ""
    )
    lines = [f"{WAIT} {problem}" for problem in plan.problems]
    if not result.sent:
        return lines + _welcome_preview(result, window)
    if not plan.due and not result.digest:
        return [*lines, f"Niemand hoeft de integriteitscode nu te krijgen ({window}). Er is niets verstuurd."]
    lines.append(f"{OK} {result.welcomes} welkomstbericht(en) verstuurd ({window}).")
    if result.recorded:
        lines.append(f"{OK} 'Code verzonden op' ingevuld bij {result.recorded} medewerker(s).")
    if result.waiting:
        lines.append(f"{WAIT} 'Code verzonden op' wacht: {result.waiting}")
    if result.digest:
        lines.append(
            f"{OK} Overzicht aan de manager M&O ({', '.join(result.digest.to)}): {len(result.digest_people)} naam/namen."
        )
    lines += [f"{BAD} Niet verstuurd: {line}" for line in result.failed]
    if result.stopped_early:
        lines.append(f"{BAD} {result.stopped_early}")
    return lines


def _welcome_preview(result: WelcomeResult, window: str) -> list[str]:
    plan = result.plan
    if not plan.to_send and not result.digest:
        return [f"Niemand hoeft de integriteitscode nu te krijgen ({window}). Er is niets verstuurd."]
    lines = [f"Voorbeeld: {len(plan.to_send)} nieuwe medewerker(s) krijgen de integriteitscode ({window}):"]
    lines += [f"  - {p.name} ({p.number}), in dienst per {p.start:%d-%m-%Y}, {p.email}" for p in plan.to_send]
    if result.first_welcome:
        lines += ["", "Eerste bericht:", *_mail_lines(result.first_welcome)]
    if result.digest:
        lines += ["", "Overzicht voor de manager Mens & Organisatie:", *_mail_lines(result.digest)]
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
        lines.append(f"{WAIT} {result.to_welcome} nieuwe medewerker(s) wachten op de code: integrity onboarding send")
    lines += [f"{WAIT} {problem}" for problem in result.problems]
    return lines


@renders("toolkit.monthly.MonthlyResult")
def _(result: MonthlyResult) -> list[str]:
    digest = result.digest
    lines = [f"Maandoverzicht {digest.month}: {digest.count} punt(en)"]
    for section in digest.sections:
        lines.append(f"  {section.title}:")
        lines += [f"    - {line}" for line in section.lines] or ["    niets bijzonders"]
    if not result.sent:
        lines.append("Niet verstuurd. Naar HR mailen: integrity monthly --send")
    elif result.report is not None:
        lines += ["  " + line for line in text(result.report)]
    return lines


# -- integrity reports (meldingen): never a reporter's identity unless --reveal -------------------------------


@renders("toolkit.reports.manage.CaseList")
def _(result: CaseList) -> list[str]:
    if not result.cases:
        return ["Geen meldingen in het register."]
    lines = [f"{len(result.cases)} melding(en):"]
    for case in result.cases:
        received = case.received.strftime("%d-%m-%Y") if case.received else "?"
        due = case.feedback_due.strftime("%d-%m-%Y") if case.feedback_due else "-"
        lines.append(
            f"  {case.number}  {received}  {case.status:<15} {case.pseudonym:<7} terugkoppeling uiterlijk {due}"
        )
        lines.append(f"      {case.subject} | behandelaar: {case.handler or 'nog niet toegewezen'}")
    return lines


@renders("toolkit.reports.manage.CaseView")
def _(result: CaseView) -> list[str]:
    case = result.case
    lines = [f"Zaak {case.number} ({case.pseudonym})", f"  Onderwerp: {case.subject}", f"  Status: {case.status}"]
    lines += [
        f"  Melder is: {case.reporter_kind or '-'}; betreft: {case.concerns or '-'}; behandelaar: {case.handler or '-'}"
    ]
    lines += [
        f"  Ontvangen {case.received or '-'}; bevestigd {case.acknowledged or '-'}; terugkoppeling uiterlijk {case.feedback_due or '-'}"
    ]
    lines += ["  Archief:"] + [f"    {f}" for f in result.files]
    lines += ["  Notities:"] + [f"    {n}" for n in result.notes] if result.notes else []
    if result.identity is not None:
        lines += ["", "  VERTROUWELIJK (ingezien; vastgelegd in het logboek):"]
        lines += [f"    {k}: {v or '-'}" for k, v in result.identity.items()]
        for number, body in enumerate(result.messages, start=1):
            lines += [f"  --- bericht {number} ---", *[f"    {line}" for line in body.splitlines()]]
    return lines


@renders("toolkit.reports.manage.UpdateResult")
def _(result: UpdateResult) -> list[str]:
    lines = [
        f"Zaak {result.case}: "
        + (", ".join(f"{k} = {v}" for k, v in result.changed.items()) or "geen registerwijziging")
    ]
    if result.note_added:
        lines.append("  Notitie versleuteld bewaard.")
    if result.message is not None and result.sent:
        lines.append(f"  {OK} Bericht '{result.message.purpose}' aan de melder verstuurd.")
    elif result.message is not None:
        lines += ["", "Voorbeeld (niet verstuurd) aan de melder:", f"Onderwerp: {result.message.subject}", ""]
        lines += result.message.text.splitlines()
        lines += ["", f"Echt versturen: {result.send_command}"]
    return lines


@renders("toolkit.reports.followup.DeadlineOverview")
def _(result: DeadlineOverview) -> list[str]:
    if not result.deadlines:
        return ["Geen open termijnen."]
    lines = [f"Open termijnen op {result.today:%d-%m-%Y}:"]
    for item in result.deadlines:
        mark = BAD if item.overdue else (WAIT if item.days_left <= 14 else OK)
        when = f"{-item.days_left} dag(en) te laat" if item.overdue else f"nog {item.days_left} dag(en)"
        lines.append(f"  {mark} {item.case} {item.kind:<20} uiterlijk {item.due:%d-%m-%Y} ({when}); {item.handler}")
    return lines


@renders("toolkit.reports.manage.Stats")
def _(result: Stats) -> list[str]:
    lines = [f"Meldingen in {result.period}: {result.total}"]
    for title, counts in (
        ("Per status", result.by_status),
        ("Melder is", result.by_reporter),
        ("Betreft", result.by_concerns),
        ("Ontvangstbevestiging", result.acknowledgement),
        ("Terugkoppeling", result.feedback),
    ):
        lines.append(f"  {title}: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "-"))
    return lines


@renders("toolkit.suppliers.replies.InboxSummary")
def _(result: InboxSummary) -> list[str]:
    from toolkit.suppliers.replies import summary_line

    lines = [f"Gedeelde mailbox: {summary_line(result)}."]
    if result.left_for_person:
        lines += ["", "Blijft in de mailbox voor een mens (zie: integrity inbox unmatched):"]
        lines += [f"  - {subject or '(geen onderwerp)'}" for subject in result.left_for_person]
    lines += [f"  {WAIT} {reason}" for reason in result.waiting]
    lines += [f"  {BAD} niet verstuurd: {item}" for item in result.failed]
    return lines


@renders("toolkit.suppliers.replies.WaitingList")
def _(result: WaitingList) -> list[str]:
    if not result.messages:
        return [f"{OK} Er wacht geen post op een mens in de gedeelde mailbox."]
    lines = [f"{len(result.messages)} bericht(en) in de gedeelde mailbox wachten op een mens:"]
    return lines + [f"  {m.date:<16}  {m.sender:<36}  {m.subject or '(geen onderwerp)'}" for m in result.messages]


def _sidejob_who(line: SideJobLine) -> str:
    where = f"Nr {line.nr}" if line.nr is not None else f"rij {line.excel_row}"
    return f"{where}: {line.employee}, {line.function} bij {line.organisation}"


def _section(title: str, lines: list[str]) -> list[str]:
    if not lines:
        return [f"{OK} {title}: geen"]
    return [f"{BAD} {title} ({sum(1 for line in lines if not line.startswith('      '))})", *lines]


@renders("toolkit.sidejobs.service.SideJobReviewResult")
def _(result: SideJobReviewResult) -> list[str]:
    lines = [
        f"Nevenfuncties beoordeeld op {result.today:%d-%m-%Y}: {result.rows} rij(en), {result.ok_rows} zonder opmerkingen."
    ]
    lines += _section(
        "Besluit te laat",
        [
            f"    {_sidejob_who(p.line)}: {p.days_waiting} dagen, uiterlijk {p.decide_by:%d-%m-%Y}"
            for p in result.overdue
        ],
    )
    lines += _section(
        "Wacht op besluit",
        [
            f"    {_sidejob_who(p.line)}: {p.days_waiting} dagen, besluit uiterlijk {p.decide_by:%d-%m-%Y}"
            for p in result.pending
        ],
    )
    lines += _section(
        "Herbevestigen",
        [
            f"    {_sidejob_who(r.line)}: sinds {r.due_on:%d-%m-%Y}; herinnering: {r.reminder}"
            for r in result.reconfirmations
        ],
    )
    conflicts = []
    for c in result.conflicts:
        conflicts.append(
            f"    {_sidejob_who(c.line)}: leverancier '{c.supplier}'; risico nu {c.current_risk or 'leeg'}, voorgesteld {c.suggested_risk}"
        )
    lines += _section("Mogelijk belangenconflict", conflicts)
    other = []
    for o in result.other:
        other += [f"    {_sidejob_who(o.line)}:", *(f"      {finding}" for finding in o.findings)]
    lines += _section("Overige punten", other)
    lines += _section(
        "Niet te beoordelen",
        [f"    rij {u.line.excel_row} ({u.line.employee}): {'; '.join(u.problems)}" for u in result.unjudged],
    )
    lines += [f"  Let op: {note}" for note in result.notes]
    if result.write.written:
        lines.append(f"Register bijgewerkt: {result.write.cells_changed} cel(len) in {result.write.register}.")
    elif result.write.waiting:
        lines.append(f"{WAIT} Register niet bijgewerkt, de wijziging wacht: {result.write.waiting}")
    else:
        lines.append("Register: niets gewijzigd.")
    return lines + (text(result.mail) if result.mail is not None else [])


@renders("toolkit.sidejobs.notify.MailOutcome")
def _(result: MailOutcome) -> list[str]:
    if result.preview:
        lines = [
            f"Voorbeeld: {len(result.prepared)} bericht(en) klaar om te versturen, {len(result.already_sent)} al eerder verstuurd."
        ]
        if result.prepared:
            first = result.prepared[0]
            lines += [
                "",
                "Eerste bericht:",
                f"Aan: {', '.join(first.to)}",
                f"Onderwerp: {first.subject}",
                "",
                first.text.rstrip(),
            ]
            lines += ["", "Alle berichten ziet u met --json."]
        return lines
    lines = [
        f"Mail: {len(result.sent)} verstuurd, {len(result.already_sent)} al eerder verstuurd, {len(result.failed)} mislukt."
    ]
    lines += [f"  {BAD} {key}: {why}" for key, why in result.failed]
    if result.stopped_early:
        lines.append(f"  {WAIT} {result.stopped_early}")
    return lines


@renders("toolkit.sidejobs.publish.PublishResult")
def _(result: PublishResult) -> list[str]:
    lines = [
        f"Overzicht nevenfuncties bestuur en RvC op {result.published_on:%d-%m-%Y}: {len(result.entries)} nevenfunctie(s)."
    ]
    lines += [f"  {OK} {result.html}", f"  {OK} {result.xlsx}"]
    lines += [f"  {BAD} {note}" for note in result.notes]
    return lines


# -- gifts check ---------------------------------------------------------------------------------------------------


def _gift_line(finding: Any) -> str:
    where = f"Nr {finding.nr}" if finding.nr is not None else "zonder Nr"
    what = f"{finding.employee}: {finding.description or '(geen omschrijving)'} van {finding.giver}"
    return f"    {where} (rij {finding.excel_row}) {what}\n        {finding.verdict}"


def _mail_preview_lines(mails: Any, heading: str) -> list[str]:
    if not mails:
        return []
    first, rest = mails[0], mails[1:]
    lines = ["", heading, f"--- eerste bericht, aan {', '.join(first.to)} ---", f"Onderwerp: {first.subject}", ""]
    lines += first.text.rstrip().splitlines()
    lines.append("---")
    lines += [f"  ook aan {', '.join(m.to)}: {m.subject}" for m in rest]
    return lines


def _gift_notify_lines(result: Any) -> list[str]:
    if not result.notify:
        if result.new_findings:
            return ["", f"{result.new_findings} nieuwe bevinding(en), nog niet gemeld: integrity gifts check --notify"]
        return []
    if result.dry_run:
        heading = f"Proefdraai: niets geschreven, niets verstuurd. Zou {len(result.mails)} bericht(en) versturen."
        return [
            *_mail_preview_lines(result.mails, heading),
            "Echt uitvoeren (zonder --dry-run): integrity gifts check --notify",
        ]
    lines = [""]
    if not result.mails:
        lines.append("Geen nieuwe bevindingen: niets te melden.")
    else:
        lines.append(
            f"{OK} {result.sent} bericht(en) verstuurd ({len(result.mails)} afgeleverd of al eerder verstuurd)."
        )
    lines += [f"{BAD} niet verstuurd: {why}" for why in result.failed]
    return lines


@renders("toolkit.gifts.service.GiftCheckResult")
def _(result: GiftCheckResult) -> list[str]:
    against, unjudgeable = result.against_code, result.unjudgeable
    lines = [
        f"Register geschenken ({result.workbook}): {result.judged} rij(en) beoordeeld, {result.ok_rows} OK, "
        f"{len(against)} tegen de code, {len(unjudgeable)} niet te beoordelen.",
        "Per regel: " + ", ".join(f"{rule} {count}" for rule, count in result.per_rule.items()),
    ]
    lines += [f"{WAIT} {note}" for note in result.notes]
    if against:
        lines += ["", "Tegen de code:"] + [_gift_line(f) for f in against]
    if unjudgeable:
        lines += ["", "Niet te beoordelen (vul de genoemde cel aan of verbeter hem):"] + [
            _gift_line(f) for f in unjudgeable
        ]
    lines.append("")
    if result.waiting:
        lines.append(
            f"{WAIT} {result.workbook} is nu niet te schrijven ({result.waiting}); de beoordeling volgt later."
        )
    elif result.cells_written:
        verb = "zou" if result.dry_run else "is"
        lines.append(f"{OK} Beoordeling {verb} bijgewerkt: {result.cells_written} cel(len) in {result.workbook}.")
    else:
        lines.append(f"{OK} Geen beoordeling veranderd; {result.workbook} is niet geschreven.")
    return lines + _gift_notify_lines(result)


# -- Christmas raffle ----------------------------------------------------------------------------------------------


@renders("toolkit.raffle.service.RaffleNotifyResult")
def _(result: RaffleNotifyResult) -> list[str]:
    lines = [f"{WAIT} zonder e-mailadres, niet gemaild: {who}" for who in result.no_email]
    if not result.mails:
        return [*lines, "Geen winnaars met een e-mailadres: niets te versturen."]
    if not result.send:
        heading = f"Voorbeeld: {len(result.mails)} bericht(en) aan winnaars, niets verstuurd."
        send = f"Versturen: integrity raffle notify --year {result.year} --send"
        return [*_mail_preview_lines(result.mails, heading), *lines, send]
    lines.insert(
        0, f"{OK} {result.sent} bericht(en) aan winnaars verstuurd, {result.already_sent} al eerder verstuurd."
    )
    return lines + [f"{BAD} niet verstuurd: {why}" for why in result.failed]


@renders("toolkit.raffle.service.RaffleDrawResult")
def _(result: RaffleDrawResult) -> list[str]:
    lines = []
    if result.retired_sheet:
        lines.append(
            f"{OK} Oude uitslag bewaard als blad '{result.retired_sheet}'; reden in het logboek: {result.reason}"
        )
    lines += [
        f"{OK} Kerstloting {result.year} getrokken: {result.gifts} geschenk(en) onder {result.participants} deelnemer(s) "
        f"(in dienst op {result.participants_on.isoformat()}).",
        f"  Vastgelegd in {result.workbook}, blad '{result.sheet}', om {result.drawn_at}.",
        f"  Seed: {result.seed}   algoritme: {result.algorithm}",
        f"  Pool-digest: {result.pool_digest}",
        f"  Deelnemers-digest: {result.participants_digest}",
        "",
    ]
    lines += [f"  Nr {w.gift_nr}: {w.gift} ({w.giver}) -> {w.winner} ({w.number})" for w in result.winners]
    lines += ["", f"Narekenen: integrity raffle verify --year {result.year}"]
    if result.notification is None:
        lines.append(f"Winnaars mailen: integrity raffle notify --year {result.year} (voorbeeld), daarna met --send")
        return lines
    return lines + ["", *text(result.notification)]


@renders("toolkit.raffle.service.RaffleVerifyResult")
def _(result: RaffleVerifyResult) -> list[str]:
    if result.ok:
        return [
            f"{OK} Kerstloting {result.year} klopt: de uitslag in {result.workbook} (blad '{result.sheet}') is precies "
            f"wat de trekking geeft ({result.gifts} geschenk(en), {result.participants} deelnemer(s))."
        ]
    lines = [f"{BAD} Kerstloting {result.year} klopt niet: {result.differences[0]}"]
    return lines + [f"    ook: {difference}" for difference in result.differences[1:]]
