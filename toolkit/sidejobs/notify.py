"""Mail for the side-functions review: a reconfirmation reminder per employee due, and one digest for HR.

A reminder goes out once per due period: its key is `nevenfunctie-herbevestiging:{Nr}:{due date}` in the send
ledger, and the date is written in `Herinnerd op` (which moves the next due date a period on). A reply goes to HR
(Reply-To). The employee's address is looked up by name in medewerkers.xlsx; without one the digest says so.
The digest's key holds the day, so HR gets at most one per day however often the review runs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from toolkit.errors import ToolkitError
from toolkit.mail.message import OutgoingMail
from toolkit.registers.reader import read_register
from toolkit.registers.schema import SIDEJOBS, STAFF

if TYPE_CHECKING:
    from toolkit.sidejobs.rules import SideJobPolicy
    from toolkit.sidejobs.service import Judged, ReconfirmationDue, SideJobReviewResult
    from toolkit.workspace import Workspace

REMINDER = "nevenfunctie_herbevestiging"
DIGEST = "nevenfuncties_overzicht"
UNKNOWN = "adres onbekend"


@dataclass(frozen=True)
class PreparedMail:
    """One mail of this run, as a person reads it."""

    key: str
    to: tuple[str, ...]
    subject: str
    text: str


@dataclass(frozen=True)
class MailOutcome:
    """What the mail part of a review did; with `preview` nothing was sent and `prepared` is what would go."""

    preview: bool
    prepared: tuple[PreparedMail, ...] = ()
    sent: tuple[str, ...] = ()
    already_sent: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()
    stopped_early: str = ""


@dataclass(frozen=True)
class ReminderOutcome:
    judged: list[Judged]
    reconfirmations: tuple[ReconfirmationDue, ...]
    mail: MailOutcome


def staff_addresses(ws: Workspace, notes: list[str]) -> dict[str, tuple[str | None, str]]:
    """Normalised name -> (address, why not) from medewerkers.xlsx; an unreadable register becomes a note."""
    try:
        table = read_register(ws.register_path(STAFF), STAFF)
    except ToolkitError as exc:
        notes.append(f"Medewerkersregister niet gelezen, dus geen adressen voor herinneringen: {exc.message}")
        return {}
    found: dict[str, tuple[str | None, str]] = {}
    for row in table.rows:
        key = name_key(row.get("Naam"))
        if not key:
            continue
        address, left = row.get("E-mail"), row.get("Uit dienst per")
        entry = (address, "") if address else (None, UNKNOWN)
        if left is not None and left < ws.today:
            entry = (None, f"{UNKNOWN} (uit dienst)")
        if key in found and found[key] != entry:
            entry = (None, f"{UNKNOWN} (naam staat meer dan eens in {STAFF.filename})")
        found[key] = entry
    return found


def name_key(name: Any) -> str:
    return " ".join(str(name or "").split()).casefold()


def send_reminders(
    ws: Workspace,
    judged: list[Judged],
    reconfirmations: tuple[ReconfirmationDue, ...],
    policy: SideJobPolicy,
    preview: bool,
    notes: list[str],
) -> ReminderOutcome:
    """Remind each employee due (once per period); returns the rows judged anew with today's reminder recorded."""
    from toolkit.sidejobs.service import with_reminder

    addresses = staff_addresses(ws, notes)
    planned: list[tuple[ReconfirmationDue, OutgoingMail | None]] = []
    for due in reconfirmations:
        address, why = addresses.get(name_key(due.line.employee), (None, UNKNOWN))
        due = replace(due, address=address, reminder=why)
        if due.line.nr is None and not preview:
            due = replace(due, reminder="nog geen Nr in het register; volgt bij de volgende run")
        # a preview shows the reminder of a row without Nr too: --send numbers the row before it sends
        mail = reminder_mail(ws, due, judged) if address and (due.line.nr is not None or preview) else None
        planned.append((due, mail))
    mails = [mail for _, mail in planned if mail is not None]
    outcome = deliver(ws, mails, preview)
    done = set(outcome.sent) | set(outcome.already_sent)
    statuses = _statuses([m.key for m in mails], outcome)
    result = []
    for due, mail in planned:
        result.append(replace(due, reminder=statuses[mail.key]) if mail is not None else due)
        if mail is not None and mail.key in done:
            index = next(i for i, j in enumerate(judged) if j.line.excel_row == due.line.excel_row)
            judged[index] = with_reminder(judged[index], policy, ws.today)
    return ReminderOutcome(judged, tuple(result), outcome)


def _statuses(keys: list[str], outcome: MailOutcome) -> dict[str, str]:
    failed = dict(outcome.failed)
    statuses = {}
    for key in keys:
        if key in outcome.sent:
            statuses[key] = "verstuurd"
        elif key in outcome.already_sent:
            statuses[key] = "al eerder verstuurd"
        elif key in failed:
            statuses[key] = f"verzenden mislukt: {failed[key]}"
        elif outcome.preview:
            statuses[key] = "klaar om te versturen (voorbeeld)"
        else:
            statuses[key] = "niet verstuurd; volgt bij de volgende run"
    return statuses


def reminder_mail(ws: Workspace, due: ReconfirmationDue, judged: list[Judged]) -> OutgoingMail:
    """The templated reminder for one employee; replies go to HR."""
    job = next(j.job for j in judged if j.line.excel_row == due.line.excel_row)
    assert job is not None and due.address is not None
    org = ws.config.organisation
    context = {
        "naam": due.line.employee,
        "nevenfunctie": due.line.function,
        "organisatie": due.line.organisation,
        "besluitdatum": job.decided_on,
        "herbevestigen_voor": due.due_on,
        "hr_adres": str(org.hr),
        "werkgever": org.name,
    }
    return ws.templates.mail(
        REMINDER,
        context,
        org.language,
        key=f"nevenfunctie-herbevestiging:{due.line.nr or f'rij{due.line.excel_row}'}:{due.due_on.isoformat()}",
        to=(due.address,),
        headers=(("Reply-To", str(org.hr)),),
        audit_ref=f"{SIDEJOBS.filename} Nr {due.line.nr}",
    )


def send_digest(ws: Workspace, result: SideJobReviewResult, reminders: MailOutcome, preview: bool) -> MailOutcome:
    """HR's digest of the review (at most one per day), merged with what the reminders did."""
    org = ws.config.organisation
    rendered = ws.templates.render(DIGEST, digest_context(ws, result), org.language)
    mail = OutgoingMail(
        key=f"nevenfuncties-overzicht:{ws.today.isoformat()}",
        purpose=DIGEST,
        to=(str(org.hr),),
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        audit_ref=f"nevenfuncties {ws.today.isoformat()}",
    )
    digest = deliver(ws, [mail], preview)
    return MailOutcome(
        preview=preview,
        prepared=reminders.prepared + digest.prepared,
        sent=reminders.sent + digest.sent,
        already_sent=reminders.already_sent + digest.already_sent,
        failed=reminders.failed + digest.failed,
        stopped_early=reminders.stopped_early or digest.stopped_early,
    )


def deliver(ws: Workspace, mails: list[OutgoingMail], preview: bool) -> MailOutcome:
    """Send the mails through the plan's apply step (exactly once, one per recipient), or with `preview` only list
    those the ledger hasn't sent yet. Keys in the outcome are the mails' own keys, also when a digest carried them."""
    from toolkit.mail.sender import undelivered
    from toolkit.plan import Plan, apply_plan

    unsent = undelivered(ws.state, mails)
    already = tuple(m.key for m in mails if m not in unsent)
    if preview:
        return MailOutcome(True, tuple(_prepared(m) for m in unsent), already_sent=already)
    if not mails:
        return MailOutcome(False)
    applied = apply_plan(ws, Plan(mails=tuple(mails)))
    report = applied.send
    failed_items = {
        item: why for mail in applied.outgoing for key, why in (report.failed if report else []) if key == mail.key
        for item in mail.items
    }  # fmt: skip
    sent_now = [m for m in unsent if m.key in applied.delivered]
    return MailOutcome(
        preview=False,
        prepared=tuple(_prepared(m) for m in sent_now),
        sent=tuple(m.key for m in sent_now),
        already_sent=already,
        failed=tuple((m.key, failed_items[m.key]) for m in unsent if m.key in failed_items),
        stopped_early=report.stopped_early if report else "",
    )


def _prepared(mail: OutgoingMail) -> PreparedMail:
    return PreparedMail(mail.key, mail.to, mail.subject, mail.text)


def digest_context(ws: Workspace, result: SideJobReviewResult) -> dict[str, Any]:
    """The digest template's fields (see templates/voorbeelden/nevenfuncties_overzicht.toml)."""
    return {
        "organisatie": ws.config.organisation.name,
        "datum": result.today,
        "register": SIDEJOBS.filename,
        "aantal": result.rows,
        "in_orde": result.ok_rows,
        "wachtend": [_pending_fields(p) for p in result.pending],
        "te_laat": [_pending_fields(p) for p in result.overdue],
        "herbevestigen": [_reconfirm_fields(r) for r in result.reconfirmations],
        "conflicten": [_conflict_fields(c) for c in result.conflicts],
        "overige": [_person(o.line) | {"bevindingen": list(o.findings)} for o in result.other],
        "niet_te_beoordelen": [_person(u.line) | {"problemen": list(u.problems)} for u in result.unjudged],
        "opmerkingen": list(result.notes),
    }


def _person(line: Any) -> dict[str, Any]:
    return {
        "nr": line.nr if line.nr is not None else "",
        "rij": line.excel_row,
        "medewerker": line.employee,
        "rol": line.role or "",
        "nevenfunctie": line.function,
        "organisatie": line.organisation,
    }


def _pending_fields(pending: Any) -> dict[str, Any]:
    return _person(pending.line) | {
        "gemeld_op": pending.reported_on,
        "dagen": pending.days_waiting,
        "besluit_uiterlijk": pending.decide_by,
    }


def _reconfirm_fields(due: Any) -> dict[str, Any]:
    return _person(due.line) | {"datum": due.due_on, "herinnering": due.reminder}


def _conflict_fields(conflict: Any) -> dict[str, Any]:
    return _person(conflict.line) | {
        "leverancier": conflict.supplier,
        "risico": conflict.current_risk or "",
        "voorgesteld": conflict.suggested_risk,
        "waarom": conflict.why,
    }
