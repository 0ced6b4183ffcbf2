"""`integrity check`: everything the nightly job needs, each part as a readable list of problems (and notes)."""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.config.toml_lines import key_lines, line_of
from toolkit.errors import ToolkitError
from toolkit.values import counted

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
    """Everything the nightly job needs, read only: config (every error at once comes from loading it), the
    workspace's own files and the audit key, registers (readable, open in Excel and by whom, writable),
    templates, the mail backend and its secret, the reports' keys."""
    report = CheckReport([check_config(ws), check_workspace(ws)])
    report.sections.append(check_registers(ws))
    report.sections.append(check_templates(ws))
    report.sections.append(check_mail(ws))
    from toolkit.reports.health import check_reports

    report.sections.append(check_reports(ws))
    return report


PLACEHOLDER = re.compile(r"[\w.+-]*\.example\b", re.IGNORECASE)  # RFC 2606: never a real domain


def check_config(ws: Workspace) -> CheckSection:
    """Loading the config already found every error (all at once); here: addresses still left as examples."""
    section = CheckSection("Configuratie", f"{ws.config.source} is in orde")
    found = placeholder_keys(ws.config)
    if found:
        lines = key_lines(ws.config.source.read_text(encoding="utf-8"))
        where = sorted((line_of(lines, key) or 0, key) for key in found)
        keys = ", ".join(f"{key} (regel {line or '?'})" for line, key in where)
        section.ok_line = f"{ws.config.source} leest goed, maar is nog niet ingevuld"
        text = (
            f"{counted(len(found), 'instelling', 'instellingen')} in {ws.config.source.name} "
            f"{'staat' if len(found) == 1 else 'staan'} nog op een voorbeeldadres (*.example): "
            f"{keys}; vul de echte adressen in"
        )
        if ws.config.mail.backend == "folder":  # nothing leaves the machine yet: not set up, not broken
            section.notes.append(f"{text} voordat u een echte mailserver instelt")
        else:
            section.problems.append(f"{text}: mail naar deze adressen komt nooit aan")
    return section


def placeholder_keys(config: Any, prefix: str = "") -> list[str]:
    """The dotted keys of config values that hold an example domain (such as woonpartners.example)."""
    found: list[str] = []
    for item in dataclasses.fields(config):
        if item.name == "source":
            continue
        value = getattr(config, item.name)
        key = f"{prefix}{item.name}"
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            found += placeholder_keys(value, f"{key}.")
        elif any(isinstance(v, str) and PLACEHOLDER.search(v) for v in (value if isinstance(value, list) else [value])):
            found.append(key)
    return found


def check_workspace(ws: Workspace) -> CheckSection:
    """The toolkit's own files (state, audit trail: there, writable, room on the disk) and the audit key."""
    from toolkit.audit_anchor import Anchor
    from toolkit.preflight import AUDIT_FILE, workspace_file_problems

    state_dir = ws.config.state_dir
    section = CheckSection("Werkmap", f"{state_dir}: toestand en logboek schrijfbaar, ruimte genoeg")
    section.problems += [str(problem) for problem in workspace_file_problems(state_dir)]
    anchor = Anchor(state_dir / AUDIT_FILE)
    if anchor.key(create=False) is None:
        if anchor.key_path.exists():
            section.problems.append(
                f"de sleutel van het logboek ({anchor.key_path}) is onleesbaar; zet hem terug uit de back-up "
                "(of zet INTEGRITY_AUDIT_KEY), anders kan 'integrity audit verify' het logboek niet controleren"
            )
        elif (state_dir / AUDIT_FILE).exists() and (state_dir / AUDIT_FILE).stat().st_size > 0:
            section.problems.append(
                f"de sleutel van het logboek ontbreekt (geen INTEGRITY_AUDIT_KEY, niet in de sleutelbos, geen "
                f"{anchor.key_path}), terwijl het logboek al regels heeft; zet de sleutel terug (zie README, 'Het "
                "logboek en zijn anker'), anders tekent de volgende run met een nieuwe sleutel"
            )
        else:
            section.ok_line += f"; de sleutel van het logboek komt bij de eerste run in {anchor.key_path}"
    return section


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
            if str(exc) not in section.problems:  # two sheets of one missing file: said once
                section.problems.append(str(exc))
            continue
        tables[register.key] = table
        counts.append(f"{register.filename}: {counted(len(table.rows), 'rij', 'rijen')}")
        section.problems += [str(finding) for finding in table.findings]
        section.notes += typed_notes(table)
    for path in sorted(ws.config.registers_dir.glob("*.xlsx")):
        if not path.name.startswith(("~$", ".~lock.")):
            _write_blockers(path, section)
    section.notes += picker_notes(ws, tables)
    section.ok_line = "; ".join(counts)
    return section


def _write_blockers(path: Path, section: CheckSection) -> None:
    """Open in Excel or LibreOffice (and by whom: the lock file says), or not writable: the nightly job can't write."""
    from toolkit.registers.safety import owner_files, owner_name

    for owner in owner_files(path):
        program = "LibreOffice" if owner.name.startswith(".~lock.") else "Excel"
        who = owner_name(owner)
        section.notes.append(
            f"{path.name} is geopend in {program}{f' door {who}' if who else ''} (vergrendelbestand {owner.name}): "
            f"wijzigingen van de toolkit wachten tot het is gesloten; staat het niet meer open, verwijder dan {owner.name}"
        )
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        section.problems.append(
            f"{path.name} (of de map {path.parent}) is niet schrijfbaar voor deze gebruiker: de nachtelijke taak kan "
            "er niets in bijwerken; geef de gebruiker van de toolkit schrijfrechten"
        )


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
