"""The supplier mailing: who gets the code this cycle, reminders, escalations and the status overview."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import InputError
from toolkit.mail.message import Attachment, OutgoingMail
from toolkit.registers.schema import SUPPLIERS
from toolkit.suppliers import rules

if TYPE_CHECKING:
    from toolkit.mail.sender import SendReport
    from toolkit.registers.reader import Row, Table
    from toolkit.workspace import Workspace

PURPOSE_CODE = "leverancier_code"
PURPOSE_REMINDER = "leverancier_herinnering"
PURPOSE_ESCALATION = "leverancier_escalatie"


@dataclass
class MailingPlan:
    """What a mailing would do: the messages, and the suppliers that can't be mailed."""

    cycle: int
    messages: list[OutgoingMail] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # mail key -> Nr
    no_email: list[str] = field(default_factory=list)  # 'Nr 12 Naam (contracteigenaar x)'
    findings: list[str] = field(default_factory=list)


@dataclass
class MailingResult:
    plan: MailingPlan
    sent: bool
    report: SendReport | None = None
    preview_dir: Path | None = None
    waiting: list[str] = field(default_factory=list)


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


def state_of(row: Row) -> rules.SupplierState:
    return rules.SupplierState(
        nr=row.nr or 0,
        active=bool(row.get("Actief")),
        email=row.get("E-mail"),
        cycle=str(row.get("Cyclus")) if row.get("Cyclus") not in (None, "") else None,
        sent_on=row.get("Verzonden op"),
        reminders=int(row.get("Herinneringen") or 0),
        reminded_on=row.get("Herinnerd op"),
        status=row.get("Status"),
    )


def read_suppliers(ws: Workspace) -> Table:
    """The register, with every row numbered first (a mailing needs stable row identity)."""
    from toolkit.registers.pending import save
    from toolkit.registers.reader import read_register

    path = ws.register_path(SUPPLIERS)
    table = read_register(path, SUPPLIERS)
    if any(row.nr is None for row in table.rows):
        outcome = save(ws, SUPPLIERS, [], table.fingerprint, number_rows=True)
        if outcome.waiting:
            raise InputError(
                f"{SUPPLIERS.filename} moet eerst rijnummers krijgen, maar {outcome.waiting}",
                hint="sluit het register in Excel en probeer opnieuw.",
            )
        table = read_register(path, SUPPLIERS)
    return table


def plan_mailing(ws: Workspace, cycle: int) -> MailingPlan:
    table = read_suppliers(ws)
    plan = MailingPlan(cycle, findings=[str(f) for f in table.findings if f.location.column in ("E-mail", "Actief")])
    attachment = code_attachment(ws)
    for row in table.rows:
        state = state_of(row)
        if not state.active:
            continue
        if not state.email:
            plan.no_email.append(
                f"Nr {row.nr} {row.get('Naam')} (contracteigenaar {row.get('Contracteigenaar') or 'onbekend'})"
            )
            continue
        if rules.needs_mailing(state, cycle):
            mail = code_mail(ws, row, cycle, attachment)
            plan.messages.append(mail)
            plan.rows[mail.key] = row.nr or 0
    return plan


def code_attachment(ws: Workspace) -> Attachment | None:
    relative = ws.config.paths.code_attachment
    if relative is None:
        return None
    path = ws.config.path(relative)
    if not path.is_file():
        raise InputError(
            f"bijlage {path} (paths.code_attachment) ontbreekt; er is niets verstuurd.",
            hint="zet het bestand terug of pas paths.code_attachment aan.",
        )
    return Attachment.from_path(path)


def _context(ws: Workspace, row: Row, cycle: int) -> dict[str, Any]:
    return {
        "naam": row.get("Naam") or "",
        "contactpersoon": row.get("Contactpersoon") or "",
        "referentie": rules.reference(cycle, row.nr or 0),
        "cyclus": cycle,
        "organisatie": ws.config.organisation.name,
        "afzender": ws.config.mail.sender_name,
        "verzonden_op": row.get("Verzonden op"),
    }


def code_mail(ws: Workspace, row: Row, cycle: int, attachment: Attachment | None) -> OutgoingMail:
    rendered = ws.templates.render("leverancier_code", _context(ws, row, cycle), row.get("Taal") or "nl")
    return OutgoingMail(
        key=f"{PURPOSE_CODE}:{cycle}:{row.nr}",
        purpose=PURPOSE_CODE,
        to=(row.get("E-mail"),),
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        attachments=(attachment,) if attachment else (),
        audit_ref=f"{SUPPLIERS.filename} Nr {row.nr}",
    )


def run_mailing(
    ws: Workspace, plan: MailingPlan, *, send: bool, limit: int | None = None, progress: Any = None
) -> MailingResult:
    """Preview (write the messages as .eml files, send nothing) or send exactly once and record it in the register."""
    if not send:
        return MailingResult(plan, False, preview_dir=write_preview(ws, plan.messages, PURPOSE_CODE))
    report = ws.mailer().send_all(plan.messages, limit=limit, progress=progress)
    done = set(report.sent) | set(report.already_sent) | set(report.recovered)
    updates = _sent_updates(ws, plan, done)
    updates += _no_email_updates(ws, plan)
    outcome = _save(ws, updates)
    return MailingResult(plan, True, report, waiting=[outcome.waiting] if outcome.waiting else [])


def _sent_updates(ws: Workspace, plan: MailingPlan, done: set[str]) -> list[Any]:
    from toolkit.registers.writer import CellUpdate

    updates = []
    for key in done:
        nr = plan.rows[key]
        updates += [
            CellUpdate("Cyclus", str(plan.cycle), nr=nr),
            CellUpdate("Referentie", rules.reference(plan.cycle, nr), nr=nr),
            CellUpdate("Verzonden op", ws.today, nr=nr),
            CellUpdate("Herinneringen", 0, nr=nr),
            CellUpdate("Status", rules.SENT, nr=nr),
        ]
    return updates


def _no_email_updates(ws: Workspace, plan: MailingPlan) -> list[Any]:
    from toolkit.registers.writer import CellUpdate

    return [CellUpdate("Status", rules.NO_EMAIL, nr=int(item.split()[1])) for item in plan.no_email]


def _save(ws: Workspace, updates: list[Any]) -> Any:
    from toolkit.registers.pending import save

    return save(ws, SUPPLIERS, updates)


def write_preview(ws: Workspace, messages: list[OutgoingMail], purpose: str) -> Path:
    """Every message of a preview as an .eml file under .integrity/voorbeeld/<purpose>/ (replaced each time)."""
    import shutil

    from toolkit.mail.message import build_message

    folder = ws.config.state_dir / "voorbeeld" / purpose
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for index, mail in enumerate(messages, start=1):
        raw = build_message(mail, ws.config.mail.sender, ws.config.mail.sender_name).as_bytes()
        (folder / f"{index:05d}.eml").write_bytes(raw)
    return folder


@dataclass
class FollowUpResult:
    reminders: list[OutgoingMail] = field(default_factory=list)
    escalations: list[OutgoingMail] = field(default_factory=list)
    sent: bool = False
    report: SendReport | None = None
    waiting: list[str] = field(default_factory=list)


def plan_follow_ups(ws: Workspace, cycle: int) -> tuple[FollowUpResult, dict[str, tuple[int, rules.FollowUp]]]:
    settings = ws.config.suppliers
    table = read_suppliers(ws)
    result, rows = FollowUpResult(), {}
    mailer = ws.mailer()
    for row in table.rows:
        action = rules.follow_up(state_of(row), cycle, ws.today, settings.reminder_days, settings.max_reminders)
        if action is None:
            continue
        mail = (
            reminder_mail(ws, row, cycle, action) if action.kind == "herinnering" else escalation_mail(ws, row, cycle)
        )
        if mail is None or mailer.already_sent(mail.key):
            continue
        (result.reminders if action.kind == "herinnering" else result.escalations).append(mail)
        rows[mail.key] = (row.nr or 0, action)
    return result, rows


def reminder_mail(ws: Workspace, row: Row, cycle: int, action: rules.FollowUp) -> OutgoingMail:
    context = {**_context(ws, row, cycle), "herinnering": action.number}
    rendered = ws.templates.render("leverancier_herinnering", context, row.get("Taal") or "nl")
    return OutgoingMail(
        key=f"{PURPOSE_REMINDER}:{cycle}:{row.nr}:{action.number}",
        purpose=PURPOSE_REMINDER,
        to=(row.get("E-mail"),),
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        audit_ref=f"{SUPPLIERS.filename} Nr {row.nr}",
    )


def escalation_mail(ws: Workspace, row: Row, cycle: int) -> OutgoingMail | None:
    owner = row.get("Contracteigenaar") or ws.config.organisation.integrity_officer
    context = {**_context(ws, row, cycle), "herinneringen": int(row.get("Herinneringen") or 0)}
    rendered = ws.templates.render("leverancier_escalatie", context, "nl")
    return OutgoingMail(
        key=f"{PURPOSE_ESCALATION}:{cycle}:{row.nr}",
        purpose=PURPOSE_ESCALATION,
        to=(owner,),
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        audit_ref=f"{SUPPLIERS.filename} Nr {row.nr}",
    )


def run_follow_ups(ws: Workspace, cycle: int, *, send: bool) -> FollowUpResult:
    from toolkit.registers.writer import CellUpdate

    result, rows = plan_follow_ups(ws, cycle)
    if not send:
        return result
    result.sent = True
    mails = result.reminders + result.escalations
    result.report = ws.mailer().send_all(mails)
    done = set(result.report.sent) | set(result.report.recovered)
    updates = []
    for key in done:
        nr, action = rows[key]
        if action.kind == "herinnering":
            updates += [
                CellUpdate("Herinneringen", action.number, nr=nr),
                CellUpdate("Herinnerd op", ws.today, nr=nr),
                CellUpdate("Status", rules.REMINDED, nr=nr),
            ]
    outcome = _save(ws, updates)
    result.waiting = [outcome.waiting] if outcome.waiting else []
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
