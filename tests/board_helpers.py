"""Shared pieces for the board-report tests: a generated year of activity, direct register reads, output texts.

The counts here are made straight from the workbooks with openpyxl (the case register is an ordinary workbook:
it holds no identity and no report text), never through toolkit.board, so a test compares two independent counts.
"""

from __future__ import annotations

import json
import random
import re
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

DEPARTMENTS = ("Wonen", "Vastgoed", "Financiën", "=SOM(1;1) <b>Klantcontact</b>")  # text from outside, never markup
FIRST = ("Aafke", "Bouke", "Cor", "Dirkje", "Eelco", "Froukje", "Gerlof", "Hiske", "Ids", "Jitske")
LAST = ("Zwaagstra", "Hoekstra", "Wierda", "Bergsma", "Postma", "Kuipers")


def rows_of(path: Path, sheet: str) -> list[dict[str, Any]]:
    """Every non-empty row of a sheet as header -> value, read with openpyxl."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    cells = list(book[sheet].iter_rows(values_only=True))
    book.close()
    headers = [str(h).strip() if h is not None else "" for h in cells[0]]
    return [dict(zip(headers, r, strict=False)) for r in cells[1:] if any(v not in (None, "") for v in r)]


def day(value: Any) -> date | None:
    if hasattr(value, "date") and callable(value.date):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{2}-\d{2}-\d{4}", value.strip()):
        d, m, y = value.strip().split("-")
        return date(int(y), int(m), int(d))
    return None


def within(value: Any, start: date, end: date) -> bool:
    found = day(value)
    return found is not None and start <= found <= end


def output_texts(out: Path, json_text: str) -> dict[str, str]:
    """The words of every output: xlsx (all XML parts), html, pdf (extracted text) and the JSON."""
    from pypdf import PdfReader

    texts = {"json": json_text}
    for path in out.iterdir():
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                texts[path.name] = "\n".join(
                    archive.read(n).decode("utf-8", "replace") for n in archive.namelist() if n.endswith(".xml")
                )
        elif path.suffix == ".html":
            texts[path.name] = path.read_text(encoding="utf-8")
        elif path.suffix == ".pdf":
            texts[path.name] = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return texts


def breakdown_cells(report: dict[str, Any], protected_only: bool = True) -> list[tuple[str, str, Any]]:
    cells = []
    for area in report["onderdelen"]:
        for item in area["uitsplitsingen"]:
            if protected_only and not item["beschermd"]:
                continue
            for row in item["rijen"]:
                cells += [
                    (item["titel"], row["categorie"], row["periode"]),
                    (item["titel"], row["categorie"], row["vergelijking"]),
                ]
    return cells


def figure(report: dict[str, Any], area: str, label: str) -> tuple[Any, Any]:
    for each in report["onderdelen"]:
        if each["sleutel"] == area:
            for item in each["kengetallen"]:
                if item["kengetal"] == label:
                    return item["periode"], item["vergelijking"]
    raise KeyError(f"{area}/{label}")


def rows_in(report: dict[str, Any], area: str, title: str) -> dict[str, tuple[Any, Any]]:
    for each in report["onderdelen"]:
        if each["sleutel"] == area:
            for item in each["uitsplitsingen"]:
                if item["titel"] == title:
                    return {r["categorie"]: (r["periode"], r["vergelijking"]) for r in item["rijen"]}
    raise KeyError(f"{area}/{title}")


def load_json(text: str) -> dict[str, Any]:
    return json.loads(text)


# -- a generated year of activity ----------------------------------------------------------------------------------


def people(rng: random.Random, count: int) -> list[tuple[str, str]]:
    names: set[str] = set()
    while len(names) < count:
        names.add(f"{rng.choice(FIRST)} {rng.choice(LAST)}")
    return [(n, n.lower().replace(" ", ".") + "@woonpartners.example") for n in sorted(names)]


def generate_year(root: Path, seed: int = 11) -> None:
    """Registers with a year of activity (2026-04 .. 2027-03) and an encrypted case register with small cells."""
    from toolkit.registers.create import create_register
    from toolkit.registers.schema import GIFTS, SIDEJOBS, STAFF, SUPPLIERS

    rng = random.Random(seed)
    staff = people(rng, 40)
    folder = root / "registers"
    roles = ["directeur-bestuurder", "RvC-lid", "RvC-lid"] + ["medewerker"] * 37
    staff_rows = []
    for i, ((name, mail), role) in enumerate(zip(staff, roles, strict=True), start=1):
        start = date(2026, 4, 1) + timedelta(days=9 * i) if i > 22 else date(2015, 1, 1)
        talk = start + timedelta(days=rng.choice((10, 30, 60))) if i > 22 and i % 3 else None
        staff_rows.append(
            {"Nr": i, "Personeelsnummer": f"P{i:03d}", "Naam": name, "E-mail": mail, "Afdeling": DEPARTMENTS[i % 4],
             "Rol": role, "In dienst per": start, "Gesprek M&O op": talk,
             "Code verzonden op": start - timedelta(days=10) if i > 22 else None,
             "Ontvangst bevestigd op": start - timedelta(days=5) if i > 22 and i % 2 else None}
        )  # fmt: skip
    create_register(folder / STAFF.filename, STAFF, staff_rows)
    gifts = []
    decisions = ("aangenomen", "geweigerd", "centraal ingeleverd", "ter beschikking organisatie", "teruggestuurd")
    for i in range(1, 61):
        verdict = rng.choice(
            ("OK", "OK", "G2: te duur", "G4: zelf gehouden; G5 (ter beoordeling): privéadres", "G1: geld")
        )
        gifts.append(
            {"Nr": i, "Datum ontvangen": date(2026, 4, 1) + timedelta(days=6 * i), "Medewerker": staff[5 + i % 30][0],
             "Gever": f"Leverancier Vertrouwelijk {i}", "Soort": "geschenk", "Omschrijving": f"Omschrijving geheim {i}",
             "Waarde (€)": 10 + i, "Besluit": rng.choice(decisions), "Toelichting": f"Toelichting privé {i}",
             "Beoordeling": verdict}
        )  # fmt: skip
    create_register(folder / GIFTS.filename, GIFTS, gifts)
    sidejobs = []
    for i in range(1, 31):
        person = staff[i % 40]
        reported = date(2026, 4, 3) + timedelta(days=12 * i)
        status = rng.choice(("gemeld", "toestemming gevraagd", "goedgekeurd", "afgewezen"))
        decided = reported + timedelta(days=rng.choice((5, 20))) if status in ("goedgekeurd", "afgewezen") else None
        sidejobs.append(
            {"Nr": i, "Medewerker": person[0], "Rol": roles[i % 40], "Nevenfunctie": "bestuurslid",
             "Organisatie": f"Stichting Geheim {i}", "Gemeld op": reported, "Status": status, "Besluitdatum": decided,
             "Startdatum": reported}
        )  # fmt: skip
    create_register(folder / SIDEJOBS.filename, SIDEJOBS, sidejobs)
    suppliers = []
    for i in range(1, 25):
        status = rng.choice(("verzonden", "herinnerd", "bevestigd", "bevestigd", "vraag", "onbestelbaar"))
        suppliers.append(
            {"Nr": i, "Leveranciersnummer": f"L{i}", "Naam": f"Aannemer Discreet {i}", "Contactpersoon": f"Contact Persoon {i}",
             "E-mail": f"info{i}@aannemer.example", "Actief": "ja", "Contracteigenaar": staff[6 + i % 3][1],
             "Cyclus": "2027", "Verzonden op": date(2027, 1, 4) + timedelta(days=i % 20),
             "Herinneringen": 1 if status != "bevestigd" or i % 2 else 0, "Status": status,
             "Laatste bericht": f"Geheim uittreksel {i}"}
        )  # fmt: skip
    create_register(folder / SUPPLIERS.filename, SUPPLIERS, suppliers)


CASE_PLAN = [
    # (received, reporter kind, status, serious, measures, regulator, concerns)
    *[(date(2027, 1, 5 + i), "medewerker", "in behandeling", "nee", "", False, "medewerker") for i in range(5)],
    (
        date(2027, 2, 3),
        "huurder",
        "afgesloten",
        "ja",
        "schriftelijke waarschuwing, gesprek met Gerlof Wierda",
        True,
        "leidinggevende",
    ),
    (date(2027, 2, 10), "anoniem", "onderzoek", "onbekend", "", False, "medewerker"),
    (date(2027, 2, 11), "anoniem", "onderzoek", "nee", "", False, "directeur-bestuurder"),
    *[(date(2027, 3, 1 + i), "opdrachtnemer", "ontvangen", None, "", None, "medewerker") for i in range(3)],
    *[(date(2026, 11, 2 + i), "medewerker", "afgesloten", "nee", "geen", False, "medewerker") for i in range(4)],
]


def write_cases(root: Path, today: date) -> None:
    """The case register through the reports module's own store (setup only; tests read it back independently)."""
    from toolkit.config import load_config
    from toolkit.reports.cases import case_register
    from toolkit.workspace import Workspace

    ws = Workspace(load_config(root / "config.toml"), today, actor="test")
    rows = {}
    for n, (received, kind, status, serious, measures, regulator, concerns) in enumerate(CASE_PLAN, start=1):
        rows[f"M-{received.year}-{n:04d}"] = {
            "Ontvangen op": received, "Kanaal": "e-mail", "Melder": f"R-{n:04d}", "Melder is": kind, "Betreft": concerns,
            "Betrokkene": "Gerlof Wierda" if concerns != "medewerker" else None, "Onderwerp": f"Vertrouwelijk onderwerp {n}",
            "Ontvangst bevestigd op": received + timedelta(days=2 if n % 4 else 9), "Status": status,
            "Ernstige inbreuk": serious, "Maatregelen": measures or None, "Melding toezichthouder": regulator,
            "Terugkoppeling gegeven op": received + timedelta(days=40) if n % 3 == 0 else None,
        }  # fmt: skip
    case_register(ws).write(rows)
    ws.close()
