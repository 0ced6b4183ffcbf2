"""Judge, then apply: an area's judgement returns a Plan; `apply_plan` is the one step that touches the world.

A Plan says what a run would do: cell changes per register, mails (one per item; `apply_plan` makes one digest per
recipient and purpose), and state changes. Building one reads registers and the ledger but writes nothing, so a
preview, `--json` and `--as-of` are renderings of a Plan. `apply_plan` sends first (exactly once, through the
ledger), then writes each register once through `registers.pending.save`, then records the state changes.
A change marked `after=<mail key>` happens only when that mail (or a digest covering it) was delivered;
`unless=<mail key>` only when it was not (for a cell whose value depends on whether a reminder went out).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from toolkit.errors import WorkbookRefused

if TYPE_CHECKING:
    from toolkit.mail.message import OutgoingMail
    from toolkit.mail.sender import SendReport
    from toolkit.registers.pending import SaveOutcome
    from toolkit.workspace import Workspace


@dataclass(frozen=True, slots=True)
class CellChange:
    """One toolkit cell to write: register key ('gifts', 'suppliers', ...), column, value, and the row by Nr or row.

    A typed value for a staff cell (a date or amount typed as text) carries `was`, the text it replaces (the cell
    is left when it holds anything else by then), and `number_format`, the format the real value is shown in.
    """

    register: str
    column: str
    value: Any
    nr: int | None = None
    excel_row: int | None = None
    after: str = ""  # only when this mail key was delivered
    unless: str = ""  # only when this mail key was not delivered
    key: str | None = None  # the row by its key column instead (a keyed register such as meldingen.xlsx)
    number_format: str = ""  # for a typed value: its number format (schema.DATE_FORMAT, schema.AMOUNT_FORMAT)
    was: str | None = None  # for a typed value: the text the staff cell holds now


@dataclass(frozen=True)
class StateChange:
    """One value for the state's key/value store (e.g. 'a supplier cycle started on ...')."""

    key: str
    value: str
    after: str = ""


@dataclass(frozen=True)
class Plan:
    """What a run would do; the same shape for every area. Frozen: building it is judging, not acting."""

    cells: tuple[CellChange, ...] = ()
    mails: tuple[OutgoingMail, ...] = ()
    state: tuple[StateChange, ...] = ()
    fingerprints: Mapping[str, str] = field(default_factory=dict)  # register key -> fingerprint read

    def __add__(self, other: Plan) -> Plan:
        return Plan(
            self.cells + other.cells,
            self.mails + other.mails,
            self.state + other.state,
            {**self.fingerprints, **other.fingerprints},
        )

    @property
    def empty(self) -> bool:
        return not (self.cells or self.mails or self.state)

    def cells_for(self, register: str, delivered: frozenset[str] = frozenset()) -> list[CellChange]:
        """This register's changes whose mail condition holds, given the delivered mail keys and items."""
        return [
            c
            for c in self.cells
            if c.register == register and (not c.after or c.after in delivered) and c.unless not in delivered
        ]

    def registers(self) -> list[str]:
        return list(dict.fromkeys(c.register for c in self.cells))

    def outgoing(self) -> list[OutgoingMail]:
        """The mails as they would go out: one digest per recipient and purpose."""
        from toolkit.mail.digest import combine

        return combine(self.mails)


@dataclass(frozen=True)
class Applied:
    """What apply_plan did: the send report, one save outcome per register, refusals, and what was delivered."""

    send: SendReport | None = None
    saves: tuple[SaveOutcome, ...] = ()
    refused: tuple[str, ...] = ()
    delivered: frozenset[str] = frozenset()  # mail keys and covered items, sent now or before
    outgoing: tuple[OutgoingMail, ...] = ()  # the messages tried this run (digests), for mapping a failure to items

    @property
    def mail_ok(self) -> bool:
        return self.send is None or self.send.ok

    @property
    def sent(self) -> int:
        return 0 if self.send is None else len(self.send.sent) + len(self.send.recovered)

    @property
    def failed(self) -> tuple[str, ...]:
        if self.send is None:
            return ()
        return tuple(f"{key}: {why}" for key, why in self.send.failed) + (
            (self.send.stopped_early,) if self.send.stopped_early else ()
        )

    @property
    def cells_changed(self) -> int:
        return sum(s.cells_changed for s in self.saves)

    @property
    def waiting(self) -> tuple[str, ...]:
        return tuple(f"{s.register}: {s.waiting}" for s in self.saves if s.waiting)

    def save_of(self, register_filename: str) -> SaveOutcome | None:
        return next((s for s in self.saves if s.register == register_filename), None)


def apply_plan(
    ws: Workspace,
    plan: Plan,
    *,
    limit: int | None = None,
    progress: Callable[[int], None] | None = None,
    refuse_as_note: bool = False,
) -> Applied:
    """Send the plan's mails (digests, exactly once), then write each register once, then record the state.

    Mails first: a cell that records a send (`after=`) is written only for what went out. A register write that
    is refused raises WorkbookRefused, unless `refuse_as_note`: then it is reported in `refused` and the rest goes on.
    """
    from toolkit.registers.pending import register_by_key, save
    from toolkit.registers.writer import CellUpdate

    report, delivered, outgoing = _send(ws, plan, limit, progress)
    saves, refused = [], []
    for key in plan.registers():
        register = register_by_key(key)
        updates = [_update(c, CellUpdate) for c in plan.cells_for(key, delivered)]
        try:
            saves.append(save(ws, register, updates, plan.fingerprints.get(key)))
        except WorkbookRefused as exc:
            if not refuse_as_note:
                raise
            refused.append(f"Niets geschreven in {register.filename}: {exc}")
    for change in plan.state:
        if not change.after or change.after in delivered:
            ws.state.set(change.key, change.value)
    return Applied(report, tuple(saves), tuple(refused), delivered, tuple(outgoing))


def _send(
    ws: Workspace, plan: Plan, limit: int | None, progress: Callable[[int], None] | None
) -> tuple[SendReport | None, frozenset[str], list[OutgoingMail]]:
    from toolkit.mail.digest import combine
    from toolkit.mail.sender import undelivered

    if not plan.mails:
        return None, frozenset(), []
    mailer = ws.mailer()
    items = {item for mail in plan.mails for item in (mail.key, *mail.items)}
    mailer.settle(items)
    before = ws.state.delivered_among(items)
    todo = undelivered(ws.state, plan.mails)
    outgoing = combine(todo)
    report = mailer.send_all(outgoing, limit=limit, progress=progress)
    done = {*report.sent, *report.already_sent, *report.recovered}
    delivered = set(before)
    for mail in outgoing:
        if mail.key in done:
            delivered.update((mail.key, *mail.items))
    for mail in plan.mails:  # an item mail is delivered when every item of it is
        if all(item in delivered for item in mail.items):
            delivered.add(mail.key)
    return report, frozenset(delivered), outgoing


def _update(change: CellChange, CellUpdate: Any) -> Any:  # noqa: N803 - the class, imported once per plan
    return CellUpdate(
        change.column,
        change.value,
        nr=change.nr,
        excel_row=change.excel_row,
        number_format=change.number_format,
        was=change.was,
        key=change.key,
    )


def preview_mails(ws: Workspace, plan: Plan) -> list[OutgoingMail]:
    """The digests a preview shows: what apply would send now (the ledger read in one query, nothing written)."""
    from toolkit.mail.digest import combine
    from toolkit.mail.sender import undelivered

    return combine(undelivered(ws.state, plan.mails))
