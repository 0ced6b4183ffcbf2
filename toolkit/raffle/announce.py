"""Announcing the Christmas raffle: freeze the pool and the participants before the seed exists, and tell everyone.

`announce_raffle(ws, year, seed_source)` previews; with `send=True` it

1. hands out lot numbers at random (`L001`, `L002`, …; the operating system's randomness, so nobody chooses them),
2. writes the announcement (`toolkit.raffle.published`) beside the registers, `kerstloting-2026-aankondiging.txt`,
   and the lot list with names on the sheet `2026 loten` of kerstloting.xlsx (for HR; never published),
3. mails every participant with an address their lot number, the announcement digest and where the seed will
   come from, with the announcement attached (exactly once each, through the mailer).

Run again after an interruption, it sends only what was not sent yet and never hands out new lots.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from toolkit.errors import InputError
from toolkit.raffle.draw import Participant
from toolkit.raffle.inputs import participants_for, pool_for, settings_for
from toolkit.raffle.published import Announcement, announcement_digest, parse_announcement
from toolkit.registers.schema import RAFFLE

if TYPE_CHECKING:
    from pathlib import Path

    from toolkit.mail.message import OutgoingMail
    from toolkit.workspace import Workspace

ANNOUNCE_KIND = "kerstloting_aankondiging"
LOTS_HEADER = ("Lotnummer", "Personeelsnummer", "Naam", "E-mail")


@dataclass(frozen=True)
class LotHolder:
    lot: str
    number: str
    name: str
    email: str


@dataclass(frozen=True)
class RaffleAnnounceResult:
    """An announcement: previewed, or written and mailed (`send`)."""

    year: int
    send: bool
    already_announced: bool
    announcement_file: str
    digest: str
    seed_source: str
    gifts: int
    participants: int
    first_mail: tuple[str, str, str] | None  # (to, subject, text) of the first message
    mails: int
    sent: int
    already_sent: int
    failed: tuple[str, ...]
    no_email: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.failed


def now_in(ws: Workspace) -> str:
    """Now, in the organisation's time zone, to the second (ISO 8601)."""
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(ws.config.organisation.timezone)).isoformat(timespec="seconds")


def announcement_path(ws: Workspace, year: int) -> Path:
    return ws.config.registers_dir / f"kerstloting-{year}-aankondiging.txt"


def result_path(ws: Workspace, year: int) -> Path:
    return ws.config.registers_dir / f"kerstloting-{year}-uitslag.txt"


def lots_sheet(year: int) -> str:
    return f"{year} loten"


def assign_lots(people: list[Participant]) -> list[LotHolder]:
    """Lot numbers in an order nobody chooses: a shuffle with the operating system's randomness."""
    order = list(people)
    secrets.SystemRandom().shuffle(order)
    width = max(3, len(str(len(order))))
    return [LotHolder(f"L{i:0{width}d}", p.key, p.name, p.email or "") for i, p in enumerate(order, start=1)]


def read_lots(ws: Workspace, year: int) -> list[LotHolder]:
    """The lot list of `year` from kerstloting.xlsx (sheet '<year> loten')."""
    from python_calamine import CalamineWorkbook

    path, sheet = ws.register_path(RAFFLE), lots_sheet(year)
    workbook = CalamineWorkbook.from_path(str(path)) if path.exists() else None
    if workbook is None or sheet not in workbook.sheet_names:
        raise InputError(
            f"{RAFFLE.filename}: de lotnummers van {year} ontbreken (blad '{sheet}').",
            hint=f"kondig de loting eerst aan: integrity raffle announce --year {year} --seed-source TEKST --send.",
        )
    rows = [["" if c is None else str(c).strip() for c in r] for r in workbook.get_sheet_by_name(sheet).iter_rows()]
    top = next((i for i, r in enumerate(rows) if r and r[0] == LOTS_HEADER[0]), None)
    if top is None:
        raise InputError(f"{RAFFLE.filename}, blad '{sheet}': de kop 'Lotnummer' ontbreekt.")
    return [LotHolder(*(r + [""] * 4)[:4]) for r in rows[top + 1 :] if r and r[0]]


def read_announcement(ws: Workspace, year: int) -> tuple[Announcement, str]:
    """The published announcement of `year` and its text as published; an InputError when there is none."""
    path = announcement_path(ws, year)
    if not path.exists():
        raise InputError(
            f"de kerstloting van {year} is nog niet aangekondigd ({path.name} ontbreekt).",
            hint=f"kondig eerst aan: integrity raffle announce --year {year} --seed-source 'waar de seed vandaan komt' "
            "--send; trek pas daarna, met de seed uit die bron.",
        )
    text = path.read_text(encoding="utf-8")
    return parse_announcement(text, path.name), text


def announce_raffle(ws: Workspace, year: int, seed_source: str | None, *, send: bool = False) -> RaffleAnnounceResult:
    """Freeze and announce `year`'s raffle (preview unless `send`); see the module docstring."""
    path = announcement_path(ws, year)
    if path.exists():
        announcement, text = read_announcement(ws, year)
        return _mail_everyone(ws, announcement, text, read_lots(ws, year), send=send, already=True)
    if not (seed_source or "").strip():
        raise InputError(
            "zeg vooraf waar de seed vandaan komt (--seed-source).",
            hint="bijvoorbeeld --seed-source 'de trekking van de Staatsloterij van 31 december' of "
            "'het getal dat op de kerstborrel uit de hoed wordt getrokken'. Niemand mag die uitkomst vooraf kennen.",
        )
    settings = settings_for(ws, year)
    gifts, people = pool_for(ws, settings), participants_for(ws, settings)
    if not gifts:
        raise InputError(
            f"Kerstloting {year}: er zijn geen centraal ingeleverde kerstgeschenken ontvangen van "
            f"{settings.first:%d-%m-%Y} tot en met {settings.last:%d-%m-%Y}; er is niets te verloten.",
            hint="controleer in geschenken.xlsx Soort 'kerstgeschenk', Besluit 'centraal ingeleverd' en de datum.",
        )
    if not people:
        raise InputError("Kerstloting: er zijn geschenken maar geen deelnemers.",
                         hint="controleer medewerkers.xlsx: wie in dienst is doet mee.")  # fmt: skip
    holders = assign_lots(people)
    announced_at = now_in(ws)
    announcement = Announcement(year, ws.config.organisation.name, seed_source or "", announced_at, tuple(gifts),
                                tuple(h.lot for h in holders))  # fmt: skip
    text = announcement.text()
    if send:
        _record(ws, announcement, text, holders)
    return _mail_everyone(ws, announcement, text, holders, send=send, already=False)


def _record(ws: Workspace, announcement: Announcement, text: str, holders: list[LotHolder]) -> None:
    from toolkit.files import write_atomically
    from toolkit.registers.create import create_empty_workbook
    from toolkit.registers.owned import write_table_sheet

    year = announcement.year
    registers = ws.register_path(RAFFLE)
    if not registers.exists():
        create_empty_workbook(registers, RAFFLE.title)
    rows = [[h.lot, h.number, h.name, h.email] for h in holders]
    notes = [("Jaar", str(year)), ("Aankondiging", announcement_path(ws, year).name),
             ("Aankondiging-digest (SHA-256)", announcement_digest(text)), ("Aangekondigd op", announcement.announced_at)]  # fmt: skip
    write_table_sheet(registers, lots_sheet(year), LOTS_HEADER, rows, backups_dir=ws.backups_dir,
                      keep_backups=ws.config.registers.backups_keep, notes=notes)  # fmt: skip
    write_atomically(announcement_path(ws, year), text.encode("utf-8"))
    ws.audit.record("raffle.announce", actor=ws.actor, target=announcement_path(ws, year).name, year=year,
                    digest=announcement_digest(text), gifts=len(announcement.gifts), participants=len(holders))  # fmt: skip


def _mail_everyone(ws: Workspace, announcement: Announcement, text: str, holders: list[LotHolder], *, send: bool,
                   already: bool) -> RaffleAnnounceResult:  # fmt: skip
    digest = announcement_digest(text)
    mails = [_mail(ws, announcement, digest, text, h) for h in holders if h.email]
    no_email = tuple(f"{h.name} ({h.number}), lot {h.lot}" for h in holders if not h.email)
    first = (", ".join(mails[0].to), mails[0].subject, mails[0].text) if mails else None
    sent = already_sent = 0
    failed: tuple[str, ...] = ()
    if send and mails:
        report = ws.mailer().send_all(mails)
        sent, already_sent = len(report.sent) + len(report.recovered), len(report.already_sent)
        failed = tuple(f"{key}: {why}" for key, why in report.failed) + (
            (report.stopped_early,) if report.stopped_early else ()
        )
    return RaffleAnnounceResult(
        year=announcement.year, send=send, already_announced=already,
        announcement_file=announcement_path(ws, announcement.year).name, digest=digest,
        seed_source=announcement.seed_source, gifts=len(announcement.gifts), participants=len(holders),
        first_mail=first, mails=len(mails), sent=sent, already_sent=already_sent, failed=failed, no_email=no_email,
    )  # fmt: skip


def _mail(ws: Workspace, announcement: Announcement, digest: str, text: str, holder: LotHolder) -> OutgoingMail:
    from toolkit.mail.message import Attachment, OutgoingMail

    context: dict[str, Any] = {
        "organisatie": ws.config.organisation.name,
        "naam": holder.name,
        "jaar": announcement.year,
        "lot": holder.lot,
        "digest": digest,
        "seedbron": announcement.seed_source,
        "geschenken": len(announcement.gifts),
        "deelnemers": len(announcement.lots),
        "bestand": announcement_path(ws, announcement.year).name,
        "hr": ws.config.organisation.hr,
    }
    rendered = ws.templates.render(ANNOUNCE_KIND, context, ws.config.organisation.language)
    attachment = Attachment(context["bestand"], text.encode("utf-8"), "text/plain")
    return OutgoingMail(
        key=f"kerstloting-aankondiging:{announcement.year}:{digest[:16]}:{holder.number}",
        purpose=ANNOUNCE_KIND,
        to=(holder.email,),
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        attachments=(attachment,),
        audit_ref=f"{RAFFLE.filename} blad {lots_sheet(announcement.year)}",
    )
