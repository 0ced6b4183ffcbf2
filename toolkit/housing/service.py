"""`integrity housing check`: judge woonruimte.xlsx, write the judgement, report new findings once.

- Each row is judged by `toolkit.housing.rules` (W1 procedure, W2 discount, W3 own involvement); a row with a
  required cell empty or unreadable gets "Niet te beoordelen: ..." and no mail.
- A finding goes to the director; a finding about the director goes to the RvC chair, about an RvC member to the
  chair, about the chair to the vice-chair (`toolkit.governance.supervisor`), never to someone they supervise.
- Each finding is mailed once (ledger key `woonruimte:<Nr>:<digest of the verdict>`: it changes when the row's
  verdict changes); a recipient with several new findings gets one digest per run (`toolkit.mail.digest`).
- Judge, then apply: `judge_housing` reads and returns a Plan; `check_housing` applies it only with write/send.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from toolkit.errors import ToolkitError
from toolkit.housing.rules import OK, Housing, verdict
from toolkit.registers.schema import HOUSING, STAFF
from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.mail.message import OutgoingMail
    from toolkit.nightly import StepResult
    from toolkit.plan import Plan
    from toolkit.registers.reader import Row, Table
    from toolkit.workspace import Workspace

VERDICT = "Beoordeling"
JUDGED_ON = "Beoordeeld op"
UNJUDGEABLE = "Niet te beoordelen"
TEMPLATE = "woonruimte_bevinding"
STEP = "woonruimte beoordelen"
FIELDS = (
    "Medewerker",
    "Rol",
    "Betreft",
    "Soort",
    "Woning",
    "Datum",
    "Volgens de toewijzingsprocedure",
    "Korting (€)",
    "Zelf betrokken bij toewijzing",
)


@dataclass(frozen=True)
class HousingFinding:
    """One row that breaks a rule: where, about whom, what, to whom it goes, and whether it is new."""

    nr: int | None
    excel_row: int
    employee: str
    verdict: str
    to: str  # the address that hears of it; "" when nobody is configured
    new: bool


@dataclass(frozen=True)
class MailLine:
    to: tuple[str, ...]
    subject: str
    text: str


@dataclass(frozen=True)
class HousingResult:
    """What `housing check` found, wrote and sent (or, as a preview, would)."""

    workbook: str
    rows: int
    ok_rows: int
    findings: tuple[HousingFinding, ...]
    unjudged: tuple[str, ...]
    notes: tuple[str, ...]
    preview: bool
    cells: int
    waiting: str
    mails: tuple[MailLine, ...]
    sent: int
    failed: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class HousingJudgement:
    table: Table
    verdicts: dict[int, str]  # excel row -> verdict text
    findings: tuple[HousingFinding, ...]
    notes: tuple[str, ...]
    plan: Plan


def _problems(row: Row) -> list[str]:
    problems = []
    for header in FIELDS:
        if header in row.unreadable:
            problems.append(f'{header} onleesbaar ("{row.raw.get(header, "")}")')
        elif row.get(header) is None:
            problems.append(f"{header} leeg")
    return problems


def judge_row(row: Row) -> str:
    """The verdict of one row: the rules' text, or why the row can't be judged."""
    problems = _problems(row)
    if problems:
        return f"{UNJUDGEABLE}: " + "; ".join(problems)
    home = Housing(
        employee=str(row.get("Medewerker")),
        through_procedure=bool(row.get("Volgens de toewijzingsprocedure")),
        discount=Decimal(str(row.get("Korting (€)"))),
        own_involvement=bool(row.get("Zelf betrokken bij toewijzing")),
        allocated_by=str(row.get("Toegewezen door") or ""),
        relative=row.get("Betreft") == "naaste",
    )
    return verdict(home)


def finding_key(nr: int, text: str) -> str:
    return f"woonruimte:{nr}:{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}"


def _emails_by_name(ws: Workspace, notes: list[str]) -> dict[str, str]:
    from toolkit.registers.reader import read_register

    try:
        table = read_register(ws.register_path(STAFF), STAFF)
    except ToolkitError as exc:
        notes.append(f"{STAFF.filename} is niet te lezen ({exc.message}); de voorzitter van de RvC is niet herkend")
        return {}
    return {" ".join(str(r.get("Naam")).split()).casefold(): str(r.get("E-mail")) for r in table.rows
            if r.get("Naam") and r.get("E-mail")}  # fmt: skip


def recipient(ws: Workspace, role: Any, email: str | None) -> str:
    """The director; above the director the RvC chair, for the RvC the chair or vice-chair (toolkit.governance)."""
    from toolkit.governance import DIRECTOR, Board, supervisor

    organisation = ws.config.organisation
    board = Board(chair_email=organisation.rvc_chair, vice_chair_email=organisation.rvc_vice_chair or "")
    above = supervisor(role, email, board)
    if above is not None or role in (DIRECTOR, "RvC-lid"):
        return above or ""
    return organisation.director


def _mail(ws: Workspace, found: HousingFinding, row: Row) -> OutgoingMail:
    context = {
        "rvc": found.to != ws.config.organisation.director,
        "organisatie": ws.config.organisation.name,
        "nr": found.nr,
        "medewerker": found.employee,
        "betreft": row.get("Betreft") or "",
        "soort": row.get("Soort") or "",
        "woning": row.get("Woning") or "",
        "datum": row.get("Datum"),
        "beoordeling": found.verdict,
        "register": HOUSING.filename,
    }  # fmt: skip
    return ws.templates.mail(
        TEMPLATE,
        context,
        ws.config.organisation.language,
        key=finding_key(found.nr or 0, found.verdict),
        to=(found.to,),
        audit_ref=f"{HOUSING.filename} Nr {found.nr}",
    )


def judge_housing(ws: Workspace, notify: bool = True) -> HousingJudgement:
    """Read and judge woonruimte.xlsx; the plan holds changed verdicts and the mails of new findings. Writes nothing."""
    from toolkit.plan import CellChange, Plan
    from toolkit.registers.reader import read_register

    table = read_register(ws.register_path(HOUSING), HOUSING)
    notes: list[str] = []
    emails = _emails_by_name(ws, notes)
    verdicts: dict[int, str] = {}
    cells: list[CellChange] = []
    flagged: list[tuple[HousingFinding, Row]] = []
    for row in table.rows:
        text = judge_row(row)
        verdicts[row.excel_row] = text
        if (row.get(VERDICT) or "").strip() != text:
            nr, excel_row = (row.nr, None) if row.nr is not None else (None, row.excel_row)
            cells.append(CellChange(HOUSING.key, VERDICT, text, nr=nr, excel_row=excel_row))
            cells.append(CellChange(HOUSING.key, JUDGED_ON, ws.today, nr=nr, excel_row=excel_row))
        if text == OK or text.startswith(UNJUDGEABLE):
            continue
        name = str(row.get("Medewerker"))
        to = recipient(ws, row.get("Rol"), emails.get(" ".join(name.split()).casefold()))
        if not to:
            notes.append(f"rij {row.excel_row} ({name}): geen ontvanger ingesteld (organisation.rvc_vice_chair?)")
        flagged.append((HousingFinding(row.nr, row.excel_row, name, text, to, True), row))
    keys = [finding_key(f.nr, f.verdict) for f, _ in flagged if f.nr is not None]
    delivered = ws.state.delivered_among(keys) if keys else set()
    findings, mails = [], []
    for found, row in flagged:
        new = found.nr is not None and finding_key(found.nr, found.verdict) not in delivered
        found = HousingFinding(found.nr, found.excel_row, found.employee, found.verdict, found.to, new)
        findings.append(found)
        if notify and new and found.to:
            mails.append(_mail(ws, found, row))
    unnumbered = sum(1 for f in findings if f.nr is None)
    if unnumbered:
        notes.append(
            f"{counted(unnumbered, 'bevinding', 'bevindingen')} in {'een rij' if unnumbered == 1 else 'rijen'} "
            "zonder Nr: gemeld zodra het register geschreven is"
        )
    plan = Plan(cells=tuple(cells), mails=tuple(mails), fingerprints={HOUSING.key: table.fingerprint})
    return HousingJudgement(table, verdicts, tuple(findings), tuple(notes), plan)


def check_housing(ws: Workspace, *, write: bool = False, send: bool = False) -> HousingResult:
    """Judge; with `write` write the verdicts; with `send` also mail new findings (once). Neither: a preview."""
    from toolkit.plan import Plan, apply_plan, preview_mails

    judged = judge_housing(ws)
    if not write and not send:
        return _result(judged, True, len(judged.plan.cells), preview_mails(ws, judged.plan))
    applied = apply_plan(ws, Plan(cells=judged.plan.cells, fingerprints=judged.plan.fingerprints))
    waiting = " ".join(s.waiting for s in applied.saves if s.waiting)
    if applied.cells_changed and any(f.nr is None for f in judged.findings):
        judged = judge_housing(ws)  # the write numbered those rows: their findings can be mailed now
    if not send:
        return _result(judged, False, applied.cells_changed, preview_mails(ws, judged.plan), waiting)
    mails = apply_plan(ws, Plan(mails=judged.plan.mails))
    sent = [m for m in judged.plan.outgoing() if m.key in mails.delivered]
    return _result(judged, False, applied.cells_changed, sent, waiting, mails.sent, mails.failed)


def _result(
    judged: HousingJudgement,
    preview: bool,
    cells: int,
    mails: list[OutgoingMail],
    waiting: str = "",
    sent: int = 0,
    failed: tuple[str, ...] = (),
) -> HousingResult:
    texts = judged.verdicts.values()
    return HousingResult(
        workbook=HOUSING.filename,
        rows=len(judged.table.rows),
        ok_rows=sum(1 for t in texts if t == OK),
        findings=judged.findings,
        unjudged=tuple(f"rij {row}: {t}" for row, t in judged.verdicts.items() if t.startswith(UNJUDGEABLE)),
        notes=judged.notes,
        preview=preview,
        cells=cells,
        waiting=waiting,
        mails=tuple(MailLine(m.to, m.subject, m.text) for m in mails),
        sent=sent,
        failed=failed,
    )


def check_housing_step(ws: Workspace) -> StepResult:
    """Nightly: judge woonruimte.xlsx and mail new findings; quiet when nothing changed; a missing register is a note."""
    from toolkit.nightly import StepResult, inputs_key, remember_inputs, unchanged_since_last_run

    if not ws.register_path(HOUSING).exists():
        return StepResult(STEP, True, f"{HOUSING.filename} bestaat nog niet (aanmaken: integrity housing create)")
    inputs = [HOUSING.filename, STAFF.filename]
    if unchanged_since_last_run(ws, STEP, inputs_key(ws, inputs, dated=False)):
        return StepResult(STEP, True, "niets veranderd sinds de vorige run")
    result = check_housing(ws, write=True, send=True)
    if result.ok and not result.waiting:
        remember_inputs(ws, STEP, inputs_key(ws, inputs, dated=False))
    summary = (
        f"{counted(result.rows, 'rij', 'rijen')} beoordeeld, {counted(len(result.findings), 'bevinding', 'bevindingen')}, "
        f"{len(result.unjudged)} niet te beoordelen, {counted(result.sent, 'bericht', 'berichten')} verstuurd"
    )
    details = [*result.notes, *result.failed] + (
        [f"{result.workbook} wacht: {result.waiting}"] if result.waiting else []
    )
    return StepResult(STEP, result.ok, summary, tuple(details))
