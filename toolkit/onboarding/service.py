"""New staff receive the integrity code; the manager M&O plans the conversation; HR sees who is behind.

`plan_welcome` reads the staff register and applies the pure rules (toolkit/onboarding/rules.py).
`send_welcome` builds every message first, so a missing attachment or a broken template stops the run
before anything is sent; then it sends each welcome exactly once (ledger key `welkom:<personeelsnummer>`),
fills in `Code verzonden op`, and sends the manager M&O one digest of the people just welcomed (ledger key
`welkom-overzicht:<day>:<digest of the people>`; each person appears in one digest only). A person whose
welcome the ledger already has as sent is not mailed again; only the register is filled in.
`onboarding_status` is what the monthly HR digest reuses. (The yearly staff-meeting reminder is one of the agenda
reminders in toolkit.dilemmas.)
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from toolkit.errors import InputError
from toolkit.onboarding.rules import Employee, behind, due_for_welcome, has_left, welcome_address, welcome_kind
from toolkit.plan import CellChange
from toolkit.registers.schema import STAFF
from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.mail.message import Attachment, OutgoingMail
    from toolkit.registers.reader import Row, Table
    from toolkit.workspace import Workspace

WELCOME = "welkom"
DIGEST = "welkom_overzicht"
SENT_COLUMN = "Code verzonden op"
CONFIRMED_COLUMN = "Ontvangst bevestigd op"
PRIVATE_COLUMN = "Privé e-mail"
# columns whose unreadable cells change who gets the code: shown as problems of the plan
WELCOME_COLUMNS = ("Personeelsnummer", "E-mail", PRIVATE_COLUMN, "In dienst per", "Uit dienst per", SENT_COLUMN)
STATUS_COLUMNS = ("In dienst per", "Uit dienst per", "Gesprek M&O op", SENT_COLUMN, CONFIRMED_COLUMN)


@dataclass(frozen=True)
class Newcomer:
    """A new employee who is due for the welcome mail."""

    nr: int | None
    excel_row: int
    number: str  # Personeelsnummer
    name: str
    email: str
    start: date
    department: str
    job_title: str
    already_sent: bool = False  # the ledger has the welcome as sent; only the register still needs filling in
    kind: str = WELCOME  # the template for this person's role (welkom, welkom_directeur, welkom_rvc)
    ahead: bool = False  # sent before the first working day, to the private address

    @property
    def key(self) -> str:
        return f"welkom:{self.number}"


@dataclass(frozen=True)
class WelcomePlan:
    """Who is due today, and what stands in the way for others (Dutch lines)."""

    today: date
    window_end: date  # a start on or before this day is due
    send_from: date | None
    due: tuple[Newcomer, ...]
    problems: tuple[str, ...]
    fingerprint: str

    @property
    def to_send(self) -> tuple[Newcomer, ...]:
        return tuple(p for p in self.due if not p.already_sent)


@dataclass(frozen=True)
class MailSummary:
    """One message as a person previews it."""

    to: tuple[str, ...]
    subject: str
    text: str
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True)
class WelcomeResult:
    """A preview (sent=False) or what a real run did."""

    plan: WelcomePlan
    sent: bool
    welcomes: int  # preview: to be sent; real run: newly sent
    first_welcome: MailSummary | None
    digest: MailSummary | None
    digest_people: tuple[str, ...]
    recorded: int = 0  # 'Code verzonden op' cells written
    waiting: str = ""  # the register was open in Excel: the dates follow on a later run
    failed: tuple[str, ...] = ()
    stopped_early: str = ""

    @property
    def ok(self) -> bool:
        return not self.failed and not self.stopped_early


@dataclass(frozen=True)
class BehindEntry:
    number: str
    name: str
    start: date | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class OnboardingStatus:
    """New staff whose onboarding is behind; `to_welcome` is how many would get the code from 'onboarding send'."""

    today: date
    send_from: date | None
    new_staff: int
    to_welcome: int
    behind: tuple[BehindEntry, ...]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.behind


# -- reading the register ---------------------------------------------------------------------------------


def employee_from_row(row: Row) -> Employee:
    """One staff-register row as the plain values the rules take."""
    values = row.values
    return Employee(
        number=str(values.get("Personeelsnummer") or "").strip(),
        name=str(values.get("Naam") or "").strip(),
        email=values.get("E-mail"),
        role=values.get("Rol"),
        manager_email=values.get("Leidinggevende"),
        start=values.get("In dienst per"),
        end=values.get("Uit dienst per"),
        conversation_on=values.get("Gesprek M&O op"),
        code_sent_on=values.get(SENT_COLUMN),
        confirmed_on=values.get(CONFIRMED_COLUMN),
        private_email=values.get(PRIVATE_COLUMN),
    )


def read_staff(ws: Workspace) -> Table:
    from toolkit.registers.reader import read_register

    return read_register(ws.register_path(STAFF), STAFF)


def _findings(table: Table, columns: tuple[str, ...]) -> list[str]:
    return [str(f) for f in table.findings if f.location.column in columns and f.value]


# -- planning the welcome ---------------------------------------------------------------------------------


def plan_welcome(ws: Workspace, table: Table | None = None) -> WelcomePlan:
    """Who gets the code today: from the first working day at the business address, or from [onboarding]
    days_ahead before it at a private address; not gone, not sent."""
    table = table or read_staff(ws)
    config = ws.config.onboarding
    since = config.joined_since
    counts = Counter(employee_from_row(row).number for row in table.rows)
    welcomed = ws.state.delivered_among([f"welkom:{employee_from_row(row).number}" for row in table.rows])
    due: list[Newcomer] = []
    problems = _findings(table, WELCOME_COLUMNS)
    for row in table.rows:
        employee = employee_from_row(row)
        if due_for_welcome(employee, ws.today, config.days_ahead, since):
            problem = _number_problem(table, row, employee, counts)
            if problem:
                problems.append(problem)
            else:
                due.append(_newcomer(row, employee, welcomed, ws.today, config.days_ahead))
        elif due_for_welcome(replace(employee, email="adres@ontbreekt.invalid"), ws.today, config.days_ahead, since):
            problems.append(
                f"{table.path.name}, blad {table.sheet}, rij {row.excel_row}: {employee.name or 'naam onbekend'} "
                f"heeft geen (leesbaar) e-mailadres; vul 'E-mail' in, dan gaat de code de volgende keer mee."
            )
    return WelcomePlan(
        ws.today, ws.today + timedelta(days=config.days_ahead), since, tuple(due), tuple(problems), table.fingerprint
    )


def _number_problem(table: Table, row: Row, employee: Employee, counts: Counter[str]) -> str:
    where = f"{table.path.name}, blad {table.sheet}, rij {row.excel_row}"
    if not employee.number:
        return f"{where}: {employee.name or 'naam onbekend'} heeft geen personeelsnummer; vul 'Personeelsnummer' in."
    if counts[employee.number] > 1:
        return (
            f"{where}: personeelsnummer {employee.number} staat {counts[employee.number]} keer in het register; "
            "maak het uniek, dan gaat de code de volgende keer mee."
        )
    return ""


def _newcomer(row: Row, employee: Employee, welcomed: set[str], today: date, days_ahead: int) -> Newcomer:
    address = welcome_address(employee, today, days_ahead)
    assert employee.start is not None and address  # due_for_welcome checked both
    return Newcomer(
        nr=row.nr,
        excel_row=row.excel_row,
        number=employee.number,
        name=employee.name,
        email=address,
        start=employee.start,
        department=str(row.get("Afdeling") or ""),
        job_title=str(row.get("Functie") or ""),
        already_sent=f"welkom:{employee.number}" in welcomed,
        kind=welcome_kind(employee),
        ahead=employee.start > today,
    )


# -- building the messages --------------------------------------------------------------------------------


def welcome_attachments(ws: Workspace) -> tuple[Attachment, ...]:
    """The code (required) and the handout (optional), read now: a missing file is an InputError naming the key."""
    from toolkit.mail.message import Attachment

    paths = ws.config.paths
    if paths.code_attachment is None:
        raise InputError(
            f"{ws.config.source}: [paths] code_attachment is niet ingesteld; de welkomstmail moet de integriteitscode bevatten.",
            hint='zet code_attachment = "templates/bijlagen/integriteitscode.pdf" onder [paths].',
        )
    found = []
    for key, relative in (("code_attachment", paths.code_attachment), ("handout_attachment", paths.handout_attachment)):
        if relative is None:
            continue
        path = ws.config.path(relative)
        if not path.is_file():
            raise InputError(
                f"bijlage {path} ([paths] {key} in {ws.config.source}) ontbreekt; er is niets verstuurd.",
                hint=f"zet het bestand terug of corrigeer [paths] {key}.",
            )
        found.append(Attachment.from_path(path))
    return tuple(found)


def _language(ws: Workspace) -> str:
    return ws.config.organisation.language


def welcome_mail(ws: Workspace, person: Newcomer, attachments: tuple[Attachment, ...]) -> OutgoingMail:
    # Staff are welcomed by HR (Mens & Organisatie: named and signed as HR, HR's contact block), sent from the
    # toolkit's mailbox, which reads the confirmations; the director and RvC members, whom HR does not onboard, by
    # the integrity mailbox itself.
    config = ws.config
    if person.kind == WELCOME:
        signer = config.mail.signature.hr
        sender_name = f"{signer} {config.organisation.name}"
    else:
        signer, sender_name = config.mail.sender_name, ""
    context = {
        "naam": person.name,
        "organisatie": ws.config.organisation.name,
        "in_dienst_per": person.start,
        "vooraf": person.ahead,
        "bijlagen": [a.filename for a in attachments],
        "afzender": signer,
    }
    return ws.templates.mail(
        person.kind,
        context,
        _language(ws),
        key=person.key,
        purpose=WELCOME,
        to=(person.email,),
        sender_name=sender_name,
        attachments=attachments,
        audit_ref=f"{STAFF.filename} Nr {person.nr}"
        if person.nr is not None
        else f"{STAFF.filename} rij {person.excel_row}",
    )


def digest_key(today: date, people: list[Newcomer]) -> str:
    digest = hashlib.sha256("|".join(sorted(p.number for p in people)).encode("utf-8")).hexdigest()[:16]
    return f"welkom-overzicht:{today.isoformat()}:{digest}"


def _in_digest_key(person: Newcomer) -> str:
    return f"welkom-overzicht-persoon:{person.number}"


def digest_mail(ws: Workspace, people: list[Newcomer]) -> OutgoingMail:
    weeks = ws.config.onboarding.conversation_weeks
    context = {
        "organisatie": ws.config.organisation.name,
        "datum": ws.today,
        "gesprek_weken": weeks,
        "medewerkers": [
            {
                "naam": p.name,
                "personeelsnummer": p.number,
                "afdeling": p.department,
                "functie": p.job_title,
                "in_dienst_per": p.start,
                "gesprek_uiterlijk": p.start + timedelta(weeks=weeks),
            }
            for p in sorted(people, key=lambda p: (p.start, p.name))
        ],
    }
    return ws.templates.mail(
        DIGEST,
        context,
        _language(ws),
        key=digest_key(ws.today, people),
        to=(ws.config.organisation.manager_mo,),
        audit_ref=counted(len(people), "nieuwe medewerker", "nieuwe medewerkers"),
        covers=tuple(_in_digest_key(p) for p in people),  # each person is in one digest only (the ledger's items)
    )


def summary(mail: OutgoingMail) -> MailSummary:
    return MailSummary(mail.to, mail.subject, mail.text, tuple(a.filename for a in mail.attachments))


# -- sending ----------------------------------------------------------------------------------------------


def send_welcome(
    ws: Workspace, plan: WelcomePlan, send: bool, progress: Callable[[int], None] | None = None
) -> WelcomeResult:
    """Preview (send=False) or apply: welcomes, 'Code verzonden op' for each welcome that went, then the digest."""
    from toolkit.plan import Plan, apply_plan

    attachments = welcome_attachments(ws)
    welcomes = [welcome_mail(ws, person, attachments) for person in plan.due]
    in_digests = ws.state.delivered_among([_in_digest_key(p) for p in plan.due])
    candidates = [p for p in plan.due if _in_digest_key(p) not in in_digests]
    digest = digest_mail(ws, candidates) if candidates else None  # rendered now: a template error stops it all
    if not send:
        first = next((summary(m) for m, p in zip(welcomes, plan.due, strict=True) if not p.already_sent), None)
        return WelcomeResult(
            plan,
            False,
            len(plan.to_send),
            first,
            summary(digest) if digest else None,
            tuple(p.name for p in candidates),
        )
    waiting = _waiting_sent_dates(ws)
    cells = tuple(
        CellChange(STAFF.key, SENT_COLUMN, ws.today, nr=p.nr, excel_row=p.excel_row, after=p.key)
        for p in plan.due
        if p.nr is None or p.nr not in waiting
    )
    applied = apply_plan(
        ws, Plan(cells, tuple(welcomes), fingerprints={STAFF.key: plan.fingerprint}), progress=progress
    )
    welcomed = [p for p in plan.due if p.key in applied.delivered]
    in_digest = [p for p in candidates if p in welcomed]
    digest_summary, digest_failed = _send_digest(ws, in_digest)
    names = {p.key: p.name for p in plan.due}
    report = applied.send
    failed = tuple(f"{names.get(key, key)}: {why}" for key, why in (report.failed if report else [])) + digest_failed
    sent_now = report.sent if report else []
    ws.audit.record(
        "onboarding.welcome", actor=ws.actor, target=STAFF.filename, sent=len(sent_now), digest=len(in_digest)
    )
    outcome = applied.save_of(STAFF.filename)
    return WelcomeResult(
        plan,
        True,
        len(sent_now),
        next((summary(m) for m in welcomes if m.key in sent_now), None),
        digest_summary,
        tuple(p.name for p in in_digest),
        recorded=outcome.cells_changed if outcome else 0,
        waiting=outcome.waiting if outcome else "",
        failed=failed,
        stopped_early=report.stopped_early if report else "",
    )


def _waiting_sent_dates(ws: Workspace) -> set[int]:
    """Nrs whose 'Code verzonden op' already waits for a locked workbook: not queued again with a later date."""
    return {
        item["nr"]
        for change in ws.state.pending(STAFF.key)
        for item in change.payload
        if item["column"] == SENT_COLUMN and item["nr"] is not None
    }


def _send_digest(ws: Workspace, people: list[Newcomer]) -> tuple[MailSummary | None, tuple[str, ...]]:
    from toolkit.plan import Plan, apply_plan

    if not people:
        return None, ()
    mail = digest_mail(ws, people)
    applied = apply_plan(ws, Plan(mails=(mail,)))
    if not applied.mail_ok:
        return None, tuple(f"overzicht voor de manager M&O: {why}" for why in applied.failed)
    return summary(mail), ()


# -- status -----------------------------------------------------------------------------------------------


def onboarding_status(ws: Workspace) -> OnboardingStatus:
    """New staff (sent the code, or starting on or after [onboarding] send_from) whose onboarding is behind."""
    table = read_staff(ws)
    config = ws.config.onboarding
    since = config.joined_since
    entries, new_staff = [], 0
    for row in table.rows:
        employee = employee_from_row(row)
        if not _is_new(employee, since) or has_left(employee, ws.today):
            continue
        new_staff += 1
        reasons = behind(employee, ws.today, config.conversation_weeks)
        if reasons:
            entries.append(BehindEntry(employee.number, employee.name, employee.start, tuple(reasons)))
    plan = plan_welcome(ws, table)
    problems = _findings(table, STATUS_COLUMNS)
    return OnboardingStatus(ws.today, since, new_staff, len(plan.to_send), tuple(entries), tuple(problems))


def _is_new(employee: Employee, since: date | None) -> bool:
    """New staff: the toolkit sent them the code, or they start on or after the cut-off (any start without one)."""
    if employee.code_sent_on is not None:
        return True
    return employee.start is not None and (since is None or employee.start >= since)
