"""`integrity board` and the unattended step: prepare the RvC report, write the requested files, mail it once.

A preview (no --send) writes nothing but the files asked for with --out. Sending goes through the Mailer with a
stable key, so a rerun, or a run killed halfway, never mails the report twice. The chair of the RvC gets the
full report; the director gets a version without the cases that concern the director.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.board import gateway
from toolkit.board.facts import Facts
from toolkit.board.figures import BOARD_PURPOSE, build_report
from toolkit.board.model import Area, BoardReport
from toolkit.board.period import Period, comparison, last_full_quarter, meeting_due, parse_period
from toolkit.render import OK, renders

if TYPE_CHECKING:
    from toolkit.mail.message import OutgoingMail
    from toolkit.mail.sender import SendReport
    from toolkit.nightly import StepResult
    from toolkit.workspace import Workspace

STEP_NAME = "RvC-rapportage"
BASENAME = "integriteitsrapportage-{period}{suffix}"
AUDIENCES = ("rvc", "directeur")


@dataclass
class BoardResult:
    report: BoardReport
    written: list[str] = field(default_factory=list)
    send: SendReport | None = None
    already_sent: int = 0  # versions the send ledger already holds (not built again)
    preview: bool = True

    @property
    def ok(self) -> bool:
        return self.send is None or self.send.ok


def prepare(
    ws: Workspace, period: Period, compare: Period, audience: str = "rvc", facts: Facts | None = None
) -> BoardReport:
    """The report from the registers as they are now (`facts` when they were read already)."""
    return build_report(
        facts or gateway.gather(ws),
        period,
        compare,
        ws.today,
        organisation=ws.config.organisation.name,
        audience=audience,
        min_cell=ws.config.board.min_cell,
    )


def render_files(ws: Workspace, report: BoardReport) -> dict[str, bytes]:
    """The three files: .xlsx (native charts), .html and .pdf (chart images), by extension."""
    from toolkit.board import html, images, pdf, xlsx

    labels = (report.period.label, report.compare.label)
    pngs = {area.key: images.area_png(area, *labels) for area in report.areas}
    rendered = html.render(report, ws.config.templates_dir, pngs)
    folder = ws.config.templates_dir

    def page_of(area: Area) -> Callable[[int], str]:
        return lambda width: html.render_area(report, folder, area, pngs.get(area.key), width)

    pages: list[Callable[[int], str]] = [lambda width: rendered.cover, *map(page_of, report.areas)]
    footer = f"{report.organisation} – integriteitsrapportage {report.period.label}"
    return {
        ".xlsx": xlsx.build_xlsx(report),
        ".html": rendered.page.encode("utf-8"),
        ".pdf": pdf.build_pdf(pages, footer),
    }


def filename(report: BoardReport, extension: str) -> str:
    suffix = "" if report.audience == "rvc" else f"-{report.audience}"
    return BASENAME.format(period=report.period.label, suffix=suffix) + extension


def write_files(files: dict[str, bytes], report: BoardReport, out_dir: Path) -> list[str]:
    from toolkit.registers.safety import check_writable
    from toolkit.reports.crypto import write_atomically

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for extension, content in files.items():
        path = out_dir / filename(report, extension)
        if path.exists():
            check_writable(path)
        write_atomically(path, content)
        written.append(str(path))
    return written


def fingerprint(report: BoardReport) -> str:
    """What the report says, without the day it was made and the agenda (which counts this very mail once sent)."""
    data = report.as_dict()
    data.pop("opgesteld_op", None)
    data["onderdelen"] = [a for a in data["onderdelen"] if a["sleutel"] != "agenda"]
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]


def board_mail(
    ws: Workspace, report: BoardReport, files: dict[str, bytes], key: str, meeting: str = ""
) -> OutgoingMail:
    from toolkit.mail.message import Attachment, OutgoingMail

    organisation = ws.config.organisation
    recipient = organisation.rvc_chair if report.audience == "rvc" else organisation.director
    context = {
        "organisatie": organisation.name,
        "periode": report.period.label,
        "vergelijking": report.compare.label,
        "vergadering": meeting,
        "versie": report.audience,
        "lezingen": [f"{a.title}: {a.reading}" for a in report.areas],
    }
    rendered = ws.templates.render(BOARD_PURPOSE, context, organisation.language)
    kinds = {".pdf": "application/pdf", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    attachments = tuple(Attachment(filename(report, ext), files[ext], kind) for ext, kind in kinds.items())
    return OutgoingMail(
        key,
        BOARD_PURPOSE,
        (recipient,),
        rendered.subject,
        rendered.text,
        rendered.html,
        attachments,
        audit_ref=f"{report.period.label}:{report.audience}",
    )


def run_board(
    ws: Workspace, period_text: str, compare_text: str | None, out: Path | None, *, send: bool, audience: str = "rvc"
) -> BoardResult:
    """Prepare the report; with `out` write its files there; with `send` mail both versions once."""
    period = parse_period(period_text)
    compare = comparison(period, compare_text)
    facts = gateway.gather(ws)
    report = prepare(ws, period, compare, audience, facts)
    result = BoardResult(report, preview=not send)
    files = render_files(ws, report) if out is not None else None
    if out is not None and files is not None:
        result.written = write_files(files, report, out)
    if send:
        mailer = ws.mailer()
        mails = []
        for version in AUDIENCES:
            each = report if version == audience else prepare(ws, period, compare, version, facts)
            key = f"{BOARD_PURPOSE}:{period.label}:{compare.label}:{version}:{fingerprint(each)}"
            if mailer.already_sent(key):
                result.already_sent += 1
                continue
            made = files if each is report and files is not None else render_files(ws, each)
            mails.append(board_mail(ws, each, made, key))
        result.send = mailer.send_all(mails)
    return result


def board_step(ws: Workspace) -> StepResult:
    """Nightly: from [board] days_ahead days before an RvC meeting, mail the report of the last full quarter, once."""
    from datetime import timedelta

    from toolkit.nightly import StepResult

    settings = ws.config.board
    meeting = meeting_due(settings.meeting_dates, settings.days_ahead, ws.today)
    if meeting is None:
        return StepResult(STEP_NAME, True, "geen RvC-vergadering op komst")
    mailer = ws.mailer()
    keys = {version: f"{BOARD_PURPOSE}:vergadering:{meeting.isoformat()}:{version}" for version in AUDIENCES}
    if all(mailer.already_sent(key) for key in keys.values()):
        return StepResult(STEP_NAME, True, f"rapportage voor de vergadering van {meeting:%d-%m-%Y} al verstuurd")
    period = last_full_quarter(meeting - timedelta(days=settings.days_ahead))
    compare = comparison(period, None)
    facts = gateway.gather(ws)
    mails = []
    for version, key in keys.items():
        if mailer.already_sent(key):
            continue
        report = prepare(ws, period, compare, version, facts)
        mails.append(board_mail(ws, report, render_files(ws, report), key, meeting.isoformat()))
    report_sent = mailer.send_all(mails)
    summary = f"rapportage {period.label} voor de vergadering van {meeting:%d-%m-%Y}: {len(report_sent.sent)} verstuurd"
    return StepResult(STEP_NAME, report_sent.ok, summary, tuple(reason for _, reason in report_sent.failed))


@renders("toolkit.board.service.BoardResult")
def _(result: BoardResult) -> list[str]:
    from toolkit.board.html import value_text

    report = result.report
    lines = [report.summary, ""]
    for area in report.areas:
        lines.append(f"{area.title}: {area.reading}")
        for figure in area.figures:
            lines.append(
                f"    {figure.label}: {value_text(figure.current, figure.unit)} "
                f"({report.compare.label}: {value_text(figure.previous, figure.unit)})"
            )
    lines += [f"Let op: {note}" for note in report.notes]
    lines += [f"{OK} geschreven: {path}" for path in result.written]
    if result.send is not None:
        lines.append(
            f"Verstuurd aan voorzitter RvC en directeur: {len(result.send.sent)} nieuw, {len(result.send.already_sent)} al eerder."
        )
        lines += [f"    mislukt: {reason}" for _, reason in result.send.failed]
    elif result.preview:
        lines.append(
            "Voorbeeld: er is niets verstuurd. Gebruik --send om de rapportage te mailen, --out MAP voor de bestanden."
        )
    return lines
