"""Refuse rather than damage: is the workbook open in Excel, and does it hold content openpyxl would drop?"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

from toolkit.errors import WorkbookLocked, WorkbookRefused

# zip part prefixes openpyxl drops or rewrites lossily, with a Dutch description
UNSUPPORTED_PARTS = (
    ("xl/vbaProject.bin", "macro's (VBA)"),
    ("xl/drawings/", "een tekening (vorm, afbeelding, grafiek of tekstvak)"),
    ("xl/charts/", "een grafiek"),
    ("xl/chartsheets/", "een grafiekblad"),
    ("xl/media/", "een afbeelding"),
    ("xl/pivotTables/", "een draaitabel"),
    ("xl/pivotCache/", "een draaitabelcache"),
    ("xl/slicers/", "een slicer"),
    ("xl/slicerCaches/", "een slicer"),
    ("xl/timelines/", "een tijdlijn"),
    ("xl/timelineCaches/", "een tijdlijn"),
    ("xl/threadedComments/", "een opmerking in gesprekvorm (threaded comment)"),
    ("xl/ctrlProps/", "een formulierbesturingselement"),
    ("xl/activeX/", "een ActiveX-besturingselement"),
    ("xl/embeddings/", "een ingesloten object"),
    ("xl/model/", "een gegevensmodel (Power Pivot)"),
    ("xl/queryTables/", "een query-tabel"),
    ("customUI/", "een aangepast lint"),
)
_EXT_LIST = re.compile(rb"<(?:\w+:)?extLst\b")
_X14_KINDS = (
    (rb"dataBar", "gegevensbalken (voorwaardelijke opmaak, x14)"),
    (rb"iconSet", "pictogramseries (voorwaardelijke opmaak, x14)"),
    (rb"x14:conditionalFormatting", "voorwaardelijke opmaak die openpyxl niet kan bewaren (x14)"),
    (rb"x14:dataValidation", "een keuzelijst uit een ander blad (gegevensvalidatie, x14)"),
    (rb"sparkline", "sparklines"),
    (rb"slicer", "een slicer"),
)


_WORKBOOK_EXT_KINDS = (
    (b"slicerCache", "een slicer"),
    (b"timelineCache", "een tijdlijn"),
    (b"dataModel", "een gegevensmodel (Power Pivot)"),
)


def owner_files(path: Path) -> list[Path]:
    """Excel's lock files for this workbook: ~$name.xlsx, or ~$ plus the name minus its first two characters."""
    candidates = {path.with_name("~$" + path.name), path.with_name("~$" + path.name[2:])}
    return [c for c in candidates if c.exists()]


def check_writable(path: Path) -> None:
    """WorkbookLocked when the workbook is open in Excel or can't be written; the change then waits."""
    owners = owner_files(path)
    if owners:
        raise WorkbookLocked(
            f"{path.name} is geopend in Excel (vergrendelbestand {owners[0].name}); de wijziging wacht tot de volgende run.",
            hint=f"sluit {path.name} in Excel; de toolkit schrijft dan bij de volgende run.",
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
    """Dutch descriptions of what openpyxl would drop from this workbook (empty when it is safe to write)."""
    if path.suffix.lower() in (".xlsm", ".xltm", ".xlsb", ".xls"):
        return [f"bestandstype {path.suffix} (macro's of oud formaat)"]
    found: list[str] = []
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        for prefix, what in UNSUPPORTED_PARTS:
            hits = [n for n in names if n.startswith(prefix) and not _comment_vml(n)]
            if hits:
                found.append(f"{what} ({hits[0]})")
        for name in names:
            if _is_sheet_or_workbook(name):
                found += _extensions_in(name, archive.read(name))
    return sorted(set(found))


def _comment_vml(name: str) -> bool:
    """Legacy VML drawings hold the shapes of notes (comments); openpyxl rewrites those itself."""
    return name.startswith("xl/drawings/") and (name.endswith(".vml") or name.endswith(".vml.rels"))


def _is_sheet_or_workbook(name: str) -> bool:
    return name == "xl/workbook.xml" or (name.startswith("xl/worksheets/") and name.endswith(".xml"))


def _extensions_in(name: str, xml: bytes) -> list[str]:
    if not _EXT_LIST.search(xml):
        return []
    if name == "xl/workbook.xml":  # Excel always writes workbookPr/calcFeatures here: harmless to drop
        return [f"{what} ({name})" for marker, what in _WORKBOOK_EXT_KINDS if marker in xml]
    kinds = [f"{what} ({name})" for marker, what in _X14_KINDS if marker in xml]
    return kinds or [f"uitbreidingen die openpyxl niet kent (extLst in {name})"]


def check_supported(path: Path) -> None:
    """WorkbookRefused listing what would be lost; the workbook is left untouched."""
    found = find_unsupported(path)
    if found:
        raise WorkbookRefused(
            f"{path.name} niet geschreven: het bevat {'; '.join(found)}. De Excel-bibliotheek van de toolkit zou dat verwijderen.",
            hint="haal dat weg of zet het in een apart bestand; tot dan schrijft de toolkit niets in dit register.",
        )
