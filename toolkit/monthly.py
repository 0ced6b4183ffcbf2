"""The monthly HR digest: new staff to onboard or behind, side functions waiting, supplier confirmations outstanding.

Each section comes from the same library function the area's own command uses; a section that fails is
reported inside the digest instead of stopping it.
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from toolkit.errors import ToolkitError
from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.mail.message import OutgoingMail
    from toolkit.mail.sender import SendReport
    from toolkit.workspace import Workspace


@dataclass(frozen=True)
class DigestSection:
    title: str
    lines: tuple[str, ...]


@dataclass
class MonthlyDigest:
    month: str  # YYYY-MM
    sections: list[DigestSection] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(s.lines) for s in self.sections)


@dataclass
class MonthlyResult:
    digest: MonthlyDigest
    sent: bool
    report: SendReport | None = None


# (title, "module:function"); each function takes a Workspace and returns the section's lines.
SECTIONS: list[tuple[str, str]] = [
    ("Nieuwe medewerkers", "toolkit.monthly:onboarding_lines"),
    ("Nevenfuncties", "toolkit.monthly:sidejob_lines"),
    ("Leveranciers: bevestigingen", "toolkit.monthly:supplier_lines"),
]


def onboarding_lines(ws: Workspace) -> list[str]:
    from toolkit.onboarding.service import onboarding_status

    status = onboarding_status(ws)
    lines = [f"{entry.name} ({entry.number}): {'; '.join(entry.reasons)}" for entry in status.behind]
    if status.to_welcome:
        lines.append(
            f"{counted(status.to_welcome, 'nieuwe medewerker wacht', 'nieuwe medewerkers wachten')} "
            "op de integriteitscode (integrity onboarding send)"
        )
    return lines + list(status.problems)


def sidejob_lines(ws: Workspace) -> list[str]:
    """Decisions waiting or late, reconfirmations due and possible conflicts (the review's plan; nothing written)."""
    from toolkit.sidejobs.service import review_side_jobs

    result = review_side_jobs(ws)

    def who(line: object) -> str:
        return f"{line.employee}, {line.function} bij {line.organisation}"  # type: ignore[attr-defined]

    lines = [f"besluit te laat: {who(p.line)} ({counted(p.days_waiting, 'dag', 'dagen')})" for p in result.overdue]
    lines += [f"wacht op besluit: {who(p.line)} ({counted(p.days_waiting, 'dag', 'dagen')})" for p in result.pending]
    lines += [f"herbevestigen: {who(r.line)} (sinds {r.due_on:%d-%m-%Y})" for r in result.reconfirmations]
    lines += [f"mogelijk belangenconflict: {who(c.line)} (leverancier {c.supplier})" for c in result.conflicts]
    return lines


def supplier_lines(ws: Workspace) -> list[str]:
    from toolkit.suppliers import rules, service

    settings = ws.config.suppliers
    cycle = rules.current_cycle(settings.first_year, settings.interval_years, ws.today)
    if cycle is None:
        return []
    overview = service.status_overview(ws, cycle)
    outstanding = sum(n for status, n in overview.counts.items() if status not in (rules.CONFIRMED,))
    lines = (
        [f"Ronde {cycle}: {overview.counts.get(rules.CONFIRMED, 0)} bevestigd, {outstanding} nog niet"]
        if overview.counts
        else []
    )
    return lines + overview.attention


def build_digest(ws: Workspace) -> MonthlyDigest:
    digest = MonthlyDigest(ws.today.strftime("%Y-%m"))
    for title, target in SECTIONS:
        module, _, attr = target.partition(":")
        try:
            lines = getattr(importlib.import_module(module), attr)(ws)
        except ToolkitError as exc:
            lines = [f"kon niet worden opgesteld: {exc.message}"]
        digest.sections.append(DigestSection(title, tuple(lines)))
    return digest


def digest_mail(ws: Workspace, digest: MonthlyDigest) -> OutgoingMail:
    """HR's monthly mail: once per month (and again only if its content changed)."""
    from toolkit.mail.message import OutgoingMail

    context = {
        "maand": digest.month,
        "secties": [{"titel": s.title, "regels": list(s.lines)} for s in digest.sections],
        "aantal": digest.count,
    }
    rendered = ws.templates.render("hr_maandoverzicht", context, ws.config.organisation.language)
    fingerprint = hashlib.sha256(rendered.text.encode("utf-8")).hexdigest()[:12]
    return OutgoingMail(
        key=f"hr-maandoverzicht:{digest.month}:{fingerprint}",
        purpose="hr_maandoverzicht",
        to=(ws.config.organisation.hr,),
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        audit_ref=digest.month,
    )


def send_digest(ws: Workspace, digest: MonthlyDigest, *, send: bool) -> SendReport | None:
    """With `send`, apply the plan of one mail to HR; without, nothing (the digest itself is the preview)."""
    from toolkit.plan import Plan, apply_plan

    if not send:
        return None
    return apply_plan(ws, Plan(mails=(digest_mail(ws, digest),))).send
