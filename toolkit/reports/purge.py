"""Originals do not linger: a processed report original is deleted from the mailbox once its sealed copy is kept.

`[reports] keep_originals_days` (default 30; 0 = keep for ever). Only messages that intake sealed into a case
archive are considered (their Message-ID digest is in the state, with the day they were sealed); one whose sealed
original is missing (kept out for its size, or deleted) stays. Each deletion is one audit line with the case
number only. This is the one exception to "processed mail is moved, never deleted".

The identity of a reporter does not linger either: `retention_step` erases the sealed originals of cases closed
longer than `[reports] identity_retention_days` ago.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from toolkit.reports.cases import ARCHIVED_KEY, ARCHIVED_ON_KEY, case_archive, has_register, load_cases
from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.nightly import StepResult
    from toolkit.workspace import Workspace

ERASED_KEY = "reports.erased.{case}"


def raw_digest(raw: bytes) -> str:
    """The same key intake uses: SHA-256 of the Message-ID with the content (toolkit.inbox.pipeline.content_digest)."""
    from toolkit.inbox.pipeline import content_digest
    from toolkit.mailsort.parse import parse_mail

    return content_digest(raw, parse_mail(raw))


def purge_originals(ws: Workspace, mailbox: str) -> int:
    """Delete processed originals sealed more than keep_originals_days ago (kept for that many days); count."""
    from toolkit.reports.cases import reports_dir

    days = ws.config.reports.keep_originals_days
    backend: Any = ws.backend  # list/fetch/delete_processed: only the backends that can purge (all three today)
    if days <= 0 or not hasattr(backend, "list_processed"):
        return 0
    limit = ws.today - timedelta(days=days)
    deleted = 0
    for ref in backend.list_processed(mailbox):
        key = raw_digest(backend.fetch_processed(ref))
        where = ws.state.get(ARCHIVED_KEY.format(digest=key))
        sealed_on = ws.state.get(ARCHIVED_ON_KEY.format(digest=key))
        if not where or not sealed_on or date.fromisoformat(sealed_on) >= limit:
            continue
        case, number = where.split(":")
        sealed = reports_dir(ws) / case / f"{int(number):02d}-bericht.eml.age"
        if not sealed.is_file() or not sealed.read_bytes().startswith(b"age-encryption.org/v1"):
            continue  # no verified sealed copy: the original is the only one, keep it
        backend.delete_processed(ref)
        ws.audit.record("reports.original_deleted", actor=ws.actor, target=case, after_days=days)
        deleted += 1
    return deleted


def retention_step(ws: Workspace) -> StepResult:
    """Nightly: erase the identity of cases closed longer than [reports] identity_retention_days ago."""
    from toolkit.nightly import StepResult

    name = "identiteit melders wissen"
    if not has_register(ws):
        return StepResult(name, True, "nog geen meldingen")
    limit = ws.today - timedelta(days=ws.config.reports.identity_retention_days)
    due = [c.number for c in load_cases(ws) if c.closed is not None and c.closed < limit]
    if not due:
        return StepResult(name, True, "niets te wissen")
    archive = case_archive(ws)
    erase = [n for n in due if any(archive.files(n)) and not ws.state.get(ERASED_KEY.format(case=n))]
    if not erase:
        return StepResult(name, True, "niets te wissen")
    for number in erase:
        originals = archive.erase_originals(number)
        ws.state.set(ERASED_KEY.format(case=number), ws.today.isoformat())
        ws.audit.record("reports.identity_erased", actor=ws.actor, target=number, originals_erased=originals)
    return StepResult(name, True, f"identiteit gewist bij {counted(len(erase), 'zaak', 'zaken')}", tuple(erase))
