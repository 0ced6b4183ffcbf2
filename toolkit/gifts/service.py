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
  'leidinggevende onbekend'. A finding counts as notified once its manager mail (if any) and the digest went.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from toolkit.errors import ToolkitError
from toolkit.gifts.rules import (
    FOR_REVIEW,
    IN_BREACH,
    RULES,
    Gift,
    GiftPolicy,
    Judgement,
    finding_key,
    judge_gifts,
    summarise,
)
from toolkit.gifts.rules import UNJUDGEABLE as UNJUDGEABLE_WEIGHT
from toolkit.registers.schema import GIFTS, STAFF, SUPPLIERS

if TYPE_CHECKING:
    from toolkit.mail.message import OutgoingMail
    from toolkit.nightly import StepResult
    from toolkit.registers.reader import Row, Table
    from toolkit.registers.writer import CellUpdate
    from toolkit.workspace import Workspace

VERDICT = "Beoordeling"
JUDGED_ON = "Beoordeeld op"
UNJUDGEABLE = "Niet te beoordelen"
UNKNOWN_MANAGER = "leidinggevende onbekend"
ONLY_OFFICER = "niemand anders: ter beoordeling door u"
FINDING_KIND = "geschenk_bevinding"
DIGEST_KIND = "geschenken_overzicht"
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
TEXT_FIELDS = ("employee", "giver", "description")
REQUIRED = frozenset(header for header in FIELDS if GIFTS.column(header).required)

# What each rule means, in plain Dutch (used in the mails and the README).
RULE_MEANING = MappingProxyType(
    {
        "G1": "Geld, fooien, cadeaubonnen en dergelijke worden nooit aangenomen.",
        "G2": "Alleen kleine geschenken (minder dan de grens, standaard € 25) mogen worden aangenomen.",
        "G3": "Geschenken worden nooit op een privéadres bezorgd.",
        "G4": "Een aangenomen klein geschenk wordt ter beschikking van de hele organisatie gesteld.",
        "G5": "Van een relatie waarmee wordt onderhandeld, op wie toezicht wordt gehouden of die actief "
        "leverancier is, wordt niets aangenomen.",
        "G6": "Kerstgeschenken worden centraal ingeleverd en verloot of gedeeld onder alle medewerkers.",
        "G7": "Een uitnodiging wordt alleen na overleg met de leidinggevende aangenomen; een reis altijd "
        "alleen met toestemming.",
    }
)


@dataclass(frozen=True)
class GiftFinding:
    """A row against the code, or one that can't be judged; `key` is '' while the row has no Nr."""

    nr: int | None
    excel_row: int
    employee: str
    giver: str
    description: str
    verdict: str
    rules: tuple[str, ...]
    manager: str | None
    key: str
    new: bool
    weight: str = IN_BREACH  # IN_BREACH (the manager is told), FOR_REVIEW or UNJUDGEABLE (integrity officer only)


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


@dataclass(frozen=True)
class _Assessed:
    row: Row
    gift: Gift
    judgement: Judgement | None  # None: the row can't be judged
    verdict: str


# -- reading -----------------------------------------------------------------------------------------------------


def _name_key(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def active_suppliers(ws: Workspace, notes: list[str]) -> frozenset[str]:
    """Names of active suppliers; when leveranciers.xlsx can't be read, a note and an empty set."""
    from toolkit.registers.reader import read_register

    try:
        table = read_register(ws.register_path(SUPPLIERS), SUPPLIERS)
    except ToolkitError as exc:
        notes.append(
            f"{SUPPLIERS.filename} is niet te lezen ({exc.message}); G5 is beoordeeld zonder leverancierslijst"
        )
        return frozenset()
    return frozenset(row.get("Naam") for row in table.rows if row.get("Actief") is True and row.get("Naam"))


def managers_by_name(ws: Workspace, notes: list[str]) -> dict[str, str]:
    """Employee name (case and spaces ignored) -> who hears of their findings; ambiguous names are left out.

    Staff and managers: their `Leidinggevende`. The director and the RvC: their supervisor (toolkit.governance:
    the RvC chair; for the chair the vice-chair), never someone they supervise.
    """
    from toolkit.governance import Board, supervisor
    from toolkit.registers.reader import read_register

    try:
        table = read_register(ws.register_path(STAFF), STAFF)
    except ToolkitError as exc:
        notes.append(f"{STAFF.filename} is niet te lezen ({exc.message}); leidinggevenden zijn onbekend")
        return {}
    organisation = ws.config.organisation
    board = Board(chair_email=organisation.rvc_chair, vice_chair_email=organisation.rvc_vice_chair or "")
    found: dict[str, set[str]] = {}
    for row in table.rows:
        above = supervisor(row.get("Rol"), row.get("E-mail"), board) or row.get("Leidinggevende")
        if row.get("Naam") and above:
            found.setdefault(_name_key(row.get("Naam")), set()).add(above)
    return {name: next(iter(emails)) for name, emails in found.items() if len(emails) == 1}


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
    problems = []
    for header in FIELDS:
        if header in row.unreadable:
            problems.append(f'{header} onleesbaar ("{_shown(_raw_cell(row, header))}")')
        elif header in REQUIRED and row.get(header) is None:
            problems.append(f"{header} leeg")
    return problems


def gift_of(row: Row) -> Gift:
    """The row as the rules see it (empty text as '')."""
    values = {field: row.get(header) for header, field in FIELDS.items()}
    for field in TEXT_FIELDS:
        values[field] = values[field] or ""
    return Gift(**values)


def assess_all(rows: Sequence[Row], policy: GiftPolicy) -> list[_Assessed]:
    """Judge every row (gifts from one giver to one person added up), or say which cells keep a row from it."""
    problems = {row.excel_row: cell_problems(row) for row in rows}
    judgeable = [(row.excel_row, gift_of(row)) for row in rows if not problems[row.excel_row]]
    judged = judge_gifts(judgeable, policy)
    assessed = []
    for row in rows:
        if problems[row.excel_row]:
            assessed.append(_Assessed(row, gift_of(row), None, f"{UNJUDGEABLE}: " + "; ".join(problems[row.excel_row])))
        else:
            judgement = judged[row.excel_row]
            assessed.append(_Assessed(row, gift_of(row), judgement, judgement.text()))
    return assessed


# -- writing -----------------------------------------------------------------------------------------------------


def _updates(assessed: Sequence[_Assessed], today: Any) -> list[CellUpdate]:
    from toolkit.registers.writer import CellUpdate

    updates = []
    for item in assessed:
        if (item.row.get(VERDICT) or "").strip() == item.verdict:
            continue
        where = {"nr": item.row.nr} if item.row.nr is not None else {"excel_row": item.row.excel_row}
        updates.append(CellUpdate(VERDICT, item.verdict, **where))
        updates.append(CellUpdate(JUDGED_ON, today, **where))
    return updates


def _numbers_after_write(ws: Workspace, assessed: list[_Assessed]) -> list[_Assessed]:
    """Rows that had no Nr got one when the workbook was written: read them back."""
    import dataclasses

    from toolkit.registers.reader import read_register

    numbers = {row.excel_row: row.nr for row in read_register(ws.register_path(GIFTS), GIFTS).rows}
    fixed = []
    for item in assessed:
        if item.row.nr is None and numbers.get(item.row.excel_row) is not None:
            item = dataclasses.replace(item, row=dataclasses.replace(item.row, nr=numbers[item.row.excel_row]))
        fixed.append(item)
    return fixed


# -- findings and notifications ----------------------------------------------------------------------------------


def _unjudgeable_key(nr: int, verdict: str) -> str:
    return hashlib.sha256(f"niet-te-beoordelen\n{nr}\n{verdict}".encode()).hexdigest()


def _finding(ws: Workspace, item: _Assessed, managers: Mapping[str, str]) -> GiftFinding:
    nr = item.row.nr
    key = ""
    if nr is not None:
        key = finding_key(nr, item.gift, item.judgement) if item.judgement else _unjudgeable_key(nr, item.verdict)
    rules = tuple(v.rule for v in item.judgement.violations) if item.judgement else ()
    return GiftFinding(
        nr=nr,
        excel_row=item.row.excel_row,
        employee=item.gift.employee,
        giver=item.gift.giver,
        description=item.gift.description,
        verdict=item.verdict,
        rules=rules,
        manager=managers.get(_name_key(item.gift.employee)),
        key=key,
        new=bool(key) and not ws.state.was_notified(key),
        weight=item.judgement.weight if item.judgement else UNJUDGEABLE_WEIGHT,
    )


def _finding_mail(ws: Workspace, item: _Assessed, finding: GiftFinding) -> OutgoingMail:
    from toolkit.mail.message import OutgoingMail

    gift = item.gift
    assert item.judgement is not None and finding.manager is not None
    context = {
        "organisatie": ws.config.organisation.name,
        "register": GIFTS.filename,
        "nr": finding.nr,
        "medewerker": gift.employee,
        "gever": gift.giver,
        "soort": gift.kind or "",
        "omschrijving": gift.description,
        "waarde": gift.value if gift.value is not None else "",
        "datum": gift.received,
        "besluit": gift.decision or "",
        "bevindingen": [
            {"regel": v.rule, "reden": v.reason, "uitleg": RULE_MEANING[v.rule]} for v in item.judgement.violations
        ],
    }
    rendered = ws.templates.render(FINDING_KIND, context, ws.config.organisation.language)
    return OutgoingMail(
        key=f"geschenk-bevinding:{finding.key}",
        purpose=FINDING_KIND,
        to=(finding.manager,),
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        audit_ref=f"{GIFTS.filename} Nr {finding.nr}",
    )


def _digest_mail(ws: Workspace, new: Sequence[GiftFinding], new_unjudgeable: Sequence[GiftFinding]) -> OutgoingMail:
    from toolkit.mail.message import OutgoingMail

    context = {
        "organisatie": ws.config.organisation.name,
        "register": GIFTS.filename,
        "datum": ws.today,
        "aantal": len(new),
        "bevindingen": [
            {
                "nr": f.nr,
                "medewerker": f.employee,
                "gever": f.giver,
                "omschrijving": f.description,
                "beoordeling": f.verdict,
                "leidinggevende": (f.manager or UNKNOWN_MANAGER) if f.weight == IN_BREACH else ONLY_OFFICER,
            }
            for f in new
        ],
        "niet_te_beoordelen": [{"nr": f.nr, "rij": f.excel_row, "beoordeling": f.verdict} for f in new_unjudgeable],
    }
    rendered = ws.templates.render(DIGEST_KIND, context, ws.config.organisation.language)
    keys = "\n".join(sorted(f.key for f in (*new, *new_unjudgeable)))
    return OutgoingMail(
        key=f"geschenken-overzicht:{hashlib.sha256(keys.encode()).hexdigest()}",
        purpose=DIGEST_KIND,
        to=(ws.config.organisation.integrity_officer,),
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        audit_ref=f"{GIFTS.filename}: {len(new)} bevinding(en), {len(new_unjudgeable)} niet te beoordelen",
    )


@dataclass(frozen=True)
class _Notified:
    mails: tuple[MailPreview, ...] = ()
    sent: int = 0
    failed: tuple[str, ...] = ()


def _preview(mail: OutgoingMail) -> MailPreview:
    return MailPreview(mail.purpose, mail.to, mail.subject, mail.text)


def _notify(ws: Workspace, assessed: Sequence[_Assessed], findings: Sequence[GiftFinding], dry_run: bool) -> _Notified:
    new = [(item, f) for item, f in zip(assessed, findings, strict=True) if f.new]
    violations = [f for item, f in new if item.judgement is not None]
    unjudgeable = [f for item, f in new if item.judgement is None]
    if not new:
        return _Notified()
    per_finding = {
        f.key: _finding_mail(ws, item, f)
        for item, f in new
        if item.judgement and item.judgement.against_code and f.manager
    }
    digest = _digest_mail(ws, violations, unjudgeable)
    mails = [*per_finding.values(), digest]
    if dry_run:
        return _Notified(tuple(_preview(m) for m in mails))
    report = ws.mailer().send_all(mails)
    delivered = {*report.sent, *report.already_sent, *report.recovered}
    if digest.key in delivered:
        for _, finding in new:
            mail = per_finding.get(finding.key)
            if mail is None or mail.key in delivered:
                ws.state.mark_notified(finding.key)
    failed = tuple(f"{key}: {why}" for key, why in report.failed)
    if report.stopped_early:
        failed += (report.stopped_early,)
    sent = len(report.sent) + len(report.recovered)
    return _Notified(tuple(_preview(m) for m in mails if m.key in delivered), sent, failed)


# -- the check ---------------------------------------------------------------------------------------------------


def _policy(ws: Workspace, notes: list[str]) -> GiftPolicy:
    return GiftPolicy(
        limit=Decimal(str(ws.config.gifts.limit)),
        active_suppliers=active_suppliers(ws, notes),
        sum_window_days=ws.config.gifts.sum_window_days,
    )


def _write(ws: Workspace, table: Table, assessed: list[_Assessed], dry_run: bool) -> tuple[int, str, list[_Assessed]]:
    from toolkit.registers.pending import save

    if dry_run:
        return 0, "", assessed
    outcome = save(ws, GIFTS, _updates(assessed, ws.today), table.fingerprint)
    if outcome.written and any(item.row.nr is None for item in assessed):
        assessed = _numbers_after_write(ws, assessed)
    return outcome.cells_changed, outcome.waiting, assessed


def check_gifts(ws: Workspace, notify: bool, *, dry_run: bool = False) -> GiftCheckResult:
    """Judge every row, write changed judgements, and (with notify) send new findings once; see the docstring.

    `dry_run`: write nothing and send nothing; the result shows what would be written and sent.
    """
    from toolkit.registers.reader import read_register

    table = read_register(ws.register_path(GIFTS), GIFTS)
    notes: list[str] = []
    policy = _policy(ws, notes)
    managers = managers_by_name(ws, notes)
    assessed = assess_all(table.rows, policy)
    cells, waiting, assessed = _write(ws, table, assessed, dry_run)
    if dry_run:
        cells = 2 * sum(1 for item in assessed if (item.row.get(VERDICT) or "").strip() != item.verdict)
    flagged = [item for item in assessed if item.judgement is None or not item.judgement.ok]
    findings = [_finding(ws, item, managers) for item in flagged]
    unnumbered = sum(1 for f in findings if not f.key)
    if unnumbered:
        notes.append(f"{unnumbered} rij(en) zonder Nr: die worden gemeld zodra het register geschreven is")
    notified = _notify(ws, flagged, findings, dry_run) if notify else _Notified()
    summary = summarise([(item.row.nr or 0, item.judgement) for item in assessed if item.judgement is not None])
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
        notes=tuple(notes),
        notify=notify,
        dry_run=dry_run,
        new_findings=sum(1 for f in findings if f.new),
        mails=notified.mails,
        sent=notified.sent,
        failed=notified.failed,
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
        f"{result.judged} rij(en) beoordeeld, {len(result.against_code)} tegen de code, "
        f"{len(result.unjudgeable)} niet te beoordelen, {result.sent} bericht(en) verstuurd"
    )
    details = [*result.notes, *result.failed]
    if result.waiting:
        details.append(f"{result.workbook} wacht: {result.waiting}")
    return StepResult(STEP_NAME, result.ok, summary, tuple(details))
