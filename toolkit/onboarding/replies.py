"""Replies from new staff confirming receipt of the integrity code fill in 'Ontvangst bevestigd op'.

A handler for the inbox pipeline (toolkit/inbox/pipeline.py). It recognises a message only when the sender's
address is the `E-mail` of a staff member who was sent the code (`Code verzonden op`) and has not confirmed yet,
the message is no automatic reply, and the reply's own words (quoted text left out) are a confirmation.
Anything else (a question, an out-of-office, a second reply after confirming) is left for the next handler
or for a person.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from toolkit.onboarding.service import CONFIRMED_COLUMN, PRIVATE_COLUMN, SENT_COLUMN
from toolkit.registers.schema import STAFF

if TYPE_CHECKING:
    from toolkit.inbox.pipeline import Handled, Inbound, InboxRun
    from toolkit.registers.reader import Row, Table

SORT = "bevestiging nieuwe medewerker"


def awaiting_confirmation(table: Table, sender: str) -> list[Row]:
    """Staff rows with this e-mail address that were sent the code and have no confirmation yet."""
    address = sender.strip().casefold()
    if not address:
        return []
    return [
        row
        for row in table.rows
        if address in _addresses(row) and row.get(SENT_COLUMN) is not None and row.get(CONFIRMED_COLUMN) is None
    ]


def confirmation_day(written: datetime | date | None, sent_on: date, today: date, timezone: str) -> date:
    """The day the reply was written (its Date, in the organisation's time zone); today when missing or implausible."""
    if isinstance(written, datetime):
        from zoneinfo import ZoneInfo

        day = written.astimezone(ZoneInfo(timezone)).date() if written.tzinfo else written.date()
    elif isinstance(written, date):
        day = written
    else:
        return today
    return day if sent_on <= day <= today else today


def confirmation_handler(run: InboxRun, inbound: Inbound) -> Handled | None:
    """Fill in 'Ontvangst bevestigd op' for a new employee whose reply confirms receipt of the code."""
    from toolkit.inbox.classify import Kind, SharedRoute, shared_route
    from toolkit.inbox.pipeline import Handled
    from toolkit.mailsort.reply import ReplyKind
    from toolkit.registers.writer import CellUpdate

    item = inbound.item
    if shared_route(item) is not SharedRoute.PERSON or item.kind is not Kind.PERSON or item.machine_sender:
        return None  # a bounce, machine report or automatic reply is never a confirmation
    rows = _awaiting(run, inbound.mail.from_address or "")
    if not rows or inbound.item.reply_kind is not ReplyKind.CONFIRMATION:
        return None
    ws = run.ws
    updates = [
        CellUpdate(
            CONFIRMED_COLUMN,
            confirmation_day(inbound.mail.date, row.get(SENT_COLUMN), ws.today, ws.config.organisation.timezone),
            nr=row.nr,
            excel_row=row.excel_row,
        )
        for row in rows
        if not run.queued(STAFF, row, CONFIRMED_COLUMN)  # a second confirmation in the same pass: the first counts
    ]
    run.update(STAFF, updates)
    return Handled(SORT, note="; ".join(_where(row) for row in rows))


def _awaiting(run: InboxRun, sender: str) -> list[Row]:
    """awaiting_confirmation through an index built once per pass (no register scan per message)."""
    address = sender.strip().casefold()
    if not address:
        return []
    business = run.index(STAFF, "address", lambda row: str(row.get("E-mail") or "").strip().casefold())
    private = run.index(STAFF, "private address", lambda row: str(row.get(PRIVATE_COLUMN) or "").strip().casefold())
    rows = {id(r): r for r in [*business.get(address, []), *private.get(address, [])]}.values()
    return [r for r in rows if r.get(SENT_COLUMN) is not None and r.get(CONFIRMED_COLUMN) is None]


def _addresses(row: Row) -> set[str]:
    """The business and private address of a staff row (the welcome may have gone to either)."""
    return {str(row.get(column) or "").strip().casefold() for column in ("E-mail", PRIVATE_COLUMN)} - {""}


def _where(row: Row) -> str:
    return f"{STAFF.filename} Nr {row.nr}" if row.nr is not None else f"{STAFF.filename} rij {row.excel_row}"
