"""The side-functions register reviewed as a whole: read it, judge every row, write the toolkit's columns, list for HR.

`review_side_jobs(ws, notify)` is what `integrity sidejobs review`, the nightly step and the monthly HR digest call.
It returns a plain result object and never prints. What it writes: `Beoordeling` and `Herbevestigen voor` for every
row, only where the value differs (a rerun on the same day writes nothing), and with `notify` the date of a
reconfirmation reminder in `Herinnerd op`.

Decisions:
- A row is not judged when a cell the rules read can't be read, or `Status` is empty: judging it would give advice
  built on a guess. Its `Beoordeling` names the cells to correct; `Herbevestigen voor` is left as it is.
- Conflicts are checked against every supplier name in leveranciers.xlsx, active or not: a former supplier can
  return, and a false alarm costs HR one look. An unreadable supplier register is a note, and the review goes on.
  A writing run remembers which suppliers the organisations matched (`toolkit.sidejobs.conflicts`), so the next
  night with both registers unchanged does not read leveranciers.xlsx again.
- With `notify` and `send`, rows without an `Nr` first get one (a write), because a reminder's once-per-period key
  needs it.
- Judge, then apply: the judgement is a Plan (cell changes, mails); only `write` (the toolkit's columns) and `send`
  (mail, and the columns that record it) apply it. Without them nothing is written or sent: `--as-of` looks ahead.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from toolkit.governance import read_board
from toolkit.names import index_of
from toolkit.registers.pending import SaveOutcome
from toolkit.registers.reader import Row, Table, read_register
from toolkit.registers.schema import SIDEJOBS
from toolkit.sidejobs.conflicts import conflict_suppliers
from toolkit.sidejobs.rules import SideJob, SideJobPolicy, SideJobReview, review_side_job

if TYPE_CHECKING:
    from toolkit.plan import CellChange
    from toolkit.sidejobs.notify import MailOutcome
    from toolkit.workspace import Workspace

# Columns the rules read: when one of these can't be read, the row is not judged.
JUDGED_COLUMNS = (
    "Rol",
    "Organisatie",
    "Betaald",
    "Startdatum",
    "Einddatum",
    "Gemeld op",
    "Status",
    "Besluitdatum",
    "Risico belangenverstrengeling",
    "Vastgelegd in personeelsdossier op",
    "Herinnerd op",
)
LISTED_CODES = frozenset({"BESLUIT-OPEN", "BESLUIT-TE-LAAT", "CONFLICT", "HERBEVESTIGEN"})
NOT_JUDGED = "NIET TE BEOORDELEN"


@dataclass(frozen=True)
class SideJobLine:
    """Which row this is about, as HR recognises it."""

    nr: int | None
    excel_row: int
    employee: str
    role: str | None
    function: str
    organisation: str


@dataclass(frozen=True)
class PendingDecision:
    """An open request: days waiting since `Gemeld op` and the last day for a decision."""

    line: SideJobLine
    reported_on: date
    days_waiting: int
    decide_by: date
    overdue: bool


@dataclass(frozen=True)
class ReconfirmationDue:
    """An approved function due for its yearly reconfirmation; `reminder` says what happened to the reminder."""

    line: SideJobLine
    due_on: date
    address: str | None
    reminder: str  # Dutch: 'niet gevraagd', 'verstuurd', 'al verstuurd', 'adres onbekend', ...


@dataclass(frozen=True)
class Conflict:
    """The organisation is (tolerantly) a supplier: the suggested risk and why."""

    line: SideJobLine
    supplier: str
    current_risk: str | None
    suggested_risk: str
    why: str


@dataclass(frozen=True)
class RowFindings:
    """Other findings of one row (S1, S2, DOSSIER, ...), as 'CODE: text'."""

    line: SideJobLine
    findings: tuple[str, ...]


@dataclass(frozen=True)
class Unjudged:
    """A row that could not be judged, with the cells to correct."""

    line: SideJobLine
    problems: tuple[str, ...]


@dataclass(frozen=True)
class SideJobReviewResult:
    """Everything HR needs from one review of the register."""

    today: date
    register: str
    rows: int
    ok_rows: int
    pending: tuple[PendingDecision, ...]  # within the decision term
    overdue: tuple[PendingDecision, ...]  # past the decision term
    reconfirmations: tuple[ReconfirmationDue, ...]
    conflicts: tuple[Conflict, ...]
    other: tuple[RowFindings, ...]
    unjudged: tuple[Unjudged, ...]
    notes: tuple[str, ...]
    write: SaveOutcome
    mail: MailOutcome | None = None
    planned_cells: int = 0  # cells the plan would change (a preview writes none of them)
    preview: bool = False  # nothing was written


@dataclass(frozen=True)
class Judged:
    """One row with its judgement (or why it has none)."""

    row: Row
    line: SideJobLine
    job: SideJob | None
    review: SideJobReview | None
    problems: tuple[str, ...] = ()
    reminded_on: date | None = None  # set when a reminder went out in this run


def review_side_jobs(
    ws: Workspace, notify: bool = False, *, write: bool = False, send: bool = False
) -> SideJobReviewResult:
    """Judge every row on ws.today; with `write` write what changed; with `notify` remind and send HR the digest.

    Without `send`, the mails are built and returned but not sent, and nothing of them is written; without
    `write` (or `send`) no register is written at all.
    """
    send = send and notify
    write = write or send
    notes: list[str] = []
    table = read_register(ws.register_path(SIDEJOBS), SIDEJOBS)
    organisations = (str(row.get("Organisatie")) for row in table.rows if row.get("Organisatie"))
    suppliers = conflict_suppliers(ws, organisations, notes, remember=write)
    board = read_board(ws, notes)
    policy = SideJobPolicy(ws.config.sidejobs.decision_days, ws.config.sidejobs.reconfirm_months, suppliers,
                           board.members, board.chair_name, board.vice_chair_name)  # fmt: skip
    judged = [judge_row(table, row, policy, ws.today) for row in table.rows]
    if send and any(row.nr is None for row in table.rows):
        table = _number_rows(ws, table, judged, notes)
        judged = [judge_row(table, row, policy, ws.today) for row in table.rows]
    reconfirmations = tuple(_reconfirmation(j) for j in judged if j.review and j.review.reconfirm_due)
    if not notify:
        changes = cell_changes(judged)
        outcome = _save(ws, table, changes, notes) if write else SaveOutcome(SIDEJOBS.filename, False)
        result = _result(ws, table, judged, reconfirmations, policy, tuple(notes), outcome)
        return replace(result, planned_cells=len(changes), preview=not write)
    from toolkit.sidejobs.notify import send_digest, send_reminders

    reminders = send_reminders(ws, judged, reconfirmations, policy, not send, notes)
    changes = cell_changes(reminders.judged)
    outcome = _save(ws, table, changes, notes) if write else SaveOutcome(SIDEJOBS.filename, False)
    result = _result(ws, table, reminders.judged, reminders.reconfirmations, policy, tuple(notes), outcome)
    result = replace(result, planned_cells=len(changes), preview=not write)
    return replace(result, mail=send_digest(ws, result, reminders.mail, not send))


def judge_row(table: Table, row: Row, policy: SideJobPolicy, today: date) -> Judged:
    """One row judged, or the reasons it can't be."""
    line = _line(row)
    problems = _problems(table, row)
    if problems:
        return Judged(row, line, None, None, problems)
    job = side_job(row)
    return Judged(row, line, job, review_side_job(job, policy, today))


def side_job(row: Row) -> SideJob:
    """A register row as the rules' plain values."""
    hours = row.get("Uren per maand")
    return SideJob(
        employee=row.get("Medewerker") or "",
        role=row.get("Rol"),
        function=row.get("Nevenfunctie") or "",
        organisation=row.get("Organisatie") or "",
        paid=row.get("Betaald"),
        hours_per_month=float(hours) if hours is not None else None,
        start=row.get("Startdatum"),
        end=row.get("Einddatum"),
        reported_on=row.get("Gemeld op"),
        status=row.get("Status"),
        decided_by=row.get("Besluit door"),
        decided_on=row.get("Besluitdatum"),
        risk=row.get("Risico belangenverstrengeling"),
        filed_on=row.get("Vastgelegd in personeelsdossier op"),
        reminded_on=row.get("Herinnerd op"),
    )


def beoordeling(judged: Judged) -> str:
    """The text for the `Beoordeling` column."""
    if judged.review is None:
        cells = "de cel" if len(judged.problems) == 1 else "de cellen"
        return f"{NOT_JUDGED}: " + "; ".join(judged.problems) + f". Corrigeer {cells}."
    return judged.review.text()


def _line(row: Row) -> SideJobLine:
    return SideJobLine(
        row.nr,
        row.excel_row,
        row.get("Medewerker") or "",
        row.get("Rol"),
        row.get("Nevenfunctie") or "",
        row.get("Organisatie") or "",
    )


def _problems(table: Table, row: Row) -> tuple[str, ...]:
    reasons = {f.location.column: f for f in table.findings if f.location.row == row.excel_row}
    problems = []
    for column in JUDGED_COLUMNS:
        if column in row.unreadable:
            finding = reasons.get(column)
            shown = f"'{finding.value}' " if finding and finding.value else ""
            problems.append(f"kolom {column}: {shown}onleesbaar ({finding.why if finding else 'onbekende waarde'})")
    if row.get("Status") is None and "Status" not in row.unreadable:
        problems.append("kolom Status is leeg")
    return tuple(problems)


def _reconfirmation(judged: Judged) -> ReconfirmationDue:
    assert judged.review is not None and judged.review.reconfirm_by is not None
    return ReconfirmationDue(judged.line, judged.review.reconfirm_by, None, "niet gevraagd (zonder --notify)")


def cell_changes(judged: list[Judged]) -> list[CellChange]:
    """The toolkit's columns where they differ: Beoordeling, Herbevestigen voor, Herinnerd op (a reminder sent)."""
    from toolkit.plan import CellChange

    changes = []
    for item in judged:
        place: dict[str, Any] = {"nr": item.row.nr} if item.row.nr is not None else {"excel_row": item.row.excel_row}
        wanted: dict[str, Any] = {"Beoordeling": beoordeling(item)}
        if item.review is not None:
            wanted["Herbevestigen voor"] = item.review.reconfirm_by
        if item.reminded_on is not None:
            wanted["Herinnerd op"] = item.reminded_on
        for column, value in wanted.items():
            if _differs(item.row, column, value):
                changes.append(CellChange(SIDEJOBS.key, column, value, **place))
    return changes


def _differs(row: Row, column: str, value: Any) -> bool:
    if column in row.unreadable:
        return True
    return row.get(column) != value


def _save(ws: Workspace, table: Table, changes: list[CellChange], notes: list[str]) -> SaveOutcome:
    from toolkit.plan import Plan, apply_plan

    if any(change.nr is None for change in changes) and _locked(table):
        # a waiting change is kept by Nr only: rows without one are judged again when the workbook is free
        changes = [change for change in changes if change.nr is not None]
        notes.append(
            f"Rijen zonder Nr in {SIDEJOBS.filename} krijgen hun beoordeling als het register niet meer open is."
        )
    applied = apply_plan(
        ws, Plan(cells=tuple(changes), fingerprints={SIDEJOBS.key: table.fingerprint}), refuse_as_note=True
    )
    notes += applied.refused
    outcome = applied.save_of(SIDEJOBS.filename)
    if outcome is None:
        return SaveOutcome(SIDEJOBS.filename, False)
    notes += [f"{SIDEJOBS.filename}: {reason}" for reason in outcome.skipped]
    if outcome.waiting:
        notes.append(f"{SIDEJOBS.filename} wacht: {outcome.waiting}")
    return outcome


def _locked(table: Table) -> bool:
    from toolkit.errors import WorkbookLocked
    from toolkit.registers.safety import check_writable

    try:
        check_writable(table.path)
    except WorkbookLocked:
        return True
    return False


def _number_rows(ws: Workspace, table: Table, judged: list[Judged], notes: list[str]) -> Table:
    """Give rows without an Nr one (by writing their Beoordeling), then read the register again."""
    unnumbered = [item for item in judged if item.row.nr is None]
    outcome = _save(ws, table, cell_changes(unnumbered), notes)
    if not outcome.written:
        return table
    return read_register(ws.register_path(SIDEJOBS), SIDEJOBS)


def _pending(judged: Judged, policy: SideJobPolicy) -> PendingDecision | None:
    review, job = judged.review, judged.job
    if review is None or job is None or review.days_waiting is None or job.reported_on is None:
        return None
    decide_by = job.reported_on + timedelta(days=policy.decision_days)
    return PendingDecision(judged.line, job.reported_on, review.days_waiting, decide_by, review.overdue)


def _conflict(judged: Judged, policy: SideJobPolicy) -> Conflict | None:
    review, job = judged.review, judged.job
    if review is None or job is None or review.suggested_risk is None:
        return None
    supplier = index_of(policy.suppliers).match(job.organisation) or ""
    why = next(f.text for f in review.findings if f.code == "CONFLICT")
    return Conflict(judged.line, supplier, job.risk, review.suggested_risk, why)


def _other(judged: Judged) -> RowFindings | None:
    if judged.review is None:
        return None
    texts = tuple(f"{f.code}: {f.text}" for f in judged.review.findings if f.code not in LISTED_CODES)
    return RowFindings(judged.line, texts) if texts else None


def _result(
    ws: Workspace,
    table: Table,
    judged: list[Judged],
    reconfirmations: tuple[ReconfirmationDue, ...],
    policy: SideJobPolicy,
    notes: tuple[str, ...],
    write: SaveOutcome,
) -> SideJobReviewResult:
    pending = [p for p in (_pending(j, policy) for j in judged) if p is not None]
    return SideJobReviewResult(
        today=ws.today,
        register=str(table.path),
        rows=len(judged),
        ok_rows=sum(1 for j in judged if j.review is not None and not j.review.findings),
        pending=tuple(p for p in pending if not p.overdue),
        overdue=tuple(p for p in pending if p.overdue),
        reconfirmations=reconfirmations,
        conflicts=tuple(c for c in (_conflict(j, policy) for j in judged) if c is not None),
        other=tuple(o for o in (_other(j) for j in judged) if o is not None),
        unjudged=tuple(Unjudged(j.line, j.problems) for j in judged if j.review is None),
        notes=notes,
        write=write,
    )


def with_reminder(judged: Judged, policy: SideJobPolicy, today: date) -> Judged:
    """The row judged again as if the reminder of today was already in `Herinnerd op`."""
    assert judged.job is not None
    job = replace(judged.job, reminded_on=today)
    return replace(judged, job=job, review=review_side_job(job, policy, today), reminded_on=today)
