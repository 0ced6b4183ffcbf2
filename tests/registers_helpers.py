"""Builders for real .xlsx files used by the register tests."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path
from typing import Any

from toolkit.registers.create import create_register
from toolkit.registers.schema import GIFTS


def gift(n: int, **overrides: Any) -> dict[str, Any]:
    row = {
        "Nr": n, "Datum ontvangen": "1-12-2025", "Medewerker": f"Medewerker {n}", "Gever": f"Gever {n}", "Soort": "geschenk",
        "Omschrijving": "Fles wijn", "Waarde (€)": "12,50", "Bezorgd op privéadres": "nee",
        "Relatie in onderhandeling of toezicht": "nee", "Besluit": "ter beschikking organisatie",
        "Overlegd met leidinggevende": "ja",
    }  # fmt: skip
    row.update(overrides)
    return row


def gifts_workbook(path: Path, count: int = 5, **overrides: Any) -> Path:
    create_register(path, GIFTS, [gift(n, **overrides) for n in range(1, count + 1)])
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_zip_parts(path: Path, parts: dict[str, bytes], replace: dict[str, bytes] | None = None) -> None:
    """Rewrite the xlsx zip with extra parts (and some parts replaced), as Excel would have saved them."""
    temp = path.with_suffix(".rewrite")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if replace and item.filename in replace:
                data = replace[item.filename]
            target.writestr(item, data)
        for name, data in parts.items():
            target.writestr(name, data)
    shutil.move(temp, path)


def read_part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)
