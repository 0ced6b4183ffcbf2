"""`integrity check`: config, registers, templates and the mail backend, each as a readable list of problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    from toolkit.workspace import Workspace


@dataclass
class CheckSection:
    title: str
    ok_line: str = ""
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth knowing, but nothing is lost or stuck because of it

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class CheckReport:
    sections: list[CheckSection] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(section.ok for section in self.sections)


def run_checks(ws: Workspace) -> CheckReport:
    report = CheckReport([CheckSection("Configuratie", f"{ws.config.source} is in orde")])
    report.sections.append(check_registers(ws))
    report.sections.append(check_templates(ws))
    report.sections.append(check_mail(ws))
    from toolkit.reports.health import check_reports

    report.sections.append(check_reports(ws))
    return report


def check_registers(ws: Workspace) -> CheckSection:
    from toolkit.registers.picker import picker_notes
    from toolkit.registers.reader import read_register
    from toolkit.registers.schema import REGISTERS
    from toolkit.registers.typed import typed_notes

    section = CheckSection("Registers")
    counts = []
    tables = {}
    for register in REGISTERS.values():
        try:
            table = read_register(ws.register_path(register), register)
        except ToolkitError as exc:
            section.problems.append(str(exc))
            continue
        tables[register.key] = table
        counts.append(f"{register.filename}: {len(table.rows)} rijen")
        section.problems += [str(finding) for finding in table.findings]
        section.notes += typed_notes(table)
    section.notes += picker_notes(ws, tables)
    section.ok_line = "; ".join(counts)
    return section


def check_templates(ws: Workspace) -> CheckSection:
    section = CheckSection("Sjablonen")
    templates = ws.templates
    kinds = templates.types()
    for kind in kinds:
        for lang in ("nl", "en"):
            if not templates.has(kind, lang):
                continue
            try:
                templates.render(kind, templates.sample(kind), lang)
            except ToolkitError as exc:
                section.problems.append(str(exc))
    for key in ("code_attachment", "handout_attachment"):
        relative = getattr(ws.config.paths, key)
        if relative is not None and not ws.config.path(relative).is_file():
            section.problems.append(f"bijlage paths.{key} ({ws.config.path(relative)}) ontbreekt")
    section.ok_line = f"{len(kinds)} soorten berichten renderen met voorbeeldgegevens"
    return section


def check_mail(ws: Workspace) -> CheckSection:
    section = CheckSection("Mail")
    try:
        section.ok_line = ws.backend.check()
    except ToolkitError as exc:
        section.problems.append(str(exc))
    return section
