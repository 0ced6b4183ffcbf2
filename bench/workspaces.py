"""Synthetic workspaces for the benchmarks: realistic and large, built once and cached under bench/out/."""

from __future__ import annotations

import mailbox
import random
import shutil
from datetime import date, timedelta
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from toolkit.init import create_workspace
from toolkit.registers.create import create_register
from toolkit.registers.schema import GIFT_DECISIONS, GIFT_KINDS, GIFTS, STAFF, SUPPLIERS

SIZES = {
    "realistic": {"suppliers": 300, "staff": 200, "gifts": 2_000, "mails": 100},
    "large": {"suppliers": 5_000, "staff": 500, "gifts": 20_000, "mails": 2_000},
}
TODAY = date(2026, 11, 26)


def build(out: Path, name: str) -> Path:
    """The workspace `name`, built if missing (delete bench/out to rebuild)."""
    root = out / name
    if (root / "config.toml").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    size = SIZES[name]
    create_workspace(root, today=TODAY)
    rng = random.Random(name)
    registers = root / "registers"
    create_register(registers / STAFF.filename, STAFF, staff(size["staff"]))
    create_register(registers / SUPPLIERS.filename, SUPPLIERS, suppliers(size["suppliers"]))
    create_register(registers / GIFTS.filename, GIFTS, gifts(size["gifts"], rng))
    fill_inbox(root / "mail" / "inbox", size["mails"])
    return root


def staff(count: int) -> list[dict[str, Any]]:
    return [
        {
            "Nr": i,
            "Personeelsnummer": f"P{i:05d}",
            "Naam": f"Medewerker {i}",
            "E-mail": f"m{i}@woonpartners.example",
            "Afdeling": "Wonen",
            "Functie": "Medewerker",
            "Rol": "leidinggevende" if i % 10 == 0 else "medewerker",
            "Leidinggevende": f"m{(i // 10) * 10 or 10}@woonpartners.example",
            "In dienst per": date(2015, 1, 1),
        }
        for i in range(1, count + 1)
    ]


def suppliers(count: int) -> list[dict[str, Any]]:
    return [
        {
            "Nr": i,
            "Leveranciersnummer": f"L{i:05d}",
            "Naam": f"Leverancier {i} B.V.",
            "Contactpersoon": f"Contact {i}",
            "E-mail": f"info@leverancier{i}.example",
            "Taal": "nl",
            "Categorie": "onderhoud",
            "Actief": "ja",
            "Contracteigenaar": "inkoop@woonpartners.example",
        }
        for i in range(1, count + 1)
    ]


def gifts(count: int, rng: random.Random) -> list[dict[str, Any]]:
    return [
        {
            "Nr": i,
            "Datum ontvangen": TODAY - timedelta(days=rng.randint(1, 700)),
            "Medewerker": f"Medewerker {rng.randint(1, 200)}",
            "Gever": f"Leverancier {rng.randint(1, 6000)} BV",
            "Soort": rng.choice(GIFT_KINDS),
            "Omschrijving": "Geschenk",
            "Waarde (€)": Decimal(rng.randint(1, 6000)) / 100,
            "Bezorgd op privéadres": rng.choice(["ja", "nee", "nee", "nee"]),
            "Relatie in onderhandeling of toezicht": "nee",
            "Besluit": rng.choice(GIFT_DECISIONS),
            "Overlegd met leidinggevende": rng.choice(["ja", "nee"]),
            "Toelichting": None,
        }
        for i in range(1, count + 1)
    ]


def fill_inbox(path: Path, count: int) -> None:
    box = mailbox.Maildir(path)
    for i in range(count):
        message = EmailMessage()
        message["From"] = f"info@leverancier{i + 1}.example"
        message["To"] = "integriteit@woonpartners.example"
        message["Subject"] = f"RE: Integriteitscode Woonpartners [IC-2027-{i + 1:04d}]"
        message["Message-ID"] = f"<bench-{i}@leverancier{i + 1}.example>"
        message.set_content("Akkoord, ontvangen en gelezen.\n\n> Wilt u bevestigen met akkoord?\n")
        box.add(message.as_bytes())
