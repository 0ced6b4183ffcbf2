"""The start of a new supplier cycle (every two years): start the mailing, or remind purchasing (config)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.mail.message import OutgoingMail
from toolkit.plan import Plan, apply_plan
from toolkit.suppliers import rules, service
from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.workspace import Workspace


def start_cycle(ws: Workspace) -> str:
    settings = ws.config.suppliers
    cycle = rules.current_cycle(settings.first_year, settings.interval_years, ws.today)
    if cycle is None:
        return "nog geen verzendronde"
    if settings.cycle_start == "mail":
        result = service.run_mailing(ws, service.plan_mailing(ws, cycle, number=True), send=True)
        sent = len(result.report.sent) if result.report else 0
        return f"ronde {cycle} gestart: {counted(sent, 'leverancier', 'leveranciers')} gemaild"
    plan = service.plan_mailing(ws, cycle)
    rendered = ws.templates.render(
        "leveranciers_nieuwe_ronde",
        {"cyclus": cycle, "aantal": len(plan.messages), "zonder_adres": len(plan.no_email)},
        "nl",
    )
    mail = OutgoingMail(
        key=f"leveranciers-nieuwe-ronde:{cycle}",
        purpose="leveranciers_nieuwe_ronde",
        to=(ws.config.organisation.integrity_officer,),
        subject=rendered.subject,
        text=rendered.text,
        audit_ref=f"ronde {cycle}",
    )
    applied = apply_plan(ws, Plan(mails=(mail,)))
    if not applied.mail_ok:
        return f"ronde {cycle}: herinnering aan inkoop niet verstuurd: {'; '.join(applied.failed)}"
    return f"ronde {cycle}: herinnering aan inkoop verstuurd"
