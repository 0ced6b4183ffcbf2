"""Fictitious demo data: a few dozen rows per register (some against the code) and a few mails in the inbox."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

FIRST = [
    "Anna",
    "Bram",
    "Chantal",
    "Daan",
    "Eva",
    "Fatima",
    "Gert",
    "Hanna",
    "Ilse",
    "Jeroen",
    "Karim",
    "Lotte",
    "Mehmet",
    "Noor",
    "Olaf",
    "Petra",
    "Quinten",
    "Roos",
    "Sander",
    "Tessa",
    "Umut",
    "Vera",
    "Wouter",
    "Yara",
    "Zeynep",
]
LAST = [
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
]
DEPARTMENTS = ["Wonen", "Vastgoed", "Financiën", "Mens & Organisatie", "Klantcontact", "Onderhoud"]
SUPPLIER_NAMES = [
    "Bouwbedrijf Jansen B.V.",
    "Schildersbedrijf De Kwast",
    "Installatietechniek Noord BV",
    "Groenvoorziening Hofstad",
    "Dakwerken Van Dam VOF",
    "Adviesbureau Woonkracht",
    "Schoonmaakbedrijf Glans",
    "Liftservice Omhoog B.V.",
    "Elektro Visser",
    "Loodgieter Snel",
    "Tegelzetter Mozaïek",
    "Kozijnen Totaal N.V.",
    "Sloopbedrijf Opnieuw",
    "IT Partners Zuid",
    "Accountants Cijfer & Co",
    "Verhuisbedrijf Verder",
    "Isolatie Warm BV",
    "Glashandel Helder",
    "Rioolservice Stroom",
    "Hekwerk Veilig",
    "Keukens op Maat",
    "Badkamer Plus",
    "Zonnepanelen Zon B.V.",
    "Asbestsanering Schoon",
    "Makelaardij Thuis",
    "Drukkerij Inkt",
    "Catering Smaak",
    "Beveiliging Wacht",
    "Archief Opslag BV",
    "Juridisch Advies Recht",
    "Vloeren Vakwerk",
    "Ventilatie Frisse Lucht",
    "Steigerbouw Hoog",
    "Metselwerk Steen",
    "Parkeerbeheer Plek",
    "Afvalinzameling Rein",
    "Energieadvies Zuinig",
    "Tuinonderhoud Blad",
    "Ongediertebestrijding Weg",
    "Meubilair Kantoor BV",
]


def _people(rng: random.Random, count: int) -> list[tuple[str, str]]:
    names: set[str] = set()
    while len(names) < count:
        names.add(f"{rng.choice(FIRST)} {rng.choice(LAST)}")
    result = []
    for name in sorted(names):
        local = name.lower().replace(" ", ".").replace("..", ".")
        result.append((name, f"{local}@woonpartners.example"))
    return result


def staff_rows(today: date, rng: random.Random) -> list[dict[str, Any]]:
    people = _people(rng, 40)
    director, board, managers, staff = people[0], people[1:4], people[4:10], people[10:]
    rows = [_staff(1, director, "directeur-bestuurder", "Directie", "Directeur-bestuurder", None, date(2018, 3, 1))]
    for i, person in enumerate(board, start=2):
        rows.append(_staff(i, person, "RvC-lid", "RvC", "Commissaris", None, date(2020, 1, 1)))
    for i, person in enumerate(managers, start=5):
        rows.append(
            _staff(
                i,
                person,
                "leidinggevende",
                DEPARTMENTS[i % len(DEPARTMENTS)],
                "Manager",
                director[1],
                date(2015 + i % 7, 2, 1),
            )
        )
    for i, person in enumerate(staff, start=11):
        manager = managers[i % len(managers)]
        start = date(2012 + i % 12, 1 + i % 12, 1)
        rows.append(_staff(i, person, "medewerker", DEPARTMENTS[i % len(DEPARTMENTS)], "Medewerker", manager[1], start))
    # new people: starting soon, just started, and one who left
    rows[-1]["In dienst per"] = today + timedelta(days=10)
    rows[-2]["In dienst per"] = today - timedelta(days=5)
    rows[-3]["In dienst per"] = today - timedelta(days=60)
    rows[-3]["Code verzonden op"] = today - timedelta(days=62)  # onboarding status: no conversation, no confirmation
    rows[-4]["Uit dienst per"] = today - timedelta(days=30)
    for row in rows[:-3]:
        row["Gesprek M&O op"] = row["In dienst per"] + timedelta(days=20)
    return rows


def _staff(
    number: int, person: tuple[str, str], role: str, department: str, title: str, manager: str | None, start: date
) -> dict[str, Any]:
    return {
        "Personeelsnummer": f"P{number:04d}",
        "Naam": person[0],
        "E-mail": person[1],
        "Afdeling": department,
        "Functie": title,
        "Rol": role,
        "Leidinggevende": manager,
        "In dienst per": start,
    }


def supplier_rows(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for i, name in enumerate(SUPPLIER_NAMES, start=1):
        slug = "".join(ch for ch in name.lower().split(" b.v")[0].split(" bv")[0] if ch.isalnum())[:18]
        rows.append(
            {
                "Leveranciersnummer": f"L{1000 + i}",
                "Naam": name,
                "Contactpersoon": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "E-mail": f"info@{slug}.example" if i % 13 else None,
                "Taal": "en" if i % 9 == 0 else "nl",
                "Categorie": rng.choice(["onderhoud", "advies", "diensten", "bouw"]),
                "Actief": "nee" if i % 11 == 0 else "ja",
                "Contracteigenaar": "inkoop@woonpartners.example",
            }
        )
    return rows


GIFT_SAMPLES = [
    ("geschenk", "Fles wijn", Decimal("12.50"), "ter beschikking organisatie"),
    ("geschenk", "Bos bloemen", Decimal("15"), "ter beschikking organisatie"),
    ("geschenk", "Doos bonbons", Decimal("9.95"), "aangenomen"),  # G4: kept personally
    ("geschenk", "Luxe pen", Decimal("45"), "aangenomen"),  # G2
    ("geld of cadeaubon", "Cadeaubon bouwmarkt", Decimal("50"), "aangenomen"),  # G1 + G2
    ("geld of cadeaubon", "Cadeaubon", Decimal("20"), "teruggestuurd"),
    ("uitnodiging", "Lunch na oplevering", Decimal("35"), "aangenomen"),
    ("uitnodiging", "Seminar duurzaam bouwen", Decimal("0"), "geweigerd"),
    ("reis", "Studiereis Kopenhagen", Decimal("900"), "aangenomen"),  # G2 + G7 (trip)
    ("kerstgeschenk", "Kerstpakket", Decimal("40"), "centraal ingeleverd"),
    ("kerstgeschenk", "Kerstpakket", Decimal("35"), "centraal ingeleverd"),
    ("kerstgeschenk", "Fles champagne", Decimal("30"), "centraal ingeleverd"),
    ("kerstgeschenk", "Kerststol en wijn", Decimal("22"), "aangenomen"),  # G6
]


def gift_rows(today: date, rng: random.Random, staff: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    employees = [r["Naam"] for r in staff if r["Rol"] in ("medewerker", "leidinggevende")]
    for i in range(30):
        kind, description, value, decision = GIFT_SAMPLES[i % len(GIFT_SAMPLES)]
        received = (
            today - timedelta(days=rng.randint(1, 300))
            if kind != "kerstgeschenk"
            else date(today.year - 1, 12, 10 + i % 10)
        )
        rows.append(
            {
                "Datum ontvangen": received,
                "Medewerker": rng.choice(employees),
                "Gever": rng.choice(SUPPLIER_NAMES),
                "Soort": kind,
                "Omschrijving": description,
                "Waarde (€)": value,
                "Bezorgd op privéadres": "ja" if i == 7 else "nee",
                "Relatie in onderhandeling of toezicht": "ja" if i == 12 else "nee",
                "Besluit": decision,
                "Overlegd met leidinggevende": "ja" if i % 3 == 0 else "nee",
                "Toelichting": None,
            }
        )
    rows[3]["Waarde (€)"] = "€ 24,99"
    rows[4]["Waarde (€)"] = "25,-"
    rows[5]["Datum ontvangen"] = "12-03-2026"
    rows[6]["Waarde (€)"] = "ongeveer dertig"  # unreadable: reported as a finding with its cell
    return rows


def sidejob_rows(today: date, rng: random.Random, staff: list[dict[str, Any]]) -> list[dict[str, Any]]:
    functions = [
        ("penningmeester", "Voetbalvereniging De Bal", False),
        ("bestuurslid", "Stichting Buurthuis", False),
        ("eigen bedrijf", "Klusbedrijf Eigen Hand", True),
        ("docent", "ROC Midden", True),
        ("adviseur", "Bouwbedrijf Jansen BV", True),
        ("commissaris", "Zorggroep Samen", True),
        ("vrijwilliger", "Voedselbank", False),
        ("toezichthouder", "Woningstichting Elders", True),
    ]
    statuses = ["goedgekeurd", "gemeld", "toestemming gevraagd", "goedgekeurd", "afgewezen", "beëindigd"]
    rows = []
    for i in range(25):
        person = staff[i % len(staff)]
        function, organisation, paid = functions[i % len(functions)]
        status = statuses[i % len(statuses)]
        reported = today - timedelta(days=5 + 7 * i)
        decided = reported + timedelta(days=10) if status in ("goedgekeurd", "afgewezen", "beëindigd") else None
        rows.append(
            {
                "Medewerker": person["Naam"],
                "Rol": person["Rol"],
                "Nevenfunctie": function,
                "Organisatie": organisation,
                "Betaald": "ja" if paid else "nee",
                "Uren per maand": 4 + i % 10,
                "Startdatum": reported + timedelta(days=1),
                "Einddatum": today - timedelta(days=3) if status == "beëindigd" else None,
                "Gemeld op": reported,
                "Status": status,
                "Besluit door": "M&O" if decided else None,
                "Besluitdatum": decided,
                "Risico belangenverstrengeling": "hoog" if "Jansen" in organisation else "laag",
                "Vastgelegd in personeelsdossier op": decided + timedelta(days=2) if decided and i % 4 else None,
            }
        )
    # approved over a year ago (due for reconfirmation), a supplier conflict not yet weighed, an unreadable date
    rows[6].update({"Gemeld op": today - timedelta(days=400), "Besluitdatum": today - timedelta(days=390)})
    rows[6]["Vastgelegd in personeelsdossier op"] = today - timedelta(days=388)
    rows[12]["Risico belangenverstrengeling"] = None
    rows[18]["Startdatum"] = "ergens in mei"
    return rows


def interest_rows(today: date, staff: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """belangen.xlsx: decided and undecided declarations, one decision overdue, one review passed, one new."""
    from toolkit.registers.schema import INTEREST_DECISIONS

    people = [person for person in staff if person.get("Rol") in ("medewerker", "leidinggevende")] or staff
    items = [
        (
            "belang",
            "Broer is eigenaar van een schildersbedrijf dat offertes uitbrengt",
            "Schildersbedrijf Kwast",
            "broer",
        ),
        ("privétransactie", "Koop van een garagebox van een aannemer waarmee we werken", "Bouwbedrijf Jansen BV", ""),
        ("belang", "Partner werkt bij de gemeente, afdeling vergunningen", "Gemeente", "partner"),
        ("belang", "Aandelen in een installatiebedrijf", "Installatietechniek Noord", ""),
        ("privétransactie", "Huur van een vakantiewoning van een leverancier", "Loodgieter Snel", ""),
    ]
    rows = []
    for i, (kind, what, relation, relative) in enumerate(items):
        person = staff[0] if i == 2 else people[(3 * i + 1) % len(people)]  # Nr 3: the director (RvC chair told)
        declared = today - timedelta(days=(200, 60, 30, 20, 1)[i])
        decided = i in (0, 1)
        rows.append(
            {
                "Medewerker": person["Naam"],
                "Soort": kind,
                "Omschrijving": what,
                "Relatie of leverancier": relation,
                "Betrokken naaste": relative or None,
                "Gemeld op": declared,
                "Besluit": ("toegestaan met maatregelen", "geen bezwaar")[i] if decided else None,
                "Besluitdatum": declared + timedelta(days=7) if decided else None,
                "Maatregelen": "Niet betrokken bij offertes van deze relatie" if i == 0 else None,
                "Herbeoordelen op": today - timedelta(days=10) if i == 0 else None,
                "Leidinggevende ingelicht op": declared if i < 4 else None,
                "HR ingelicht op": declared if i < 4 else None,
            }
        )
    for i in range(15):  # older declarations, decided and told long ago
        kind, what, relation, relative = items[i % 3]
        declared = today - timedelta(days=250 + 20 * i)
        rows.append(
            {
                "Medewerker": people[(5 * i + 2) % len(people)]["Naam"],
                "Soort": kind,
                "Omschrijving": what,
                "Relatie of leverancier": relation,
                "Betrokken naaste": relative or None,
                "Gemeld op": declared,
                "Besluit": INTEREST_DECISIONS[i % 3],
                "Besluitdatum": declared + timedelta(days=5),
                "Maatregelen": "Geen rol bij opdrachten aan deze relatie" if i % 3 == 1 else None,
                "Herbeoordelen op": today + timedelta(days=100 + 10 * i) if i % 3 == 1 else None,
                "Leidinggevende ingelicht op": declared,
                "HR ingelicht op": declared,
            }
        )
    return rows  # Nr 1: review passed (B2); Nr 3: no decision after 30 days (B1); Nr 5: new tonight


def _mail(sender: str, to: str, subject: str, body: str, **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def inbox_mails(suppliers: list[dict[str, Any]]) -> list[bytes]:
    """Replies, an out-of-office and a question, as they would arrive in the shared mailbox."""
    mailbox = "integriteit@woonpartners.example"
    first, second, third = [s for s in suppliers if s["E-mail"]][:3]
    return [
        _mail(
            first["E-mail"],
            mailbox,
            "RE: Integriteitscode Woonpartners",
            "Goedemiddag,\n\nAkkoord, wij hebben de code ontvangen en gelezen.\n\nMet vriendelijke groet,\n"
            f"{first['Contactpersoon']}\n\n-----Oorspronkelijk bericht-----\nVan: Woonpartners Integriteit\n"
            "Onderwerp: Integriteitscode Woonpartners\n\nWilt u de ontvangst bevestigen door 'akkoord' te antwoorden?\n",
        ),
        _mail(
            second["E-mail"],
            mailbox,
            "Automatisch antwoord: Integriteitscode Woonpartners",
            "Ik ben afwezig tot en met maandag. Voor dringende zaken kunt u bellen met kantoor.\n",
        ),
        _mail(
            third["E-mail"],
            mailbox,
            "RE: Integriteitscode Woonpartners",
            "Geldt de code ook voor onze onderaannemers? Graag een toelichting.\n\nOp 2 november schreef Woonpartners:\n"
            "> Wilt u de ontvangst bevestigen door 'akkoord' te antwoorden?\n",
        ),
        _mail("onbekend@elders.example", mailbox, "Vraag over huurverhoging", "Klopt mijn huurverhoging wel?\n"),
    ]


def report_mails() -> list[bytes]:
    """Two integrity reports in the reports mailbox (fictitious)."""
    mailbox = "meldpunt@woonpartners.example"
    return [
        _mail(
            "bezorgde.huurder@voorbeeld.example",
            mailbox,
            "Melding: vreemde gang van zaken bij toewijzing",
            "Ik heb het vermoeden dat een woning buiten de wachtlijst om is toegewezen aan een familielid van een medewerker.\n",
        ),
        _mail(
            "collega.anoniem@voorbeeld.example",
            mailbox,
            "Integriteitsmelding",
            "Een leverancier lijkt steeds opdrachten te krijgen zonder offerteaanvraag.\n",
        ),
    ]


DEMO_PASSPHRASE = "demo-sleutel-fictief"  # printed by `make demo`; only for the demo's fictitious keys
DEMO_KEY_HOLDERS = (  # the holders of the general address and of each route's own address ([reports.addresses])
    "integriteit@woonpartners.example",
    "vertrouwenspersoon@woonpartners.example",
    "voorzitter.rvc@woonpartners.example",
    "directeur@woonpartners.example",
    "klachten@woonpartners.example",
)


_MADE: dict[str, tuple[bytes, str]] = {}  # one process makes each demo key once (age's scrypt takes a second)


def demo_keys(root: Path) -> list[Path]:
    """Fictitious keys for the demo's identity holders: private keys in demo-sleutels/, public keys in keys/."""
    from toolkit.keys import make_key_pair, write_public_key
    from toolkit.reports.crypto import write_private

    made = []
    for person in DEMO_KEY_HOLDERS:
        private = root / "demo-sleutels" / f"{person.split('@')[0]}.key"
        if person in _MADE:
            write_private(private, _MADE[person][0])
        else:
            _MADE[person] = (b"", make_key_pair(person, private, DEMO_PASSPHRASE))
            _MADE[person] = (private.read_bytes(), _MADE[person][1])
        write_public_key(root / "keys" / f"{person}.pub", person, _MADE[person][1])
        made.append(private)
    return made
