"""The case register (`meldingen.xlsx`): an ordinary workbook without reporter identity or report text.

Headers are a contract, like the other registers. `owned` columns are written by the toolkit (at intake, by the
routing step or by `integrity reports update`); the intake officer fills `Melder is`, `Betreft`, `Betrokkene` and
may rewrite `Onderwerp`: the toolkit writes `Onderwerp` only when it opens the case, and never touches the others.
Who reported is never here: it is sealed per case in the archive (`archive.py`), for the identity holders only.
"""

from __future__ import annotations

from toolkit.registers.schema import Column, Kind, Register
from toolkit.reports.routing import Concerns, Entry, ReporterKind

CASE = "Zaaknummer"
STATUSES = ("ontvangen", "in behandeling", "onderzoek", "besluit", "afgesloten")
CLOSED = "afgesloten"
SERIOUS = ("ja", "nee", "onbekend")
MEASURES = (
    "schriftelijke waarschuwing",
    "ongedaan maken voordeel",
    "schorsing",
    "andere disciplinaire maatregel",
    "ontslag op staande voet",
    "melding toezichthouder",
    "aangifte politie",
    "geen",
)
NEW_SUBJECT = "Nieuwe melding via e-mail"
EXTERNAL_HANDLER = "extern: Meldpunt Integriteit Woningcorporaties"
REPORTER_MANAGER_COLUMN = "Leidinggevende melder"
ENTRY_COLUMN = "Meldingsadres"
DECIDED_BY_COLUMN = "Besluit door"

CASES = Register(
    key="reports",
    filename="meldingen.xlsx",
    sheet="Meldingen",
    title="Register integriteitsmeldingen (vertrouwelijk)",
    key_column=CASE,
    columns=(
        Column(CASE, Kind.TEXT, "Zaaknummer, bijvoorbeeld M-2026-0001. Niet wijzigen.", owned=True, width=14),
        Column("Ontvangen op", Kind.DATE, "Datum waarop de melding binnenkwam.", owned=True, width=14),
        Column("Kanaal", Kind.TEXT, "Hoe de melding binnenkwam (e-mail).", owned=True, width=10),
        Column("Melder", Kind.TEXT, "Schuilnaam van de melder (bijvoorbeeld R-7F3K); nooit de naam.", owned=True),
        Column(
            "Melder is",
            Kind.CHOICE,
            "Wie meldde: in te vullen door de intake-functionaris.",
            choices=tuple(k.value for k in ReporterKind),
            width=18,
        ),
        Column(
            "Betreft",
            Kind.CHOICE,
            "Over wie de melding gaat (rol): in te vullen door de intake-functionaris; bepaalt de behandelaar.",
            choices=tuple(c.value for c in Concerns),
            width=20,
        ),
        Column(
            "Betrokkene",
            Kind.TEXT,
            "E-mailadres of naam van de persoon om wie het gaat (uit het medewerkersregister). Deze persoon "
            "behandelt de melding nooit en krijgt geen bericht.",
            width=26,
        ),
        Column(
            "Onderwerp",
            Kind.TEXT,
            "Korte, niet-herleidbare omschrijving; mag door de intake-functionaris worden aangepast. "
            "Gaat mee in berichten aan behandelaar en directeur: zet er geen namen in.",
            width=34,
        ),
        Column("Behandelaar", Kind.TEXT, "Door de toolkit bepaald volgens de integriteitscode.", owned=True, width=30),
        Column("Ontvangst bevestigd op", Kind.DATE, "Wanneer de ontvangstbevestiging is verstuurd.", owned=True),
        Column("Terugkoppeling uiterlijk", Kind.DATE, "Ontvangstbevestiging + 3 maanden.", owned=True),
        Column("Terugkoppeling gegeven op", Kind.DATE, "Wanneer de melder voor het eerst voortgang kreeg.", owned=True),
        Column("Status", Kind.CHOICE, "Via 'integrity reports update'.", owned=True, choices=STATUSES, width=16),
        Column("Ernstige inbreuk", Kind.CHOICE, "Ja, nee of onbekend.", owned=True, choices=SERIOUS, width=10),
        Column("Maatregelen", Kind.TEXT, "Genomen maatregelen (uit de lijst van de code).", owned=True, width=30),
        Column("Afgesloten op", Kind.DATE, "Datum van afsluiten.", owned=True),
        Column("Melding toezichthouder", Kind.YESNO, "Ja als de zaak aan de toezichthouder is gemeld.", owned=True),
        Column(
            REPORTER_MANAGER_COLUMN,
            Kind.TEXT,
            "E-mailadres of naam van de eigen leidinggevende van de melder (medewerker): volgens de code de "
            "ontvanger. Leeg: de directeur-bestuurder.",
            width=26,
            optional=True,  # added later: a register from before reads it as empty
        ),
        Column(
            ENTRY_COLUMN,
            Kind.CHOICE,
            "Op welk meldingenadres de melding binnenkwam; een route-adres is alleen voor de houder van die route.",
            owned=True,
            choices=tuple(e.value for e in Entry),
            width=16,
        ),
        Column(DECIDED_BY_COLUMN, Kind.TEXT, "Wie besloot (Stap 4): rol en naam.", owned=True, width=30),
    ),
)
