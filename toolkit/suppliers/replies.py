"""Supplier replies in the shared mailbox: bounces, automatic replies, confirmations and questions.

Handlers for the shared mailbox (toolkit/inbox/shared.py lists them in order).
Each message was classified once by the one sorter (toolkit/inbox/classify.py); these handlers act on that:
1. a bounce, attributed only by its failed recipient (DSN, NDR text, or the returned message's To and our
   reference): permanent -> `onbestelbaar` and one alert to the contract owner; delayed -> logged only;
   a bounce no supplier's address explains is left for a person, never read as a reply;
2. a machine report (ARF feedback/abuse, DMARC, TLS-RPT) or an automatic reply -> logged only;
3. a person's reply from a supplier (by our reference in subject or body, else the registered address; the
   sender's domain only after report intake had its turn): a confirmation -> `bevestigd`, `Bevestigd op/door`;
   anything else -> `vraag` and a notification to the contract owner. `Laatste bericht` gets the own words.
Mail carrying a report case number (M-2026-0001), or reading like a report, is never claimed here: it goes to
the reports intake. Staff confirming the code for new employees: toolkit/onboarding/replies.py.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import TYPE_CHECKING, Any

from toolkit.registers.schema import SUPPLIERS
from toolkit.rounds import record_confirmation, record_status, set_cell
from toolkit.suppliers import rules

if TYPE_CHECKING:
    from toolkit.inbox.classify import Classified, SharedRoute
    from toolkit.inbox.pipeline import Handled, Inbound, InboxRun
    from toolkit.mail.message import OutgoingMail
    from toolkit.registers.reader import Row
    from toolkit.workspace import Workspace

SORT_CONFIRMED = "bevestigd"
SORT_QUESTION = "vraag"
SORT_BOUNCE = "onbestelbaar"
SORT_AUTOMATIC = "automatisch"
SORT_MACHINE = "machinerapport"
PURPOSE_BOUNCE = "leverancier_onbestelbaar"
PURPOSE_QUESTION = "leverancier_vraag"
EXCERPT_LENGTH = 200


# --- finding the supplier (index lookups built once per pass: no scan per message) -------------------------------


def _address(value: Any) -> str:
    return str(value or "").strip().casefold()


def _domain(address: str) -> str:
    return address.rpartition("@")[2] if "@" in address else ""


def _by_address(run: InboxRun, address: str) -> list[Row]:
    return run.index(SUPPLIERS, "address", lambda row: _address(row.get("E-mail"))).get(_address(address), [])


def _by_reference(run: InboxRun, reference: str | None) -> Row | None:
    if reference is None:
        return None
    nr = int(reference.strip("[]").rsplit("-", 1)[1])
    found = run.index(SUPPLIERS, "nr", lambda row: row.nr).get(nr, [])
    return found[0] if found else None


def _by_domain(run: InboxRun, address: str) -> Row | None:
    """The one supplier whose address has the sender's domain; None when there are none or several."""
    domain = _domain(_address(address))
    found = run.index(SUPPLIERS, "domain", lambda row: _domain(_address(row.get("E-mail")))).get(domain, [])
    return found[0] if domain and len(found) == 1 else None


def bounced_suppliers(run: InboxRun, item: Classified) -> tuple[list[Row], str]:
    """The suppliers a bounce is about, by its failed recipient only — never by the sender's domain.

    The failed recipient comes from the DSN (Final-/Original-Recipient) or the NDR's text, else from the returned
    message's To. Our reference in the returned message names the supplier when no recipient is given; when both
    are known they must agree (a forward from the registered address that failed elsewhere is not our bounce).
    """
    failed = list(item.bounce.recipients if item.bounce else ()) or list(item.returned.to)
    found = {row.excel_row: row for address in failed for row in _by_address(run, address)}
    rows = list(found.values())
    if rows:
        return rows, ""
    named = _by_reference(run, item.supplier_reference)
    if named is None:
        return [], ""
    if not failed:
        return [named], ""
    return [], f"{_where(named)}: mislukt adres is niet het geregistreerde adres"


# --- what is already decided in this pass ------------------------------------------------------------------------


def _current(run: InboxRun, row: Row, column: str) -> Any:
    """The cell's value as this pass leaves it: the last queued update, else what the register says."""
    return run.current(SUPPLIERS, row, column)


def _set(run: InboxRun, row: Row, column: str, value: Any) -> None:
    set_cell(run, SUPPLIERS, row, column, value)


def _where(row: Row) -> str:
    return f"{SUPPLIERS.filename} Nr {row.nr}"


def _cycle(run: InboxRun, row: Row) -> int:
    settings = run.ws.config.suppliers
    written = str(row.get("Cyclus") or "").strip()
    if written.isdigit():
        return int(written)
    return rules.current_cycle(settings.first_year, settings.interval_years, run.ws.today) or run.ws.today.year


def _route(inbound: Inbound) -> SharedRoute:
    from toolkit.inbox.classify import shared_route

    return shared_route(inbound.item)


# --- 1. bounces ---------------------------------------------------------------------------------------------------


def bounce_handler(run: InboxRun, inbound: Inbound) -> Handled | None:
    """A non-delivery report for a supplier's address: permanent -> onbestelbaar + alert; delayed -> logged.

    A bounce no supplier's failed address explains is left for a person; it never reaches the reply handlers.
    """
    from toolkit.inbox.classify import SharedRoute
    from toolkit.inbox.pipeline import Handled

    item = inbound.item
    if _route(inbound) is not SharedRoute.BOUNCE or item.bounce is None:
        return None
    rows, why_not = bounced_suppliers(run, item)
    if not rows:
        return Handled(SORT_BOUNCE, note=why_not) if why_not else None
    if not item.bounce.permanent:
        return Handled(SORT_BOUNCE, note="vertraagd: " + "; ".join(_where(row) for row in rows))
    for row in rows:
        if _current(run, row, "Status") == rules.CONFIRMED:
            continue
        record_status(run, SUPPLIERS, row, rules.COLUMNS, rules.BOUNCED)
        run.send(bounce_alert(run.ws, row, _cycle(run, row), item.bounce.reason))
    return Handled(SORT_BOUNCE, note="; ".join(_where(row) for row in rows))


def bounce_alert(ws: Workspace, row: Row, cycle: int, reason: str) -> OutgoingMail:
    """One alert per supplier and cycle to its contract owner: the code could not be delivered."""
    context = {**_context(ws, row, cycle), "reden": reason}
    return _owner_mail(ws, row, PURPOSE_BOUNCE, f"{PURPOSE_BOUNCE}:{cycle}:{row.nr}", context)


# --- 2. machine reports and automatic replies ---------------------------------------------------------------------


def machine_handler(run: InboxRun, inbound: Inbound) -> Handled | None:
    """ARF feedback/abuse, DMARC and TLS reports: logged and moved, never a reply."""
    from toolkit.inbox.classify import SharedRoute
    from toolkit.inbox.pipeline import Handled

    if _route(inbound) is not SharedRoute.MACHINE:
        return None
    return Handled(SORT_MACHINE, note=inbound.item.reason)


def automatic_handler(run: InboxRun, inbound: Inbound) -> Handled | None:
    """Out-of-office and other automatic replies: logged and moved, no status changes."""
    from toolkit.inbox.classify import SharedRoute
    from toolkit.inbox.pipeline import Handled

    if _route(inbound) is not SharedRoute.AUTOMATIC:
        return None
    return Handled(SORT_AUTOMATIC, note=inbound.item.reason)


# --- 3. replies from suppliers ------------------------------------------------------------------------------------


def _person_reply(inbound: Inbound) -> bool:
    """A person's message from an address a person reads (no mailer-daemon, no-reply, abuse desk, …); an
    automatic reply that names wrongdoing goes to report intake, never here."""
    from toolkit.inbox.classify import Kind, SharedRoute

    item = inbound.item
    return _route(inbound) is SharedRoute.PERSON and item.kind is Kind.PERSON and not item.machine_sender


def supplier_reply_handler(run: InboxRun, inbound: Inbound) -> Handled | None:
    """A supplier's reply carrying our reference [IC-…], or from its registered address."""
    if not _person_reply(inbound):
        return None
    row = _by_reference(run, inbound.item.supplier_reference)
    if row is None:
        found = _by_address(run, inbound.mail.from_address or "")
        row = found[0] if found else None
    return _reply(run, inbound, row) if row is not None else None


def supplier_domain_handler(run: InboxRun, inbound: Inbound) -> Handled | None:
    """Last: a person's message from the domain of exactly one supplier (after reports had their turn)."""
    if not _person_reply(inbound):
        return None
    row = _by_domain(run, inbound.mail.from_address or "")
    return _reply(run, inbound, row) if row is not None else None


def _reply(run: InboxRun, inbound: Inbound, row: Row) -> Handled:
    """A confirmation fills in Bevestigd op/door, anything else is a question for the contract owner."""
    from toolkit.inbox.pipeline import Handled
    from toolkit.mailsort.reply import ReplyKind, excerpt

    mail = inbound.mail
    words = inbound.item.own_text
    _set(run, row, "Laatste bericht", excerpt(words or mail.subject, EXCERPT_LENGTH))
    if inbound.item.reply_kind is ReplyKind.CONFIRMATION:
        _confirm(run, row, inbound)
        return Handled(SORT_CONFIRMED, note=_where(row))
    record_status(run, SUPPLIERS, row, rules.COLUMNS, rules.QUESTION)  # a confirmed row keeps its confirmation
    run.send(question_notification(run.ws, row, _cycle(run, row), inbound, excerpt(words, 1000)))
    return Handled(SORT_QUESTION, note=_where(row))


def _confirm(run: InboxRun, row: Row, inbound: Inbound) -> None:
    """The first confirmation counts (toolkit.rounds)."""
    day = confirmed_day(inbound, row.get("Verzonden op"), run.ws.today, run.ws)
    by = (inbound.mail.from_address or "").strip().lower() or None
    record_confirmation(run, SUPPLIERS, row, rules.COLUMNS, day, by)


def confirmed_day(inbound: Inbound, sent_on: date | None, today: date, ws: Workspace) -> date:
    """The reply's Date in the organisation's time zone; today when missing or outside sent..today."""
    from toolkit.onboarding.replies import confirmation_day

    return confirmation_day(inbound.mail.date, sent_on or date.min, today, ws.config.organisation.timezone)


def question_notification(ws: Workspace, row: Row, cycle: int, inbound: Inbound, words: str) -> OutgoingMail:
    """A notification to the contract owner carrying the supplier's own words (once per message)."""
    digest = hashlib.sha256(inbound.key.encode()).hexdigest()[:16]
    context = {
        **_context(ws, row, cycle),
        "bericht": words or "(geen eigen tekst; zie de bijlage of het oorspronkelijke bericht)",
        "onderwerp": inbound.mail.subject,
        "afzender_bericht": inbound.mail.from_address or "",
        "ontvangen_op": confirmed_day(inbound, None, ws.today, ws),
    }
    return _owner_mail(ws, row, PURPOSE_QUESTION, f"{PURPOSE_QUESTION}:{row.nr}:{digest}", context)


# --- shared -------------------------------------------------------------------------------------------------------


def _context(ws: Workspace, row: Row, cycle: int) -> dict[str, Any]:
    return {
        "naam": row.get("Naam") or "",
        "contactpersoon": row.get("Contactpersoon") or "",
        "email": row.get("E-mail") or "",
        "referentie": rules.reference(cycle, row.nr or 0),
        "cyclus": cycle,
        "organisatie": ws.config.organisation.name,
    }


def _owner_mail(ws: Workspace, row: Row, purpose: str, key: str, context: dict[str, Any]) -> OutgoingMail:
    from toolkit.mail.message import OutgoingMail

    owner = row.get("Contracteigenaar") or ws.config.organisation.integrity_officer
    rendered = ws.templates.render(purpose, context, "nl")
    return OutgoingMail(
        key=key,
        purpose=purpose,
        to=(owner,),
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        audit_ref=_where(row),
    )
