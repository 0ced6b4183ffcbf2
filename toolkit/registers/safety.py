"""Refuse rather than damage: is the workbook open (Excel or LibreOffice), writable, and a package we can patch?"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from toolkit.errors import WorkbookLocked, WorkbookRefused


def owner_files(path: Path) -> list[Path]:
    """Lock files of a program that has the workbook open: Excel's ~$name.xlsx (or ~$ plus the name minus its
    first two characters, for long names) and LibreOffice's .~lock.name.xlsx#."""
    candidates = [
        path.with_name("~$" + path.name),
        path.with_name("~$" + path.name[2:]),
        path.with_name(f".~lock.{path.name}#"),
    ]
    return [c for c in dict.fromkeys(candidates) if c.exists()]


def owner_name(owner: Path) -> str | None:
    """Who has the workbook open, as the lock file says (None when it can't be read)."""
    try:
        data = owner.read_bytes()[:4096]
    except OSError:
        return None
    if owner.name.startswith(".~lock."):  # LibreOffice: "user name,system user,host,time,profile url;"
        fields = data.decode("utf-8", "replace").split(",")
        name = fields[0].strip() or (fields[1].strip() if len(fields) > 1 else "")
        return name or None
    if len(data) >= 1 and 0 < data[0] <= 53:  # Excel: length byte, then the name in the ANSI code page
        name = data[1 : 1 + data[0]].decode("cp1252", "replace").strip()
        if len(data) >= 57 and "?" in name:  # at 54 a length and the same name in UTF-16, for what ANSI can't hold
            length = int.from_bytes(data[54:56], "little")
            wide = data[56 : 56 + 2 * length].decode("utf-16-le", "replace").strip("\x00 ")
            name = wide if wide.isprintable() and len(wide) == len(name) else name
        return name or None
    return None


def check_writable(path: Path) -> None:
    """WorkbookLocked when the workbook is open in Excel or LibreOffice or can't be written; the change then waits."""
    owners = owner_files(path)
    if owners:
        program = "LibreOffice" if owners[0].name.startswith(".~lock.") else "Excel"
        who = owner_name(owners[0])
        by = f" door {who}" if who else ""
        raise WorkbookLocked(
            f"{path.name} is geopend in {program}{by} (vergrendelbestand {owners[0].name}); "
            "de wijziging wacht tot de volgende run.",
            hint=f"sluit {path.name}; de toolkit schrijft dan bij de volgende run. Staat het bestand niet open, "
            f"verwijder dan {owners[0].name}.",
        )
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise WorkbookLocked(
            f"{path.name} of de map {path.parent} is niet schrijfbaar; de wijziging wacht tot de volgende run.",
            hint="geef de toolkit schrijfrechten op het register en de map.",
        )
    try:
        with open(path, "r+b"):
            pass
    except OSError as exc:
        raise WorkbookLocked(
            f"{path.name} kan niet worden geopend om te schrijven ({exc.strerror}); de wijziging wacht."
        ) from exc


def find_unsupported(path: Path) -> list[str]:
    """Dutch descriptions of what the gateway can't keep in this file (empty when it can patch it)."""
    if path.suffix.lower() in (".xlsb", ".xls"):
        return [f"bestandstype {path.suffix} (binair of oud formaat)"]
    if not zipfile.is_zipfile(path):
        return ["geen .xlsx-pakket (versleuteld met een wachtwoord of een ander bestandstype)"]
    return []


def check_supported(path: Path) -> None:
    """WorkbookRefused naming what can't be kept; the workbook is left untouched."""
    found = find_unsupported(path)
    if found:
        raise WorkbookRefused(
            f"{path.name} niet geschreven: {'; '.join(found)}.",
            hint="bewaar het als Excel-werkmap (.xlsx) zonder wachtwoord; tot dan schrijft de toolkit er niets in.",
        )
