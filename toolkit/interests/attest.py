"""The yearly interests question: everyone confirms "geen (nieuwe) belangen" or declares one.

A confirmation round (toolkit/rounds.py, the same mechanism as the supplier mailing): every person in service in
medewerkers.xlsx (staff, managers, the director and RvC members) gets one mail per year with the reference
[BV-<jaar>-<Nr>]; the round is kept in the `Belangen …` columns of their row. Reminders after
`[interests] reminder_days`, at most `max_reminders`, then one escalation to HR (for the director and RvC
members to their supervisor, toolkit/governance.py). Replies are sorted by the one
sorter (toolkit/inbox/classify.py); `reply_handler` records "geen belangen", and sends anything else (a declared
interest, a question) to HR with the person's own words, who enters a declaration in belangen.xlsx.

The code asks to report potential mixing of interests "meteen"; it does not ask for a yearly question. The yearly
round is Woonpartners' own arrangement, and the mails say so.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from toolkit.interests import rules
from toolkit.plan import CellChange, Plan, StateChange
from toolkit.registers.schema import STAFF
from toolkit.rounds import FollowUp, FollowUps, RoundColumns, needs_mailing, read_numbered, sent_cells, state_of
from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.inbox.pipeline import Handled, Inbound, InboxRun
    from toolkit.mail.message import OutgoingMail
    from toolkit.mail.sender import SendReport
    from toolkit.registers.reader import Row, Table
    from toolkit.workspace import Workspace

COLUMNS = RoundColumns(
    round="Belangen jaar",
    sent_on="Belangen gevraagd op",
    reminders="Belangen herinneringen",
    reminded_on="Belangen herinnerd op",
    status="Belangen status",
    confirmed_on="Belangen beantwoord op",
)
PURPOSE_QUESTION = "belangen_jaarvraag"
PURPOSE_REMINDER = "belangen_herinnering"
PURPOSE_ESCALATION = "belangen_escalatie"
PURPOSE_ANSWER = "belangen_antwoord"
STARTED_KEY = "interests.attest.{year}.started"
SORT_NONE = "belangen: geen belangen"
SORT_FOR_HR = "belangen: antwoord voor HR"


def in_service(row: Row, today: date) -> bool:
    started, left = row.get("In dienst per"), row.get("Uit dienst per")
    return bool(row.get("Naam")) and (started is None or started <= today) and (left is None or left >= today)


def round_state(row: Row, today: date) -> Any:
    return state_of(row, COLUMNS, active=in_service(row, today), email=row.get("E-mail"))


def started(ws: Workspace, year: int) -> bool:
    return ws.state.get(STARTED_KEY.format(year=year)) is not None


def current_year(ws: Workspace) -> int:
    return rules.attestation_year(ws.today, ws.config.interests.attest_month)


@dataclass
class AttestPlan:
    """Who gets this year's question; nothing written until applied."""

    year: int
    today: date
    messages: list[OutgoingMail] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # mail key -> Nr in medewerkers.xlsx
    no_email: list[str] = field(default_factory=list)
    unnumbered: int = 0
    fingerprint: str = ""
    started: bool = False

    @property
    def plan(self) -> Plan:
        cells: list[CellChange] = []
        for mail in self.messages:
            cells += sent_cells(STAFF.key, COLUMNS, self.rows[mail.key], self.year, self.today, mail.key)
        start = () if self.started else (StateChange(STARTED_KEY.format(year=self.year), self.today.isoformat()),)
        return Plan(tuple(cells), tuple(self.messages), start, {STAFF.key: self.fingerprint})


@dataclass
class AttestResult:
    plan: AttestPlan
    sent: bool
    report: SendReport | None = None
    waiting: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.report is None or self.report.ok


def read_staff(ws: Workspace, *, number: bool) -> Table:
    """medewerkers.xlsx; with `number` (only when sending) people in service without an Nr get one first."""
    return read_numbered(ws, STAFF, number=number, wanted=lambda row: in_service(row, ws.today))


def plan_attestation(ws: Workspace, year: int, *, number: bool = False) -> AttestPlan:
    """Everyone in service who has not had this year's question; reads, writes nothing unless `number`."""
    table = read_staff(ws, number=number)
    plan = AttestPlan(year, ws.today, fingerprint=table.fingerprint, started=started(ws, year))
    for row in table.rows:
        state = round_state(row, ws.today)
        if not state.active:
            continue
        if row.nr is None:
            plan.unnumbered += 1
            continue
        if not state.email:
            plan.no_email.append(f"Nr {row.nr} {row.get('Naam')}")
            continue
        if needs_mailing(state, year):
            mail = question_mail(ws, row, year)
            plan.messages.append(mail)
            plan.rows[mail.key] = row.nr
    return plan


def _context(ws: Workspace, row: Row, year: int) -> dict[str, Any]:
    return {
        "naam": row.get("Naam") or "",
        "rol": row.get("Rol") or "",
        "jaar": year,
        "referentie": rules.attestation_reference(year, row.nr or 0),
        "organisatie": ws.config.organisation.name,
        "afzender": ws.config.mail.sender_name,
        "register": "belangen.xlsx",
        "gevraagd_op": row.get(COLUMNS.sent_on),
    }


def _mail(ws: Workspace, row: Row, purpose: str, key: str, to: str, context: dict[str, Any]) -> OutgoingMail:
    return ws.templates.mail(
        purpose,
        context,
        ws.config.organisation.language,
        key=key,
        to=(to,),
        audit_ref=f"{STAFF.filename} Nr {row.nr}",
    )


def question_mail(ws: Workspace, row: Row, year: int) -> OutgoingMail:
    key = f"{PURPOSE_QUESTION}:{year}:{row.nr}"
    return _mail(ws, row, PURPOSE_QUESTION, key, str(row.get("E-mail")), _context(ws, row, year))


def reminder_mail(ws: Workspace, row: Row, year: int, action: FollowUp) -> OutgoingMail:
    context = {**_context(ws, row, year), "herinnering": action.number}
    key = f"{PURPOSE_REMINDER}:{year}:{row.nr}:{action.number}"
    return _mail(ws, row, PURPOSE_REMINDER, key, str(row.get("E-mail")), context)


def escalation_to(ws: Workspace, row: Row) -> str:
    """HR; for the director and RvC members their supervisor (the RvC chair; for the chair the vice-chair), never
    someone they supervise. HR when no supervisor is configured."""
    from toolkit.governance import Board, supervisor

    organisation = ws.config.organisation
    board = Board(chair_email=organisation.rvc_chair, vice_chair_email=organisation.rvc_vice_chair or "")
    return supervisor(row.get("Rol"), row.get("E-mail"), board) or organisation.hr


def escalation_mail(ws: Workspace, row: Row, year: int) -> OutgoingMail:
    context = {**_context(ws, row, year), "herinneringen": int(row.get(COLUMNS.reminders) or 0)}
    key = f"{PURPOSE_ESCALATION}:{year}:{row.nr}"
    return _mail(ws, row, PURPOSE_ESCALATION, key, escalation_to(ws, row), context)


def run_attestation(ws: Workspace, year: int, *, send: bool) -> AttestResult:
    """Preview (nothing written) or send: each question exactly once, recorded on the person's row."""
    from toolkit.plan import apply_plan

    plan = plan_attestation(ws, year, number=send)
    if not send:
        return AttestResult(plan, False)
    applied = apply_plan(ws, plan.plan)
    return AttestResult(plan, True, applied.send, applied.waiting)


def plan_follow_ups(ws: Workspace, year: int) -> FollowUps:
    from toolkit.registers.reader import read_register
    from toolkit.rounds import plan_follow_ups as round_follow_ups

    settings = ws.config.interests
    table = read_register(ws.register_path(STAFF), STAFF)
    return round_follow_ups(
        ws,
        STAFF,
        COLUMNS,
        ((row, round_state(row, ws.today)) for row in table.rows),
        year,
        reminder_days=settings.reminder_days,
        max_reminders=settings.max_reminders,
        reminder_mail=lambda row, action: reminder_mail(ws, row, year, action),
        escalation_mail=lambda row: escalation_mail(ws, row, year),
    )


@dataclass
class FollowUpResult:
    due: FollowUps
    sent: bool = False
    report: SendReport | None = None
    waiting: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.report is None or self.report.ok


def run_follow_ups(ws: Workspace, year: int, *, send: bool) -> FollowUpResult:
    from toolkit.plan import apply_plan

    due = plan_follow_ups(ws, year)
    if not send:
        return FollowUpResult(due)
    applied = apply_plan(ws, due.plan)
    return FollowUpResult(due, True, applied.send, applied.waiting)


def yearly_body(ws: Workspace) -> str:
    """The periodic job: this year's question to everyone in service (exactly once per person and year)."""
    from toolkit.jobs import JobFailed

    year = current_year(ws)
    result = run_attestation(ws, year, send=True)
    sent = len(result.report.sent) if result.report else 0
    if not result.ok:
        raise JobFailed(f"jaarvraag belangen {year}: niet alles verstuurd")
    return f"jaarvraag belangen {year}: {counted(sent, 'persoon', 'personen')} gemaild"


def follow_up_step(ws: Workspace) -> Any:
    """Nightly: newcomers during a running round get the question; reminders and the escalation to HR."""
    from toolkit.nightly import StepResult

    name = "belangen: jaarvraag en herinneringen"
    year = current_year(ws)
    if not started(ws, year):
        return StepResult(name, True, f"jaarvraag {year} nog niet gestart")
    mailing = run_attestation(ws, year, send=True)
    follow = run_follow_ups(ws, year, send=True)
    reports = [r for r in (mailing.report, follow.report) if r is not None]
    sent = sum(len(r.sent) for r in reports)
    failed = tuple(f"mislukt: {key}: {why}" for r in reports for key, why in r.failed)
    summary = (
        f"jaarvraag {year}: {len(mailing.plan.messages)} nieuw, "
        f"{counted(len(follow.due.reminders), 'herinnering', 'herinneringen')}, "
        f"{counted(len(follow.due.escalations), 'escalatie', 'escalaties')}; {sent} verstuurd"
    )
    return StepResult(name, not failed, summary, failed + mailing.waiting + follow.waiting)


# --- replies in the shared mailbox --------------------------------------------------------------------------------


def _open(row: Row, run: InboxRun) -> bool:
    """This year's question went to the row and no answer is recorded yet."""
    year = current_year(run.ws)
    return str(row.get(COLUMNS.round) or "") == str(year) and row.get(COLUMNS.sent_on) is not None


def _find(run: InboxRun, inbound: Inbound) -> Row | None:
    """The person's own row: by our reference only when the sender is that person (business or private address);
    without one, the sender's own open row when the message is about interests. A colleague, HR or the RvC chair
    answering a mail that carries someone else's reference is left for a person."""
    from toolkit.onboarding.replies import PRIVATE_COLUMN

    sender = (inbound.mail.from_address or "").strip().casefold()
    if not sender:
        return None
    reference = inbound.item.attestation_reference
    if reference is not None:
        nr = int(reference.strip("[]").rsplit("-", 1)[1])
        found = run.index(STAFF, "nr", lambda row: row.nr).get(nr, [])
        own = found and sender in {str(found[0].get(c) or "").strip().casefold() for c in ("E-mail", PRIVATE_COLUMN)}
        return found[0] if own and _open(found[0], run) else None
    rows = run.index(STAFF, "address", lambda row: str(row.get("E-mail") or "").strip().casefold()).get(sender, [])
    open_rows = [row for row in rows if _open(row, run) and row.get(COLUMNS.confirmed_on) is None]
    return open_rows[0] if len(open_rows) == 1 and _mentions_interests(inbound) else None


def _mentions_interests(inbound: Inbound) -> bool:
    """Without our reference, only a message about interests (subject or words) is taken as the answer."""
    text = f"{inbound.mail.subject} {inbound.item.own_text}".lower()
    return "belang" in text or "interest" in text


def reply_handler(run: InboxRun, inbound: Inbound) -> Handled | None:
    """A person's answer to the yearly question: "geen belangen" recorded; anything else to HR with the words.

    Words that name wrongdoing (fraude, belangenverstrengeling, …) are left to the reports intake: a report's
    words never go to HR this way. The first answer counts; a later declaration still goes to HR."""
    from toolkit.inbox.classify import Kind, SharedRoute, shared_route
    from toolkit.inbox.pipeline import Handled
    from toolkit.onboarding.replies import confirmation_day
    from toolkit.rounds import set_cell

    item = inbound.item
    if shared_route(item) is not SharedRoute.PERSON or item.kind is not Kind.PERSON or item.machine_sender:
        return None
    if item.words_read_like_report:
        return None
    row = _find(run, inbound)
    if row is None:
        return None
    ws = run.ws
    sent_on = row.get(COLUMNS.sent_on) or ws.today
    day = confirmation_day(inbound.mail.date, sent_on, ws.today, ws.config.organisation.timezone)
    where = f"{STAFF.filename} Nr {row.nr}"
    answered = run.current(STAFF, row, COLUMNS.confirmed_on) is not None
    if rules.attestation_answer(item.own_text) == rules.NO_INTERESTS:
        if not answered:
            set_cell(run, STAFF, row, COLUMNS.status, rules.NO_INTERESTS)
            set_cell(run, STAFF, row, COLUMNS.confirmed_on, day)
        return Handled(SORT_NONE, note=where)
    set_cell(run, STAFF, row, COLUMNS.status, rules.FOR_HR)
    if not answered:
        set_cell(run, STAFF, row, COLUMNS.confirmed_on, day)
    run.send(answer_for_hr(ws, row, current_year(ws), inbound, day))
    return Handled(SORT_FOR_HR, note=where)


def answer_for_hr(ws: Workspace, row: Row, year: int, inbound: Inbound, day: date) -> OutgoingMail:
    """The person's own words to HR, once per message: HR enters the declaration in belangen.xlsx."""
    from toolkit.mailsort.reply import excerpt

    digest = hashlib.sha256(inbound.key.encode()).hexdigest()[:16]
    context = {
        **_context(ws, row, year),
        "bericht": excerpt(inbound.item.own_text, 2000) or "(geen eigen tekst; zie het oorspronkelijke bericht)",
        "ontvangen_op": day,
        "onderwerp": inbound.mail.subject,
    }
    key = f"{PURPOSE_ANSWER}:{row.nr}:{digest}"
    return _mail(ws, row, PURPOSE_ANSWER, key, ws.config.organisation.hr, context)
