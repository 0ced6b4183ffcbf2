"""The supplier mailing: who gets the code this cycle, reminders, escalations and the status overview.

Judge, then apply: `plan_mailing` and `plan_follow_ups` read the register and the ledger and write nothing; their
`.plan` (toolkit.plan.Plan) holds the mails and the cells that record them. A preview renders that plan in memory
(the first message and a count; every message as .eml only when asked); `--send` applies it: rows without an Nr
are numbered first, each mail goes once, and a row's Status/Verzonden op is written only for a mail that went.
Escalations to one contract owner go as one digest per run (the mail seam groups mails per recipient and purpose).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import InputError
from toolkit.mail.message import OutgoingMail
from toolkit.plan import CellChange, Plan, StateChange
from toolkit.registers.schema import SUPPLIERS
from toolkit.rounds import RoundState, read_numbered, sent_cells
from toolkit.rounds import plan_follow_ups as plan_follow_ups_of_round
from toolkit.rounds import state_of as round_state
from toolkit.suppliers import rules
from toolkit.suppliers.letters import (
    PURPOSE_CODE,
    PURPOSE_ESCALATION,
    PURPOSE_REMINDER,
    code_attachment,
    code_attachments,
    code_mail,
    escalation_mail,
    reminder_mail,
)
from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.mail.sender import SendReport
    from toolkit.registers.reader import Row, Table
    from toolkit.workspace import Workspace


@dataclass
class MailingPlan:
    """What a mailing would do: the messages, and the suppliers that can't be mailed."""

    cycle: int
    messages: list[OutgoingMail] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # mail key -> Nr
    no_email: list[str] = field(default_factory=list)  # 'Nr 12 Naam (contracteigenaar x)'
    findings: list[str] = field(default_factory=list)
    no_email_rows: list[int] = field(default_factory=list)  # Nr of each active supplier without an address
    fingerprint: str | None = None
    today: Any = None
    started: bool = False  # the cycle's mailing started on an earlier run
    provisional: int = 0  # rows shown with a provisional Nr (no Nr yet): sending numbers them first

    @property
    def plan(self) -> Plan:
        """The mails, and per mail the cells that record it (written only when it went out)."""
        cells: list[CellChange] = []
        for mail in self.messages:
            nr = self.rows[mail.key]
            reference = rules.reference(self.cycle, nr)
            cells += sent_cells(SUPPLIERS.key, rules.COLUMNS, nr, self.cycle, self.today, mail.key, reference)
        cells += [CellChange(SUPPLIERS.key, "Status", rules.NO_EMAIL, nr=nr) for nr in self.no_email_rows]
        started = () if self.started else (StateChange(STARTED_KEY.format(cycle=self.cycle), self.today.isoformat()),)
        return Plan(tuple(cells), tuple(self.messages), started, {SUPPLIERS.key: self.fingerprint or ""})


STARTED_KEY = "suppliers.cycle.{cycle}.started"


def cycle_started(ws: Workspace, cycle: int) -> bool:
    """The cycle's mailing was sent (started) on some run: from then on the nightly job mails newcomers."""
    return ws.state.get(STARTED_KEY.format(cycle=cycle)) is not None


@dataclass
class MailingResult:
    plan: MailingPlan
    sent: bool
    report: SendReport | None = None
    preview_dir: Path | None = None
    waiting: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.report is None or self.report.ok


def cycle_for(ws: Workspace, requested: int | None = None) -> int:
    if requested is not None:
        return requested
    settings = ws.config.suppliers
    cycle = rules.current_cycle(settings.first_year, settings.interval_years, ws.today)
    if cycle is None:
        raise InputError(
            f"de eerste verzendronde begint in {settings.first_year}; op {ws.today:%d-%m-%Y} is er nog geen ronde.",
            hint="wacht tot dat jaar, zet suppliers.first_year in config.toml, of kies een ronde met --cycle.",
        )
    return cycle


def state_of(row: Row) -> RoundState:
    return round_state(row, rules.COLUMNS, active=bool(row.get("Actief")), email=row.get("E-mail"))


def read_suppliers(ws: Workspace, *, number: bool = False) -> Table:
    """The register; with `number` (only when sending) rows without an Nr get one first (a write)."""
    return read_numbered(ws, SUPPLIERS, number=number)


def _provisional_numbers(table: Table) -> dict[int, int]:
    """Excel row -> the Nr a row without one would get (shown in a preview only; --send numbers for real)."""
    highest = max((row.nr for row in table.rows if row.nr is not None), default=0)
    unnumbered = [row.excel_row for row in table.rows if row.nr is None]
    return {excel_row: highest + index for index, excel_row in enumerate(unnumbered, start=1)}


def plan_mailing(ws: Workspace, cycle: int, *, number: bool = False) -> MailingPlan:
    """Who gets the code this cycle; reads the register and writes nothing unless `number` (see read_suppliers)."""
    import dataclasses

    table = read_suppliers(ws, number=number)
    plan = MailingPlan(cycle, findings=[str(f) for f in table.findings if f.location.column in ("E-mail", "Actief")])
    plan.fingerprint, plan.today, plan.started = table.fingerprint, ws.today, cycle_started(ws, cycle)
    provisional = _provisional_numbers(table)
    plan.provisional = len(provisional)
    if provisional:
        plan.findings.append(
            f"{counted(len(provisional), 'rij', 'rijen')} zonder Nr: het voorbeeld toont een voorlopig Nr en kenmerk; "
            f"--send geeft {'hem' if len(provisional) == 1 else 'ze'} eerst een vast Nr"
        )
    attachments = code_attachments(ws)
    for row in table.rows:
        if row.nr is None:
            row = dataclasses.replace(row, nr=provisional[row.excel_row])
        state = state_of(row)
        if not state.active:
            continue
        if not state.email:
            plan.no_email.append(
                f"Nr {row.nr} {row.get('Naam')} (contracteigenaar {row.get('Contracteigenaar') or 'onbekend'})"
            )
            plan.no_email_rows.append(row.nr or 0)
            continue
        if rules.needs_mailing(state, cycle):
            mail = code_mail(ws, row, cycle, attachments.get(row.get("Taal") or "nl", attachments["nl"]))
            plan.messages.append(mail)
            plan.rows[mail.key] = row.nr or 0
    return plan


def run_mailing(
    ws: Workspace,
    plan: MailingPlan,
    *,
    send: bool,
    limit: int | None = None,
    progress: Any = None,
    eml_dir: Path | None = None,
) -> MailingResult:
    """Preview (in memory; every message as .eml in `eml_dir` only when asked) or apply the plan: send exactly once
    and record it in the register. A plan made without numbering is made again with it before sending."""
    from toolkit.plan import apply_plan

    if not send:
        return MailingResult(plan, False, preview_dir=write_preview(ws, plan.messages, eml_dir) if eml_dir else None)
    if plan.provisional:
        plan = plan_mailing(ws, plan.cycle, number=True)
    applied = apply_plan(ws, plan.plan, limit=limit, progress=progress)
    return MailingResult(plan, True, applied.send, waiting=list(applied.waiting))


def write_preview(ws: Workspace, messages: list[OutgoingMail], folder: Path) -> Path:
    """Every message of a preview as an .eml file in `folder` (asked for with --eml; no fsync: it is a preview)."""
    from toolkit.mail.message import build_message

    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.eml"):
        old.unlink()
    sender, name = ws.config.mail.sender, ws.config.mail.sender_name
    for index, mail in enumerate(messages, start=1):
        (folder / f"{index:05d}.eml").write_bytes(build_message(mail, sender, name).as_bytes())
    return folder


@dataclass
class FollowUpResult:
    reminders: list[OutgoingMail] = field(default_factory=list)
    escalations: list[OutgoingMail] = field(default_factory=list)
    sent: bool = False
    report: SendReport | None = None
    waiting: list[str] = field(default_factory=list)
    cells: tuple[CellChange, ...] = ()

    @property
    def plan(self) -> Plan:
        return Plan(self.cells, tuple(self.reminders + self.escalations))

    @property
    def outgoing(self) -> list[OutgoingMail]:
        """The mails as they go out: escalations to one contract owner in one digest."""
        return self.plan.outgoing()

    @property
    def ok(self) -> bool:
        return self.report is None or self.report.ok


def plan_follow_ups(ws: Workspace, cycle: int) -> FollowUpResult:
    """Reminders and escalations due today that the ledger has not sent (read in one query); writes nothing."""
    settings = ws.config.suppliers
    table = read_suppliers(ws)
    due = plan_follow_ups_of_round(
        ws,
        SUPPLIERS,
        rules.COLUMNS,
        ((row, state_of(row)) for row in table.rows),
        cycle,
        reminder_days=settings.reminder_days,
        max_reminders=settings.max_reminders,
        reminder_mail=lambda row, action: reminder_mail(ws, row, cycle, action),
        escalation_mail=lambda row: escalation_mail(ws, row, cycle),
    )
    return FollowUpResult(due.reminders, due.escalations, cells=due.cells)


def run_follow_ups(ws: Workspace, cycle: int, *, send: bool) -> FollowUpResult:
    """Preview, or apply: reminders and escalation digests exactly once, and the reminders recorded in the register."""
    from toolkit.plan import apply_plan

    result = plan_follow_ups(ws, cycle)
    if not send:
        return result
    applied = apply_plan(ws, result.plan)
    result.sent, result.report, result.waiting = True, applied.send, list(applied.waiting)
    return result


@dataclass
class StatusOverview:
    cycle: int
    counts: dict[str, int]
    attention: list[str]


def status_overview(ws: Workspace, cycle: int) -> StatusOverview:
    from toolkit.registers.reader import read_register

    table = read_register(ws.register_path(SUPPLIERS), SUPPLIERS)
    counts: Counter[str] = Counter()
    attention = []
    for row in table.rows:
        if not row.get("Actief"):
            continue
        state = state_of(row)
        status = state.status if state.cycle == str(cycle) else (rules.NO_EMAIL if not state.email else rules.NOT_SENT)
        counts[status or rules.NOT_SENT] += 1
        if status in (rules.QUESTION, rules.BOUNCED, rules.NO_EMAIL) or (
            status == rules.REMINDED and state.reminders >= ws.config.suppliers.max_reminders
        ):
            attention.append(
                f"Nr {row.nr} {row.get('Naam')}: {status} (contracteigenaar {row.get('Contracteigenaar') or 'onbekend'})"
            )
    return StatusOverview(cycle, dict(sorted(counts.items())), attention)


__all__ = ["PURPOSE_CODE", "PURPOSE_ESCALATION", "PURPOSE_REMINDER", "code_attachment"]  # from letters.py
