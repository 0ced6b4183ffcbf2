"""Demo rows for dilemmas.xlsx (Casussen, Besproken) and woonruimte.xlsx: fictitious, like the rest of the demo.

Beside toolkit/demo.py (which would pass ~400 lines with them); `toolkit.init.create_registers` uses both.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any


def dilemma_rows(today: date, staff: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Four recorded dilemmas of the last months; one names a colleague (the shared list leaves the name out)."""
    colleague = str(staff[12]["Naam"]) if len(staff) > 12 else "een collega"
    decider = str(staff[5]["Naam"]) if len(staff) > 5 else "de leidinggevende"
    cases = [
        (40, "Verhuur", "Een woningzoekende biedt aan 'iets extra's' te betalen als de bezichtiging eerder kan.",
         "Weigeren en melden; of negeren.", "Geweigerd en vastgelegd; leidinggevende ingelicht.",
         "Een voorrang tegen betaling zou de toewijzingsprocedure ondergraven.", "ja"),
        (75, "Onderhoud", f"Een aannemer vraagt {colleague} om een referentie voor een aanbesteding elders.",
         "Referentie geven; neutraal antwoorden; doorverwijzen naar Inkoop.", "Doorverwezen naar Inkoop.",
         "Een persoonlijke aanbeveling kan de schijn van een voorkeursrelatie wekken.", "ja"),
        (120, "Wijkbeheer", "Een huurder wil een bedankje geven na een lastige verhuizing: zelfgebakken taart.",
         "Aannemen en delen met het team; vriendelijk weigeren.", "Aangenomen en gedeeld met het team.",
         "Klein, niet duur, niet van een relatie waarmee we onderhandelen; gedeeld met de organisatie.", "ja"),
        (20, "Financiën", "Een familielid wil reageren op een vrijkomende woning van de corporatie.",
         "Niets doen; melden aan leidinggevende en HR.", "", "", None),
    ]  # fmt: skip
    rows = []
    for days, team, dilemma, options, decision, explanation, share in cases:
        rows.append({
            "Datum": today - timedelta(days=days), "Team": team, "Dilemma": dilemma, "Afwegingen en keuzes": options,
            "Besproken met": "leidinggevende", "Besluit": decision or None, "Uitleg besluit": explanation or None,
            "Besloten door": decider if decision else None, "Delen met andere teams": share,
        })  # fmt: skip
    return rows


def discussed_rows(today: date, staff: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Integrity discussed: one team meeting and one MT meeting this quarter."""
    first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    team = str(staff[5]["Afdeling"]) if len(staff) > 5 else "Wonen"
    return [
        {"Overleg": "teamoverleg", "Team": team, "Datum": first + timedelta(days=10), "Casussen": "1"},
        {"Overleg": "MT", "Datum": first + timedelta(days=3), "Ingevuld door": "secretariaat"},
    ]


def housing_rows(today: date, staff: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Three homes: one by the book, one with a discount, one the employee allocated to a relative."""
    name = [str(row["Naam"]) for row in staff[10:13]] or ["Medewerker A", "Medewerker B", "Medewerker C"]
    common = {"Rol": "medewerker", "Betreft": "medewerker zelf", "Soort": "huur", "Zelf betrokken bij toewijzing": "nee",
              "Volgens de toewijzingsprocedure": "ja", "Korting (€)": "0"}  # fmt: skip
    return [
        {**common, "Medewerker": name[0], "Woning": "Lindelaan 12", "Datum": today - timedelta(days=200)},
        {
            **common,
            "Medewerker": name[1],
            "Woning": "Parkweg 3",
            "Soort": "koop",
            "Korting (€)": "2500",
            "Datum": today - timedelta(days=40),
        },  # fmt: skip
        {
            **common,
            "Medewerker": name[-1],
            "Betreft": "naaste",
            "Naam naaste": "(broer)",
            "Woning": "Dorpsstraat 8",
            "Datum": today - timedelta(days=10),
            "Toegewezen door": name[-1],
        },  # fmt: skip
    ]
