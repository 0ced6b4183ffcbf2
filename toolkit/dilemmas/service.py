"""Reminders that put integrity on the agenda, read from dilemmas.xlsx and medewerkers.xlsx, applied as a Plan.

The periodic jobs (`toolkit.jobs.periodic_specs`: agenda-team quarterly, agenda-mt and agenda-rvc by rhythm or
daily against meeting dates, yearly-agenda for the staff meeting) send each period's first reminder; the nightly
step `follow_up_step` sends the one follow-up while the date in `Besproken` is still empty, and gives new rows of
`Casussen` their Nr. Which reminder is due is decided by the pure `toolkit.dilemmas.agenda`; mail goes through the
Plan (one digest per recipient, exactly once through the ledger).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from toolkit.dilemmas.agenda import AGENDAS, Case, Discussed, Reminder, Schedule, due, period_for
from toolkit.errors import ToolkitError
from toolkit.registers.schema import DILEMMA_MEETINGS, DILEMMAS, STAFF
from toolkit.values import counted

if TYPE_CHECKING:
    from collections.abc import Callable

    from toolkit.config import Config
    from toolkit.mail.message import OutgoingMail
    from toolkit.nightly import StepResult
    from toolkit.plan import Plan
    from toolkit.workspace import Workspace

TEAM_TEMPLATE = "dilemmas_teamoverleg"
AGENDA_TEMPLATE = "integriteit_op_de_agenda"
STEP = "integriteit op de agenda: herinneringen"
TITLES = {"team": "teamoverleg", "mt": "MT", "rvc": "RvC", "staff": "medewerkersbijeenkomst"}
LEADER = "leidinggevende"


def schedules(config: Config) -> dict[str, Schedule]:
    """Each agenda's schedule from config.toml ([dilemmas], [board] meetings, [onboarding] agenda_month)."""
    settings, day = config.dilemmas, config.scheduler.monthly_day
    ahead, followup = settings.days_ahead, settings.followup_days
    found = {
        "team": Schedule("team", "quarterly", day=day, days_ahead=ahead, followup_days=followup),
        "staff": Schedule(
            "staff", "yearly", day=1, month=config.onboarding.agenda_month, days_ahead=ahead, followup_days=followup
        ),
    }
    for agenda, rhythm in (("mt", settings.mt_rhythm), ("rvc", settings.rvc_rhythm)):
        meetings = tuple(settings.meeting_dates(agenda, config.board.meetings))
        found[agenda] = (
            Schedule(agenda, "meetings", meetings=meetings, days_ahead=ahead, followup_days=followup)
            if meetings
            else Schedule(agenda, rhythm, day=day, days_ahead=ahead, followup_days=followup)
        )
    return found


@dataclass(frozen=True)
class Leader:
    team: str
    email: str


@dataclass(frozen=True)
class AgendaLine:
    """One agenda's state today: its period, whether it is done, and what this run sends (or would)."""

    agenda: str
    period: str
    done: bool
    reminders: tuple[str, ...]  # ledger keys due now


@dataclass(frozen=True)
class AgendaResult:
    preview: bool
    lines: tuple[AgendaLine, ...]
    mails: tuple[tuple[tuple[str, ...], str], ...]  # (to, subject) of each message (digest) of this run
    sent: int
    notes: tuple[str, ...]
    failed: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.failed


def read_discussed(ws: Workspace, notes: list[str]) -> list[Discussed]:
    """The Besproken sheet; a missing or unreadable workbook is a note (reminders still go)."""
    from toolkit.registers.reader import read_register

    path = ws.register_path(DILEMMA_MEETINGS)
    if not path.exists():
        notes.append(f"{DILEMMAS.filename} bestaat nog niet (aanmaken: integrity dilemmas create)")
        return []
    try:
        table = read_register(path, DILEMMA_MEETINGS)
    except ToolkitError as exc:
        notes.append(f"{DILEMMAS.filename}, blad {DILEMMA_MEETINGS.sheet} niet gelezen: {exc.message}")
        return []
    notes += [str(f) for f in table.findings]
    return [Discussed(str(r.get("Overleg")), str(r.get("Team") or ""), r.get("Datum"))
            for r in table.rows if r.get("Overleg") and r.get("Datum")]  # fmt: skip


def read_staff(ws: Workspace, notes: list[str]) -> tuple[list[Leader], list[str]]:
    """Team leaders in service (team = Afdeling, else their name) and every name (for anonymising)."""
    from toolkit.registers.reader import read_register

    try:
        table = read_register(ws.register_path(STAFF), STAFF)
    except ToolkitError as exc:
        notes.append(f"{STAFF.filename} niet gelezen ({exc.message}): geen teamleiders, geen namen om weg te laten")
        return [], []
    leaders, names = [], []
    for row in table.rows:
        names.append(str(row.get("Naam") or ""))
        left, start = row.get("Uit dienst per"), row.get("In dienst per")
        if row.get("Rol") != LEADER or not row.get("E-mail") or (left and left < ws.today):
            continue
        if start and start > ws.today:
            continue
        leaders.append(Leader(str(row.get("Afdeling") or row.get("Naam") or ""), str(row.get("E-mail"))))
    return leaders, names


def _recipients(ws: Workspace, agenda: str) -> tuple[str, ...]:
    organisation, settings = ws.config.organisation, ws.config.dilemmas
    choices: dict[str, list[str]] = {
        "mt": list(settings.mt_to) or [organisation.director],
        "rvc": list(settings.rvc_to) or [organisation.rvc_chair, organisation.director],
        "staff": [organisation.hr, organisation.director],
    }
    chosen = choices[agenda]
    return tuple(dict.fromkeys(chosen))


def plan_reminders(ws: Workspace, agendas: tuple[str, ...] = AGENDAS, *, follow_up: bool) -> tuple[Plan, AgendaResult]:
    """The reminders due today for these agendas (first ones, or follow-ups) as a Plan; reads, writes nothing."""
    from toolkit.plan import Plan

    notes: list[str] = []
    discussed = read_discussed(ws, notes)
    leaders, names = read_staff(ws, notes) if "team" in agendas else ([], [])
    all_schedules = schedules(ws.config)
    candidates: list[str] = []
    for agenda in agendas:
        period = period_for(all_schedules[agenda], ws.today)
        if period is not None:
            teams = sorted({leader.team for leader in leaders}) if agenda == "team" else [""]
            for team in teams:
                reminder = Reminder(period, team)
                candidates += [reminder.key, Reminder(period, team, True).key]
    delivered = ws.state.delivered_among(candidates) if candidates else set()
    lines, mails = [], []
    for agenda in agendas:
        schedule = all_schedules[agenda]
        teams = sorted({leader.team for leader in leaders}) if agenda == "team" else [""]
        if agenda == "team" and not teams:
            notes.append("geen teamleiders (Rol 'leidinggevende' met E-mail) in medewerkers.xlsx")
        reminders = due(schedule, ws.today, discussed, delivered, teams, follow_up=follow_up)
        period = period_for(schedule, ws.today)
        from toolkit.dilemmas.agenda import done

        finished = period is not None and all(done(period, discussed, team) for team in teams)
        lines.append(AgendaLine(agenda, period.ident if period else "-", finished, tuple(r.key for r in reminders)))
        for reminder in reminders:
            to = tuple(leader.email for leader in leaders if leader.team == reminder.team) if agenda == "team" \
                else _recipients(ws, agenda)  # fmt: skip
            mails.append(_mail(ws, reminder, to, names))
    plan = Plan(mails=tuple(mails))
    return plan, AgendaResult(True, tuple(lines), (), 0, tuple(notes))


def _period_words(reminder: Reminder) -> str:
    from toolkit.mail.templates import format_date

    period = reminder.period
    if period.meeting is not None:
        return f"de vergadering van {format_date(period.meeting)}"
    if "-K" in period.ident:
        year, quarter = period.ident.split("-K")
        return f"het {('eerste', 'tweede', 'derde', 'vierde')[int(quarter) - 1]} kwartaal van {year}"
    if "-" in period.ident:
        return format_date(period.counts_from).split(" ", 1)[1]  # "maart 2027"
    return period.ident


def _mail(ws: Workspace, reminder: Reminder, to: tuple[str, ...], names: list[str]) -> OutgoingMail:
    from toolkit.mail.message import Attachment

    period, organisation = reminder.period, ws.config.organisation
    context: dict[str, object] = {
        "organisatie": organisation.name,
        "overleg": TITLES[period.agenda],
        "periode": _period_words(reminder),
        "vergadering": period.meeting,
        "herinnering": reminder.follow_up,
        "jaar": period.counts_from.year,
        "team": reminder.team,
        "register": DILEMMAS.filename,
        "blad": DILEMMA_MEETINGS.sheet,
    }
    attachments: tuple[Attachment, ...] = ()
    template = AGENDA_TEMPLATE
    if period.agenda == "team":
        template = TEAM_TEMPLATE
        cases = _cases(ws, names)
        context["aantal"] = len(cases)
        context["bijlage"] = f"dilemmas-{period.ident}.txt"
        from toolkit.dilemmas.agenda import cases_text

        title = f"Dilemma's om te bespreken ({_period_words(reminder)}), zonder namen"
        content = cases_text(cases, title).encode("utf-8")
        attachments = (Attachment(str(context["bijlage"]), content, "text/plain; charset=utf-8"),)
    return ws.templates.mail(
        template, context, organisation.language, key=reminder.key, to=to, attachments=attachments,
        audit_ref=reminder.key,
    )  # fmt: skip


def _cases(ws: Workspace, names: list[str]) -> list[Case]:
    from toolkit.dilemmas.agenda import name_patterns, recent_cases
    from toolkit.registers.reader import read_register

    path = ws.register_path(DILEMMAS)
    if not path.exists():
        return []
    try:
        table = read_register(path, DILEMMAS)
    except ToolkitError:
        return []
    rows = [{**row.values, "Nr": row.nr} for row in table.rows]
    settings = ws.config.dilemmas
    return recent_cases(rows, ws.today, settings.recent_months, settings.max_cases, name_patterns(names))


def remind(ws: Workspace, agendas: tuple[str, ...] = AGENDAS, *, follow_up: bool, send: bool) -> AgendaResult:
    """Plan the reminders due; with `send` apply the plan (exactly once), else show what would go."""
    from dataclasses import replace

    from toolkit.plan import apply_plan, preview_mails

    plan, result = plan_reminders(ws, agendas, follow_up=follow_up)
    if not send:
        return replace(result, mails=tuple((m.to, m.subject) for m in preview_mails(ws, plan)))
    applied = apply_plan(ws, plan)
    outgoing = tuple((m.to, m.subject) for m in applied.outgoing)
    return replace(result, preview=False, mails=outgoing, sent=applied.sent, failed=applied.failed)


def job_body(agenda: str) -> Callable[[Workspace], str]:
    """The periodic job of one agenda: its first reminder(s) for the current period."""

    def body(ws: Workspace) -> str:
        from toolkit.jobs import JobFailed

        result = remind(ws, (agenda,), follow_up=False, send=True)
        if not result.ok:
            raise JobFailed(f"herinnering {TITLES[agenda]} niet verstuurd: {'; '.join(result.failed)}")
        line = result.lines[0]
        if result.sent:
            return (
                f"herinnering {TITLES[agenda]} {line.period}: {counted(result.sent, 'bericht', 'berichten')} verstuurd"
            )
        return f"{TITLES[agenda]} {line.period}: al besproken" if line.done else "niets te doen"

    return body


def follow_up_step(ws: Workspace) -> StepResult:
    """Nightly: one follow-up per open period without a date in Besproken; new Casussen rows get their Nr."""
    from toolkit.nightly import StepResult
    from toolkit.registers.pending import save

    details: list[str] = []
    if ws.register_path(DILEMMAS).exists():
        try:
            outcome = save(ws, DILEMMAS, [], number_rows=True)
            if outcome.numbers_assigned:
                cases = counted(outcome.numbers_assigned, "nieuwe casus", "nieuwe casussen")
                details.append(f"{cases} genummerd in {DILEMMAS.filename}")
            if outcome.waiting:
                details.append(f"{DILEMMAS.filename} wacht: {outcome.waiting}")
        except ToolkitError as exc:
            details.append(f"{DILEMMAS.filename}: {exc.message}")
    result = remind(ws, follow_up=True, send=True)
    details += [*result.notes, *result.failed]
    summary = f"{counted(result.sent, 'herinnering', 'herinneringen')} verstuurd" if result.sent else "niets te doen"
    return StepResult(STEP, result.ok, summary, tuple(details))
