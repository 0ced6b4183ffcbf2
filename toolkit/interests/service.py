"""The interests register (belangen.xlsx): judge every declaration, and tell the manager and HR of new ones.

Judge, then apply (toolkit/plan.py): `judge_interests` reads the registers and the send ledger and writes
nothing; its Plan holds the changed `Beoordeling`/`Beoordeeld op` cells and, per declaration not yet told, one
mail to the employee's manager and one to HR. Both are items in the send ledger, so each goes exactly once; the
mail seam makes one digest per recipient per run. `Leidinggevende ingelicht op` / `HR ingelicht op` are written
only when that mail went (`after=`), also on the run after a kill between sending and recording.

A finding (B1 no decision in time, B2 review date passed) goes once to the manager and once to HR as well; a
later review date is a new finding.

Who is the manager: `Leidinggevende` in medewerkers.xlsx; for the director the RvC chair, for an RvC member the
chair, for the chair the vice-chair (toolkit/governance.py, via gifts.inputs.managers_by_name).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import ToolkitError
from toolkit.interests import rules
from toolkit.plan import CellChange, Plan
from toolkit.registers.schema import INTERESTS
from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.mail.message import OutgoingMail
    from toolkit.registers.reader import Row, Table
    from toolkit.workspace import Workspace

STEP_NAME = "belangen beoordelen"
PURPOSE_NOTICE = "belang_melding"
PURPOSE_FINDING = "belang_bevinding"
MANAGER_COLUMN, HR_COLUMN = "Leidinggevende ingelicht op", "HR ingelicht op"
UNKNOWN_MANAGER = "leidinggevende onbekend"


@dataclass(frozen=True)
class Judged:
    """One row with its verdict and who hears of it."""

    row: Row
    declaration: rules.Declaration
    verdict: rules.Verdict
    manager: str | None


@dataclass
class InterestsCheck:
    """What `interests check` found, and (with --write) did."""

    rows: int
    findings: list[Judged] = field(default_factory=list)
    unjudgeable: list[Judged] = field(default_factory=list)
    waiting_decision: int = 0
    new_declarations: list[Judged] = field(default_factory=list)
    mails: list[OutgoingMail] = field(default_factory=list)
    cells: int = 0
    notes: tuple[str, ...] = ()
    preview: bool = True
    sent: int = 0
    failed: tuple[str, ...] = ()
    waiting: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.failed


def _manager_item(nr: int) -> str:
    return f"belang:{nr}:leidinggevende"


def _hr_item(nr: int) -> str:
    return f"belang:{nr}:hr"


def read_interests(ws: Workspace) -> Table:
    from toolkit.registers.reader import read_register

    return read_register(ws.register_path(INTERESTS), INTERESTS)


def missing_note(ws: Workspace) -> str | None:
    """A workspace made before this register existed has no belangen.xlsx: say so (a preview creates nothing)."""
    if ws.register_path(INTERESTS).exists():
        return None
    return f"{INTERESTS.filename} bestaat nog niet; 'integrity interests check --write' (of de nachtelijke taak) maakt het leeg aan"


def create_if_missing(ws: Workspace) -> str | None:
    """Create an empty belangen.xlsx (template look, `Medewerker` picker from medewerkers.xlsx) when there is none.

    A new file of the toolkit's own, written atomically; an existing file is never touched here."""
    import os
    import tempfile

    from toolkit.registers.create import create_register
    from toolkit.registers.reader import read_register
    from toolkit.registers.schema import STAFF

    path = ws.register_path(INTERESTS)
    if path.exists():
        return None
    try:
        names = [str(row.get("Naam")) for row in read_register(ws.register_path(STAFF), STAFF).rows if row.get("Naam")]
    except ToolkitError:
        names = []
    handle, temp = tempfile.mkstemp(prefix=".belangen-", suffix=".xlsx", dir=path.parent)
    os.close(handle)
    try:
        create_register(Path(temp), INTERESTS, [], staff_names=names)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    ws.audit.record("register.create", actor=ws.actor, target=INTERESTS.filename)
    return f"{INTERESTS.filename} was er nog niet en is leeg aangemaakt"


def _problems(row: Row) -> tuple[str, ...]:
    return tuple(f"'{header}' is onleesbaar" for header in sorted(row.unreadable) if header in INTERESTS.headers)


def judge_interests(ws: Workspace, *, notify: bool = True) -> tuple[Table, list[Judged], Plan, list[str]]:
    """Every row judged; the plan holds changed verdicts and (with notify) the new declarations' mails."""
    from toolkit.gifts.inputs import managers_by_name
    from toolkit.gifts.notify import name_key

    table = read_interests(ws)
    notes: list[str] = []
    managers = managers_by_name(ws, notes)
    settings = ws.config.interests
    judged: list[Judged] = []
    cells: list[CellChange] = []
    for row in table.rows:
        item = rules.declaration_of(row.values, row.nr)
        verdict = rules.judge(item, ws.today, settings.decision_days, _problems(row))
        judged.append(Judged(row, item, verdict, managers.get(name_key(item.employee))))
        excel_row = row.excel_row if row.nr is None else None
        if row.get("Beoordeling") != verdict.text:
            cells += [
                CellChange(INTERESTS.key, "Beoordeling", verdict.text, nr=row.nr, excel_row=excel_row),
                CellChange(INTERESTS.key, "Beoordeeld op", ws.today, nr=row.nr, excel_row=excel_row),
            ]
    mails, notice_cells = _notices(ws, judged, notes) if notify else ([], [])
    if notify:
        mails += _finding_mails(ws, judged)
    plan = Plan(tuple(cells + notice_cells), tuple(mails), (), {INTERESTS.key: table.fingerprint})
    return table, judged, plan, notes


def _untold(judged: list[Judged]) -> list[Judged]:
    """Declarations with a Nr, something to tell, and a manager or HR not yet told (per the register)."""
    return [
        j
        for j in judged
        if j.row.nr is not None
        and not j.verdict.unjudgeable
        and (j.row.get(MANAGER_COLUMN) is None or j.row.get(HR_COLUMN) is None)
    ]


def _notices(ws: Workspace, judged: list[Judged], notes: list[str]) -> tuple[list[OutgoingMail], list[CellChange]]:
    """Per untold declaration: a mail to the manager and one to HR, and the cells that record each."""
    mails: list[OutgoingMail] = []
    cells: list[CellChange] = []
    hr = ws.config.organisation.hr
    for j in _untold(judged):
        nr = j.row.nr
        assert nr is not None
        if j.row.get(MANAGER_COLUMN) is None:
            if j.manager:
                mail = notice_mail(ws, j, j.manager, _manager_item(nr), "leidinggevende")
                mails.append(mail)
                cells.append(CellChange(INTERESTS.key, MANAGER_COLUMN, ws.today, nr=nr, after=mail.key))
            else:
                notes.append(f"{INTERESTS.filename} Nr {nr}: {UNKNOWN_MANAGER} voor '{j.declaration.employee}'")
        if j.row.get(HR_COLUMN) is None:
            mail = notice_mail(ws, j, hr, _hr_item(nr), "HR", manager=j.manager or UNKNOWN_MANAGER)
            mails.append(mail)
            cells.append(CellChange(INTERESTS.key, HR_COLUMN, ws.today, nr=nr, after=mail.key))
    return mails, cells


def _finding_mails(ws: Workspace, judged: list[Judged]) -> list[OutgoingMail]:
    """Each finding (B1, B2) once to the manager who decides and once to HR; a new review date is a new finding."""
    mails: list[OutgoingMail] = []
    for j in judged:
        if j.row.nr is None or not j.verdict.codes:
            continue
        anchors = {"B1": j.declaration.declared_on, "B2": j.declaration.review_on}
        base = f"belang-bevinding:{j.row.nr}:" + ",".join(
            f"{code}@{anchors[code]:%Y%m%d}" for code in j.verdict.codes if anchors.get(code)
        )
        recipients = [(j.manager, "leidinggevende")] if j.manager else []
        recipients.append((ws.config.organisation.hr, "HR"))
        for to, role in recipients:
            assert to is not None
            mails.append(finding_mail(ws, j, to, f"{base}:{role}", role))
    return mails


def finding_mail(ws: Workspace, j: Judged, to: str, key: str, role: str) -> OutgoingMail:
    item = j.declaration
    context: dict[str, Any] = {
        "organisatie": ws.config.organisation.name,
        "register": INTERESTS.filename,
        "nr": item.nr,
        "medewerker": item.employee,
        "omschrijving": item.what,
        "gemeld_op": item.declared_on,
        "beoordeling": j.verdict.text,
        "bevindingen": [{"code": code, "uitleg": rules.CODES[code]} for code in j.verdict.codes],
        "voor": role,
        "leidinggevende": j.manager or UNKNOWN_MANAGER,
    }
    return ws.templates.mail(
        PURPOSE_FINDING,
        context,
        ws.config.organisation.language,
        key=key,
        to=(to,),
        audit_ref=f"{INTERESTS.filename} Nr {item.nr}",
    )


def notice_mail(ws: Workspace, j: Judged, to: str, key: str, role: str, manager: str = "") -> OutgoingMail:
    item = j.declaration
    context: dict[str, Any] = {
        "organisatie": ws.config.organisation.name,
        "register": INTERESTS.filename,
        "nr": item.nr,
        "medewerker": item.employee,
        "soort": item.kind,
        "omschrijving": item.what,
        "relatie": item.relation,
        "naaste": item.relative,
        "gemeld_op": item.declared_on,
        "voor": role,
        "leidinggevende": manager,
        "termijn": ws.config.interests.decision_days,
    }
    return ws.templates.mail(
        PURPOSE_NOTICE,
        context,
        ws.config.organisation.language,
        key=key,
        to=(to,),
        audit_ref=f"{INTERESTS.filename} Nr {item.nr}",
    )


def check_interests(ws: Workspace, *, write: bool) -> InterestsCheck:
    """Judge (and with `write`: record verdicts, number new rows, then tell manager and HR once)."""
    from toolkit.plan import apply_plan, preview_mails

    created = create_if_missing(ws) if write else None
    if created is None and (note := missing_note(ws)) is not None:
        return InterestsCheck(rows=0, notes=(note,))
    table, judged, plan, notes = judge_interests(ws)
    if created:
        notes.append(created)
    if not write:
        return _result(table, judged, notes, preview_mails(ws, plan), cells=len(plan.cells), preview=True)
    first = apply_plan(ws, Plan(cells=tuple(c for c in plan.cells if not c.after), fingerprints=plan.fingerprints))
    if first.cells_changed and not first.waiting:  # new rows got their Nr: now they can be told
        table, judged, plan, notes = judge_interests(ws)
    # an open register: rows with a Nr are told anyway (the ledger keeps it to once); their dates wait in the queue
    mails_plan = Plan(cells=tuple(c for c in plan.cells if c.after), mails=plan.mails, fingerprints=plan.fingerprints)
    outgoing = mails_plan.outgoing()
    applied = apply_plan(ws, mails_plan)
    sent = [m for m in outgoing if m.key in applied.delivered]
    return _result(
        table, judged, notes, sent, cells=first.cells_changed + applied.cells_changed, preview=False,
        sent=applied.sent, failed=applied.failed, waiting=tuple(dict.fromkeys(first.waiting + applied.waiting)),
    )  # fmt: skip


def _result(
    table: Table,
    judged: list[Judged],
    notes: list[str],
    mails: list[OutgoingMail],
    *,
    cells: int,
    preview: bool,
    sent: int = 0,
    failed: tuple[str, ...] = (),
    waiting: tuple[str, ...] = (),
) -> InterestsCheck:
    return InterestsCheck(
        rows=len(table.rows),
        findings=[j for j in judged if j.verdict.codes],
        unjudgeable=[j for j in judged if j.verdict.unjudgeable],
        waiting_decision=sum(1 for j in judged if j.verdict.ok and not j.declaration.decision),
        new_declarations=_untold(judged),
        mails=mails,
        cells=cells,
        notes=tuple(notes),
        preview=preview,
        sent=sent,
        failed=failed,
        waiting=waiting,
    )


def check_step(ws: Workspace) -> Any:
    """Nightly: judge belangen.xlsx, and send each new declaration to the manager and HR the same night."""
    from toolkit.nightly import StepResult

    try:
        result = check_interests(ws, write=True)
    except ToolkitError as exc:
        return StepResult(STEP_NAME, False, f"mislukt: {exc.message}", (exc.hint,) if exc.hint else ())
    summary = (
        f"{counted(result.rows, 'melding', 'meldingen')} beoordeeld: "
        f"{counted(len(result.findings), 'bevinding', 'bevindingen')}, "
        f"{len(result.unjudgeable)} niet te beoordelen, {counted(result.waiting_decision, 'wacht', 'wachten')} op besluit; "
        f"{counted(result.sent, 'bericht', 'berichten')} verstuurd"
    )
    details = (*result.notes, *(f"mislukt: {f}" for f in result.failed), *result.waiting)
    return StepResult(STEP_NAME, result.ok, summary, tuple(details))
