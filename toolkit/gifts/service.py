"""`integrity gifts check`: judge every row of geschenken.xlsx, write the judgement, notify new findings once.

- Reads geschenken.xlsx (every row, never a crash), leveranciers.xlsx (active suppliers, for G5; when it can't
  be read the check says so and judges without it) and medewerkers.xlsx (`Naam` -> `Leidinggevende`).
- A row with an unreadable cell, or an empty required cell, is not judged by the rules: its `Beoordeling`
  names the cell problem, e.g. 'Niet te beoordelen: Waarde (€) onleesbaar ("ongeveer dertig")'.
- `Beoordeling` and `Beoordeeld op` are written only for rows whose judgement text changed, so a rerun with
  nothing changed writes nothing (through `pending.save`: a workbook open in Excel gets it later).
- With `notify`: a finding is notified once, keyed by `finding_key` (it changes when the row changes). One
  message per new finding to the employee's manager, and one digest of all new findings (and new rows that
  can't be judged) to the integrity officer; a finding whose manager is unknown is in the digest as
  'leidinggevende onbekend'. The send ledger keeps, per finding, whether the manager's mail and the digest went;
  each goes once. A manager with several new findings gets one mail (the mail seam's digest per recipient).
- Judge, then apply: `judge_gifts` returns the plan and writes nothing; `check_gifts` applies it only when asked
  (`write`, `send`), so `integrity gifts check` without --write/--send is a preview.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from toolkit.errors import ToolkitError
from toolkit.gifts.rules import RULES, Gift, GiftPolicy, Judgement, finding_key, judge_gift, summarise
from toolkit.registers.schema import GIFTS, STAFF, SUPPLIERS

if TYPE_CHECKING:
    from toolkit.mail.message import OutgoingMail
    from toolkit.nightly import StepResult
    from toolkit.plan import CellChange, Plan
    from toolkit.registers.reader import Row, Table
    from toolkit.workspace import Workspace

VERDICT = "Beoordeling"
JUDGED_ON = "Beoordeeld op"
UNJUDGEABLE = "Niet te beoordelen"
UNKNOWN_MANAGER = "leidinggevende onbekend"
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
    """Employee name (case and spaces ignored) -> manager e-mail; a name with two different managers is left out."""
    from toolkit.registers.reader import read_register

    try:
        table = read_register(ws.register_path(STAFF), STAFF)
    except ToolkitError as exc:
        notes.append(f"{STAFF.filename} is niet te lezen ({exc.message}); leidinggevenden zijn onbekend")
        return {}
    found: dict[str, set[str]] = {}
    for row in table.rows:
        if row.get("Naam") and row.get("Leidinggevende"):
            found.setdefault(_name_key(row.get("Naam")), set()).add(row.get("Leidinggevende"))
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


def assess(row: Row, policy: GiftPolicy) -> _Assessed:
    """Judge one row, or say which cells keep it from being judged."""
    gift = gift_of(row)
    problems = cell_problems(row)
    if problems:
        return _Assessed(row, gift, None, f"{UNJUDGEABLE}: " + "; ".join(problems))
    judgement = judge_gift(gift, policy)
    return _Assessed(row, gift, judgement, judgement.text())


# -- the plan: cell changes -------------------------------------------------------------------------------------


def cell_changes(assessed: Sequence[_Assessed], today: Any) -> tuple[CellChange, ...]:
    """`Beoordeling` and `Beoordeeld op` for each row whose judgement text changed."""
    from toolkit.plan import CellChange

    changes: list[CellChange] = []
    for item in assessed:
        if (item.row.get(VERDICT) or "").strip() == item.verdict:
            continue
        where = {"nr": item.row.nr} if item.row.nr is not None else {"excel_row": item.row.excel_row}
        changes.append(CellChange(GIFTS.key, VERDICT, item.verdict, **where))
        changes.append(CellChange(GIFTS.key, JUDGED_ON, today, **where))
    return tuple(changes)


# -- findings and notifications ----------------------------------------------------------------------------------
# Each finding is an item in the send ledger twice: once for the manager's mail, once for the officer's digest.
# A finding notified before items were kept per recipient is in the ledger under its bare key: it counts for both.


def _unjudgeable_key(nr: int, verdict: str) -> str:
    return hashlib.sha256(f"niet-te-beoordelen\n{nr}\n{verdict}".encode()).hexdigest()


def _manager_item(key: str) -> str:
    return f"{key}:leidinggevende"


def _digest_item(key: str) -> str:
    return f"{key}:overzicht"


def _finding(item: _Assessed, managers: Mapping[str, str]) -> GiftFinding:
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
        new=False,
    )


def _with_news(ws: Workspace, findings: list[GiftFinding]) -> list[tuple[GiftFinding, bool, bool]]:
    """Each finding with (new for its manager, new for the digest), the ledger read in one query."""
    import dataclasses

    keys = [f.key for f in findings if f.key]
    lookups = {k for key in keys for k in (key, _manager_item(key), _digest_item(key), f"geschenk-bevinding:{key}")}
    done = ws.state.delivered_among(lookups) if lookups else set()
    result = []
    for f in findings:
        if not f.key:
            result.append((f, False, False))
            continue
        legacy = f.key in done
        for_manager = bool(f.manager and f.rules) and not (
            legacy or _manager_item(f.key) in done or f"geschenk-bevinding:{f.key}" in done
        )
        for_digest = not (legacy or _digest_item(f.key) in done)
        result.append((dataclasses.replace(f, new=for_manager or for_digest), for_manager, for_digest))
    return result


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
        covers=(_manager_item(finding.key),),
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
                "leidinggevende": f.manager or UNKNOWN_MANAGER,
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
        covers=tuple(_digest_item(f.key) for f in (*new, *new_unjudgeable)),
    )


def _preview(mail: OutgoingMail) -> MailPreview:
    return MailPreview(mail.purpose, mail.to, mail.subject, mail.text)


def mails_for(
    ws: Workspace, flagged: Sequence[_Assessed], news: Sequence[tuple[GiftFinding, bool, bool]]
) -> tuple[OutgoingMail, ...]:
    """One mail per new finding to its manager (the mail seam makes one digest per manager) and the officer's digest."""
    mails = [
        _finding_mail(ws, item, f)
        for item, (f, for_manager, _) in zip(flagged, news, strict=True)
        if for_manager and item.judgement is not None
    ]
    in_digest = [(item, f) for item, (f, _, for_digest) in zip(flagged, news, strict=True) if for_digest]
    if in_digest:
        violations = [f for item, f in in_digest if item.judgement is not None]
        unjudgeable = [f for item, f in in_digest if item.judgement is None]
        mails.append(_digest_mail(ws, violations, unjudgeable))
    return tuple(mails)


# -- the check ---------------------------------------------------------------------------------------------------


def _policy(ws: Workspace, notes: list[str]) -> GiftPolicy:
    return GiftPolicy(limit=Decimal(str(ws.config.gifts.limit)), active_suppliers=active_suppliers(ws, notes))


@dataclass(frozen=True)
class GiftJudgement:
    """Every row judged, the findings (with whether each is new), and the plan that follows from them."""

    table: Table
    assessed: tuple[_Assessed, ...]
    findings: tuple[GiftFinding, ...]
    notes: tuple[str, ...]
    plan: Plan


def judge_gifts(ws: Workspace, notify: bool) -> GiftJudgement:
    """Read and judge the register; the plan holds the changed judgements and (with notify) the new findings' mails.

    Reads the registers and the send ledger; writes nothing.
    """
    from toolkit.plan import Plan
    from toolkit.registers.reader import read_register

    table = read_register(ws.register_path(GIFTS), GIFTS)
    notes: list[str] = []
    policy = _policy(ws, notes)
    managers = managers_by_name(ws, notes)
    assessed = tuple(assess(row, policy) for row in table.rows)
    flagged = [item for item in assessed if item.judgement is None or not item.judgement.ok]
    findings = [_finding(item, managers) for item in flagged]
    news = _with_news(ws, findings)  # the ledger read once for every finding
    findings = [f for f, _, _ in news]
    unnumbered = sum(1 for f in findings if not f.key)
    if unnumbered:
        notes.append(f"{unnumbered} rij(en) zonder Nr: die worden gemeld zodra het register geschreven is")
    mails = mails_for(ws, flagged, news) if notify else ()
    plan = Plan(cells=cell_changes(assessed, ws.today), mails=mails, fingerprints={GIFTS.key: table.fingerprint})
    return GiftJudgement(table, assessed, tuple(findings), tuple(notes), plan)


def check_gifts(
    ws: Workspace, notify: bool, *, write: bool = True, send: bool | None = None, dry_run: bool = False
) -> GiftCheckResult:
    """Judge every row; with `write` write changed judgements; with `send` (default: notify and write) notify once.

    Without `write` (or with `dry_run`) nothing is written or sent: the result shows the plan.
    """
    from toolkit.plan import Plan, apply_plan, preview_mails

    write = write and not dry_run
    send = (notify and write) if send is None else (send and notify and not dry_run)
    judged = judge_gifts(ws, notify)
    if not write and not send:
        outgoing = preview_mails(ws, judged.plan)
        return _result(judged, notify, preview=True, cells=len(judged.plan.cells), mails=outgoing)
    applied = apply_plan(ws, Plan(cells=judged.plan.cells, fingerprints=judged.plan.fingerprints))
    cells, waiting = applied.cells_changed, " ".join(s.waiting for s in applied.saves if s.waiting)
    if applied.cells_changed and any(item.row.nr is None for item in judged.assessed):
        judged = judge_gifts(ws, notify)  # the write gave those rows their Nr: their findings can be notified now
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
        against_code=tuple(f for f in findings if f.rules),
        unjudgeable=tuple(f for f in findings if not f.rules),
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
        f"{result.judged} rij(en) beoordeeld, {len(result.against_code)} tegen de code, "
        f"{len(result.unjudgeable)} niet te beoordelen, {result.sent} bericht(en) verstuurd"
    )
    details = [*result.notes, *result.failed]
    if result.waiting:
        details.append(f"{result.workbook} wacht: {result.waiting}")
    return StepResult(STEP_NAME, result.ok, summary, tuple(details))
