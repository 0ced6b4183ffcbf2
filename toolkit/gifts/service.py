"""`integrity gifts check`: judge every row of geschenken.xlsx, write the judgement, notify new findings once.

- Reads geschenken.xlsx (every row, never a crash), leveranciers.xlsx (active suppliers, for G5; when it can't
  be read the check says so and judges without it) and medewerkers.xlsx (`Naam` -> `Leidinggevende`).
- A row with an unreadable cell, or an empty required cell, is not judged by the rules: its `Beoordeling`
  names the cell problem, e.g. 'Niet te beoordelen: Waarde (€) onleesbaar ("ongeveer dertig")'.
- `Beoordeling` and `Beoordeeld op` are written only for rows whose judgement text changed, so a rerun with
  nothing changed writes nothing (through `pending.save`: a workbook open in Excel gets it later).
- With `notify`: a finding is notified once, keyed by `finding_key` (it changes when the row changes). One
  message per new finding *in strijd* with the code to the employee's manager (findings *ter beoordeling* or *niet
  te beoordelen* are for the integrity officer only), and one digest of all new findings (and new rows that
  can't be judged) to the integrity officer; a finding whose manager is unknown is in the digest as
  'leidinggevende onbekend'. The send ledger keeps, per finding, whether the manager's mail and the digest went;
  each goes once. A manager with several new findings gets one mail (the mail seam's digest per recipient).
- Judge, then apply: `judge_gifts` returns the plan and writes nothing; `check_gifts` applies it only when asked
  (`write`, `send`), so `integrity gifts check` without --write/--send is a preview.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from toolkit.gifts.inputs import active_suppliers, managers_by_name
from toolkit.gifts.notify import (
    GiftFinding,
    finding,
    mails_for,
)
from toolkit.gifts.notify import with_news as _with_news
from toolkit.gifts.rules import (
    FOR_REVIEW,
    IN_BREACH,
    RULES,
    Gift,
    GiftPolicy,
    Judgement,
    judge_gift_rows,
    summarise,
)
from toolkit.gifts.rules import (
    UNJUDGEABLE as UNJUDGEABLE_WEIGHT,
)
from toolkit.registers.schema import GIFTS
from toolkit.values import counted, format_count_nl

if TYPE_CHECKING:
    from toolkit.mail.message import OutgoingMail
    from toolkit.nightly import StepResult
    from toolkit.plan import CellChange, Plan
    from toolkit.registers.reader import Row, Table
    from toolkit.workspace import Workspace

VERDICT = "Beoordeling"
JUDGED_ON = "Beoordeeld op"
UNJUDGEABLE = "Niet te beoordelen"
STEP_NAME = "geschenken beoordelen"

# The register columns a judgement depends on, and the Gift field each one fills.
FIELDS = {
    "Datum ontvangen": "received",
    "Medewerker": "employee",
    "Gever": "giver",
    "Soort": "kind",
    "Omschrijving": "description",
    "Waarde (€)": "value",
    "Bezorgd op privéadres": "private_address",
    "Relatie in onderhandeling of toezicht": "negotiating",
    "Besluit": "decision",
    "Overlegd met leidinggevende": "consulted_manager",
}
REQUIRED = frozenset(header for header in FIELDS if GIFTS.column(header).required)


@dataclass(frozen=True)
class MailPreview:
    """One message of this run: sent, or only shown (dry run)."""

    kind: str
    to: tuple[str, ...]
    subject: str
    text: str


@dataclass(frozen=True)
class GiftCheckResult:
    """What `gifts check` found, wrote and sent."""

    workbook: str
    judged: int
    ok_rows: int
    per_rule: Mapping[str, int]
    against_code: tuple[GiftFinding, ...]
    unjudgeable: tuple[GiftFinding, ...]
    for_review: tuple[GiftFinding, ...]
    cells_written: int
    waiting: str
    notes: tuple[str, ...]
    notify: bool
    dry_run: bool
    new_findings: int
    mails: tuple[MailPreview, ...]
    sent: int
    failed: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when the check ran and every notification that was due went out."""
        return not self.failed


@dataclass(frozen=True, slots=True)
class _Assessed:
    row: Row
    gift: Gift
    judgement: Judgement | None  # None: the row can't be judged
    verdict: str


# -- reading -----------------------------------------------------------------------------------------------------


def _raw_cell(row: Row, header: str) -> Any:
    from toolkit.registers.reader import normalise_header

    wanted = normalise_header(header)
    for name, value in row.raw.items():
        if normalise_header(name) == wanted:
            return value
    return None


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cell_problems(row: Row) -> list[str]:
    """The cells that keep a row from being judged: unreadable, or required and empty."""
    if not row.unreadable and None not in map(row.values.get, REQUIRED):  # nearly every row
        return []
    problems = []
    for header in FIELDS:
        if header in row.unreadable:
            problems.append(f'{header} onleesbaar ("{_shown(_raw_cell(row, header))}")')
        elif header in REQUIRED and row.get(header) is None:
            problems.append(f"{header} leeg")
    return problems


def gift_of(row: Row) -> Gift:
    """The row as the rules see it (empty text as '')."""
    received, employee, giver, kind, description, value, private, negotiating, decision, consulted = map(
        row.values.get, FIELDS
    )
    return Gift(
        received=received,
        employee=employee or "",
        giver=giver or "",
        kind=kind,
        description=description or "",
        value=value,
        private_address=private,
        negotiating=negotiating,
        decision=decision,
        consulted_manager=consulted,
    )


def assess_all(rows: Sequence[Row], policy: GiftPolicy) -> tuple[_Assessed, ...]:
    """Judge every row (gifts from one giver to one person added up), or say which cells keep a row from it."""
    problems = {row.excel_row: cell_problems(row) for row in rows}
    gifts = {row.excel_row: gift_of(row) for row in rows}
    judged = judge_gift_rows(
        [(row.excel_row, gifts[row.excel_row]) for row in rows if not problems[row.excel_row]], policy
    )
    assessed = []
    for row in rows:
        gift = gifts[row.excel_row]
        if problems[row.excel_row]:
            assessed.append(_Assessed(row, gift, None, f"{UNJUDGEABLE}: " + "; ".join(problems[row.excel_row])))
        else:
            judgement = judged[row.excel_row]
            assessed.append(_Assessed(row, gift, judgement, judgement.text()))
    return tuple(assessed)


# -- the plan: cell changes -------------------------------------------------------------------------------------


def cell_changes(assessed: Sequence[_Assessed], today: Any) -> tuple[CellChange, ...]:
    """`Beoordeling` and `Beoordeeld op` for each row whose judgement text changed."""
    from toolkit.plan import CellChange

    changes: list[CellChange] = []
    for item in assessed:
        if (item.row.get(VERDICT) or "").strip() == item.verdict:
            continue
        nr, excel_row = (item.row.nr, None) if item.row.nr is not None else (None, item.row.excel_row)
        changes.append(CellChange(GIFTS.key, VERDICT, item.verdict, nr=nr, excel_row=excel_row))
        changes.append(CellChange(GIFTS.key, JUDGED_ON, today, nr=nr, excel_row=excel_row))
    return tuple(changes)


def _preview(mail: OutgoingMail) -> MailPreview:
    return MailPreview(mail.purpose, mail.to, mail.subject, mail.text)


# -- the check ---------------------------------------------------------------------------------------------------


def _policy(ws: Workspace, notes: list[str], *, remember: bool = False) -> GiftPolicy:
    return GiftPolicy(
        limit=Decimal(str(ws.config.gifts.limit)),
        active_suppliers=active_suppliers(ws, notes, remember=remember),
        sum_window_days=ws.config.gifts.sum_window_days,
    )


@dataclass(frozen=True)
class GiftJudgement:
    """Every row judged, the findings (with whether each is new), and the plan that follows from them."""

    table: Table
    assessed: tuple[_Assessed, ...]
    findings: tuple[GiftFinding, ...]
    notes: tuple[str, ...]
    plan: Plan
    policy: GiftPolicy = GiftPolicy()
    managers: Mapping[str, str] | None = None
    news: tuple[tuple[GiftFinding, bool, bool], ...] = ()  # per flagged row: (finding, new for manager, for digest)


def judge_gifts(ws: Workspace, notify: bool, *, remember: bool = False) -> GiftJudgement:
    """Read and judge the register; the plan holds the changed judgements and (with notify) the new findings' mails.

    Reads the registers (each once) and the send ledger; writes nothing but, with `remember` (a writing run), the
    active suppliers' names it read (`gifts.inputs`).
    """
    from toolkit.registers.reader import read_register

    table = read_register(ws.register_path(GIFTS), GIFTS)
    notes: list[str] = []
    policy = _policy(ws, notes, remember=remember)
    managers = managers_by_name(ws, notes)
    return _judged(ws, table, policy, managers, notes, notify)


def _judged(
    ws: Workspace, table: Table, policy: GiftPolicy, managers: Mapping[str, str], notes: list[str], notify: bool
) -> GiftJudgement:
    """Judge rows already read (pure but for the send ledger, read once for every finding)."""

    notes = list(notes)
    assessed = assess_all(table.rows, policy)
    flagged = [item for item in assessed if item.judgement is None or not item.judgement.ok]
    findings = [finding(item, managers) for item in flagged]
    news = _with_news(ws, findings)
    return _planned(ws, table, assessed, news, notes, notify, policy, managers)


def _planned(
    ws: Workspace,
    table: Table,
    assessed: tuple[_Assessed, ...],
    news: Sequence[tuple[GiftFinding, bool, bool]],
    notes: list[str],
    notify: bool,
    policy: GiftPolicy,
    managers: Mapping[str, str],
) -> GiftJudgement:
    from toolkit.plan import Plan

    findings = [f for f, _, _ in news]
    unnumbered = sum(1 for f in findings if not f.key)
    if unnumbered:
        notes.append(
            f"{counted(unnumbered, 'rij', 'rijen')} zonder Nr: "
            f"{'die wordt' if unnumbered == 1 else 'die worden'} gemeld zodra het register geschreven is"
        )
    flagged = [item for item in assessed if item.judgement is None or not item.judgement.ok]
    mails = mails_for(ws, flagged, news) if notify else ()
    plan = Plan(cells=cell_changes(assessed, ws.today), mails=mails, fingerprints={GIFTS.key: table.fingerprint})
    return GiftJudgement(table, assessed, tuple(findings), tuple(notes), plan, policy, managers, tuple(news))


def _renumbered(ws: Workspace, judged: GiftJudgement, applied: Any, notify: bool) -> GiftJudgement:
    """After a write that numbered new rows: the same judgements with the new numbers, without reading or judging
    the registers again (a judgement does not depend on Nr; only the numbered rows' findings get their key), when
    the write went to the very file that was read. Otherwise everything is read and judged again."""
    from dataclasses import replace

    save = applied.save_of(GIFTS.filename)
    if save is None or not save.as_read or judged.managers is None:
        return judge_gifts(ws, notify, remember=True)
    numbers = dict(save.numbered)
    assessed = tuple(
        replace(item, row=replace(item.row, nr=numbers[item.row.excel_row])) if item.row.excel_row in numbers else item
        for item in judged.assessed
    )
    flagged = [item for item in assessed if item.judgement is None or not item.judgement.ok]
    fresh = [finding(item, judged.managers) for item in flagged if item.row.excel_row in numbers]
    fresh_news = iter(_with_news(ws, fresh))  # the ledger read once, for the newly numbered findings only
    news = [
        next(fresh_news) if item.row.excel_row in numbers else old
        for item, old in zip(flagged, judged.news, strict=True)
    ]
    rows = tuple(item.row for item in assessed)
    notes = [n for n in judged.notes if "zonder Nr" not in n]
    table = replace(judged.table, rows=rows)
    return _planned(ws, table, assessed, news, notes, notify, judged.policy, judged.managers)


def check_gifts(
    ws: Workspace, notify: bool, *, write: bool = True, send: bool | None = None, dry_run: bool = False
) -> GiftCheckResult:
    """Judge every row; with `write` write changed judgements; with `send` (default: notify and write) notify once.

    Without `write` (or with `dry_run`) nothing is written or sent: the result shows the plan.
    """
    from toolkit.gifts import remembered
    from toolkit.registers.reader import shared_reads

    write = write and not dry_run
    send = (notify and write) if send is None else (send and notify and not dry_run)
    if not write and not send and not notify:
        known = remembered.recall(ws)  # nothing changed since a complete check: show that one again
        if known is not None:
            return remembered.shown_again(ws, known)
    with shared_reads():  # each register parsed once; the write takes over the parse of the bytes it changes
        return _checked(ws, notify, write, send)


def _checked(ws: Workspace, notify: bool, write: bool, send: bool) -> GiftCheckResult:
    from toolkit.gifts import remembered
    from toolkit.plan import Plan, apply_plan, preview_mails

    judged = judge_gifts(ws, notify, remember=write)
    if not write and not send:
        outgoing = preview_mails(ws, judged.plan)
        return _result(judged, notify, preview=True, cells=len(judged.plan.cells), mails=outgoing)
    applied = apply_plan(ws, Plan(cells=judged.plan.cells, fingerprints=judged.plan.fingerprints))
    cells, waiting = applied.cells_changed, " ".join(s.waiting for s in applied.saves if s.waiting)
    if applied.cells_changed and any(item.row.nr is None for item in judged.assessed):
        judged = _renumbered(ws, judged, applied, notify)  # the write gave those rows their Nr: notify them now
    remembered.remember_if_complete(ws, judged, applied)
    if not send:
        return _result(
            judged, notify, preview=False, cells=cells, waiting=waiting, mails=preview_mails(ws, judged.plan)
        )
    mails = apply_plan(ws, Plan(mails=judged.plan.mails))
    sent_mails = [m for m in judged.plan.outgoing() if m.key in mails.delivered]
    return _result(
        judged, notify, preview=False, cells=cells, waiting=waiting, mails=sent_mails, sent=mails.sent,
        failed=mails.failed,
    )  # fmt: skip


def _result(
    judged: GiftJudgement,
    notify: bool,
    *,
    preview: bool,
    cells: int,
    mails: Sequence[OutgoingMail],
    waiting: str = "",
    sent: int = 0,
    failed: tuple[str, ...] = (),
) -> GiftCheckResult:
    summary = summarise([(item.row.nr or 0, item.judgement) for item in judged.assessed if item.judgement is not None])
    findings = judged.findings
    return GiftCheckResult(
        workbook=GIFTS.filename,
        judged=summary.judged,
        ok_rows=summary.ok,
        per_rule={rule: summary.per_rule.get(rule, 0) for rule in RULES},
        against_code=tuple(f for f in findings if f.weight == IN_BREACH),
        unjudgeable=tuple(f for f in findings if f.weight == UNJUDGEABLE_WEIGHT),
        for_review=tuple(f for f in findings if f.weight == FOR_REVIEW),
        cells_written=cells,
        waiting=waiting,
        notes=judged.notes,
        notify=notify,
        dry_run=preview,
        new_findings=sum(1 for f in findings if f.new),
        mails=tuple(_preview(m) for m in mails),
        sent=sent,
        failed=failed,
    )


def check_gifts_step(ws: Workspace) -> StepResult:
    """Nightly: judge the gifts register and notify new findings; quiet (no write, no mail) when nothing changed."""
    from toolkit.nightly import StepResult, inputs_key, remember_inputs, unchanged_since_last_run

    inputs = ["geschenken.xlsx", "leveranciers.xlsx", "medewerkers.xlsx"]
    if unchanged_since_last_run(ws, STEP_NAME, inputs_key(ws, inputs, dated=False)):  # G1–G7 don't depend on the date
        return StepResult(STEP_NAME, True, "niets veranderd sinds de vorige run")
    result = check_gifts(ws, notify=True)
    if result.ok and not result.waiting:
        remember_inputs(ws, STEP_NAME, inputs_key(ws, inputs, dated=False))
    summary = (
        f"{counted(result.judged, 'rij', 'rijen')} beoordeeld, {format_count_nl(len(result.against_code))} tegen de code, "
        f"{format_count_nl(len(result.for_review))} ter beoordeling, "
        f"{format_count_nl(len(result.unjudgeable))} niet te beoordelen, "
        f"{counted(result.sent, 'bericht', 'berichten')} verstuurd"
    )
    details = [*result.notes, *result.failed]
    if result.waiting:
        details.append(f"{result.workbook} wacht: {result.waiting}")
    return StepResult(STEP_NAME, result.ok, summary, tuple(details))
