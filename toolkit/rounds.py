"""A confirmation round: mail everyone on a list once per round, record it, follow up, and record the replies.

Two areas run one: the supplier mailing (leveranciers.xlsx, every two years: "bevestig de ontvangst") and the
yearly interests attestation (medewerkers.xlsx: "geen (nieuwe) belangen, of meld er een"). Each keeps its round
on the rows of one register, in toolkit-owned columns named by a `RoundColumns`. What they share lives here:
- `read_numbered`: the register, its rows numbered first when sending (a mail's reference needs the row's Nr);
- the pure rules: who still needs this round's mail (`needs_mailing`), when a reminder or the one escalation
  is due (`follow_up`);
- the cells that record a mail (`sent_cells`), written only when that mail went (`after=` in the Plan);
- `plan_follow_ups`: the reminders and escalations due today that the send ledger has not sent (one query);
- `set_cell`, `record_confirmation` / `record_status`: a reply recorded on the row during an inbox pass (the one sorter,
  toolkit/inbox/classify.py, decided what the message is).
The mails themselves (texts, recipients, references) stay with each area.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from toolkit.plan import CellChange, Plan

if TYPE_CHECKING:
    from toolkit.inbox.pipeline import InboxRun
    from toolkit.mail.message import OutgoingMail
    from toolkit.registers.reader import Row, Table
    from toolkit.registers.schema import Register
    from toolkit.workspace import Workspace

CONFIRMED, QUESTION, BOUNCED, NO_EMAIL = "bevestigd", "vraag", "onbestelbaar", "geen e-mail"
NOT_SENT, SENT, REMINDED = "niet verzonden", "verzonden", "herinnerd"
FINAL_STATUSES = frozenset({CONFIRMED, BOUNCED})
REMINDER, ESCALATION = "herinnering", "escalatie"


@dataclass(frozen=True)
class RoundColumns:
    """The toolkit-owned columns in which a register keeps its round."""

    round: str  # the round (year) the mail was last sent in
    sent_on: str
    reminders: str
    reminded_on: str
    status: str
    confirmed_on: str
    confirmed_by: str | None = None
    reference: str | None = None


@dataclass(frozen=True)
class RoundState:
    """What the register says about one recipient in the current round."""

    nr: int
    active: bool
    email: str | None
    cycle: str | None
    sent_on: date | None
    reminders: int
    reminded_on: date | None
    status: str | None
    answered: bool = False  # an answer is recorded (the confirmed_on column is filled)


def state_of(row: Row, columns: RoundColumns, *, active: bool, email: str | None) -> RoundState:
    """The round's state of a row; `active` and `email` come from the area's own columns."""
    written = row.get(columns.round)
    return RoundState(
        nr=row.nr or 0,
        active=active,
        email=email,
        cycle=str(written) if written not in (None, "") else None,
        sent_on=_day(row.get(columns.sent_on)),
        reminders=_count(row.get(columns.reminders)),
        reminded_on=_day(row.get(columns.reminded_on)),
        status=row.get(columns.status),
        answered=row.get(columns.confirmed_on) is not None,
    )


def _day(value: Any) -> date | None:
    return value if isinstance(value, date) else None


def _count(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def needs_mailing(state: RoundState, cycle: int) -> bool:
    """Active, with an address, and not yet mailed in this round."""
    return state.active and bool(state.email) and not (state.cycle == str(cycle) and state.sent_on is not None)


@dataclass(frozen=True)
class FollowUp:
    kind: str  # REMINDER or ESCALATION
    number: int  # 1..max for reminders; 0 for the escalation


def follow_up(state: RoundState, cycle: int, today: date, reminder_days: int, max_reminders: int) -> FollowUp | None:
    """A reminder after `reminder_days` without an answer, at most `max_reminders`, then one escalation."""
    if (
        state.cycle != str(cycle)
        or state.sent_on is None
        or state.answered
        or state.status in FINAL_STATUSES | {QUESTION}
    ):
        return None
    last = state.reminded_on or state.sent_on
    if today < last + timedelta(days=reminder_days):
        return None
    if state.reminders < max_reminders:
        return FollowUp(REMINDER, state.reminders + 1)
    return FollowUp(ESCALATION, 0)


def sent_cells(
    register: str, columns: RoundColumns, nr: int, cycle: int, today: date, mail_key: str, reference: str = ""
) -> list[CellChange]:
    """The cells that record the round's first mail to a row, written only when that mail went out."""
    values: dict[str, Any] = {
        columns.round: str(cycle),
        columns.sent_on: today,
        columns.reminders: 0,
        columns.status: SENT,
    }
    if columns.reference and reference:
        values[columns.reference] = reference
    return [CellChange(register, column, value, nr=nr, after=mail_key) for column, value in values.items()]


def read_numbered(
    ws: Workspace, register: Register, *, number: bool, wanted: Callable[[Row], bool] | None = None
) -> Table:
    """The round's register; with `number` (only when sending) rows without an Nr (that are `wanted`) get one first,
    so every mail can carry its reference and be recorded on its row. That is a write: never in a preview."""
    from toolkit.errors import InputError
    from toolkit.registers.pending import save
    from toolkit.registers.reader import read_register

    path = ws.register_path(register)
    table = read_register(path, register)
    if number and any(row.nr is None and (wanted is None or wanted(row)) for row in table.rows):
        outcome = save(ws, register, [], table.fingerprint, number_rows=True)
        if outcome.waiting:
            raise InputError(
                f"{register.filename} moet eerst rijnummers krijgen, maar {outcome.waiting}",
                hint="sluit het register in Excel en probeer opnieuw.",
            )
        table = read_register(path, register)
    return table


@dataclass
class FollowUps:
    """Reminders and escalations due today that were not sent before, and the cells that record the reminders."""

    reminders: list[OutgoingMail] = field(default_factory=list)
    escalations: list[OutgoingMail] = field(default_factory=list)
    cells: tuple[CellChange, ...] = ()

    @property
    def plan(self) -> Plan:
        return Plan(self.cells, tuple(self.reminders + self.escalations))


def plan_follow_ups(
    ws: Workspace,
    register: Register,
    columns: RoundColumns,
    rows: Iterable[tuple[Row, RoundState]],
    cycle: int,
    *,
    reminder_days: int,
    max_reminders: int,
    reminder_mail: Callable[[Row, FollowUp], OutgoingMail],
    escalation_mail: Callable[[Row], OutgoingMail],
) -> FollowUps:
    """What is due today per row (the pure rule), less what the ledger already sent (read in one query)."""
    planned: list[tuple[OutgoingMail, int, FollowUp]] = []
    for row, state in rows:
        if row.nr is None:
            continue  # never mailed: nothing to follow up
        action = follow_up(state, cycle, ws.today, reminder_days, max_reminders)
        if action is None:
            continue
        mail = reminder_mail(row, action) if action.kind == REMINDER else escalation_mail(row)
        planned.append((mail, row.nr, action))
    done = ws.state.delivered_among([mail.key for mail, _, _ in planned])
    result = FollowUps()
    cells: list[CellChange] = []
    for mail, nr, action in planned:
        if mail.key in done:
            continue
        if action.kind == REMINDER:
            result.reminders.append(mail)
            cells += [
                CellChange(register.key, columns.reminders, action.number, nr=nr, after=mail.key),
                CellChange(register.key, columns.reminded_on, ws.today, nr=nr, after=mail.key),
                CellChange(register.key, columns.status, REMINDED, nr=nr, after=mail.key),
            ]
        else:
            result.escalations.append(mail)
    result.cells = tuple(cells)
    return result


# --- replies (during an inbox pass) ---------------------------------------------------------------------------------


def set_cell(run: InboxRun, register: Register, row: Row, column: str, value: Any) -> None:
    """Queue one cell for the pass's single write, unless the pass already leaves it at this value."""
    from toolkit.registers.writer import CellUpdate

    if run.current(register, row, column) != value:
        run.update(register, [CellUpdate(column, value, nr=row.nr, excel_row=row.excel_row)])


def record_confirmation(
    run: InboxRun,
    register: Register,
    row: Row,
    columns: RoundColumns,
    day: date,
    by: str | None,
) -> bool:
    """The first confirmation counts: status, day and (when kept) who. False when it was confirmed already."""
    if run.current(register, row, columns.status) == CONFIRMED and (
        run.current(register, row, columns.confirmed_on) is not None
    ):
        return False
    set_cell(run, register, row, columns.status, CONFIRMED)
    set_cell(run, register, row, columns.confirmed_on, day)
    if columns.confirmed_by:
        set_cell(run, register, row, columns.confirmed_by, by)
    return True


def record_status(run: InboxRun, register: Register, row: Row, columns: RoundColumns, status: str) -> None:
    """A question or a bounce; a row already confirmed keeps its confirmation."""
    if run.current(register, row, columns.status) not in (CONFIRMED,):
        set_cell(run, register, row, columns.status, status)
