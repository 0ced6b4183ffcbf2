"""The registers of the code's *Dilemma* and *Verdeling van woonruimte* sections: dilemmas.xlsx and woonruimte.xlsx.

dilemmas.xlsx has two sheets: `Casussen` (the dilemmas: named, weighed, decided, explained, recorded) and
`Besproken` (when integrity was discussed in a team meeting, the MT, the RvC or a staff meeting; a date there
stops that reminder for its period). The toolkit writes only `Nr` on Casussen and nothing on Besproken.
"""

from __future__ import annotations

from toolkit.registers.schema import HR, MANAGER, NR, ROLES, Column, Kind, Register

# -- dilemmas (sheet Casussen) and integrity on the agenda (sheet Besproken), one workbook -------------------------

CONSULTED = ("collega", "leidinggevende", "directeur-bestuurder", "RvC", "vertrouwenspersoon")
MEETINGS = ("teamoverleg", "MT", "RvC", "medewerkersbijeenkomst")

DILEMMAS = Register(
    made_by="integrity dilemmas create",
    key="dilemmas",
    filename="dilemmas.xlsx",
    sheet="Casussen",
    title="Register dilemma's",
    columns=(
        NR,
        Column("Datum", Kind.DATE, "Wanneer het dilemma speelde.", required=True, width=14),
        Column("Team", Kind.TEXT, "Team of afdeling waar het dilemma speelde.", width=18),
        Column(
            "Dilemma",
            Kind.TEXT,
            "Benoem het dilemma, zonder namen van personen: deze tekst gaat (geanonimiseerd) naar andere teams.",
            required=True,
            width=40,
        ),
        Column("Afwegingen en keuzes", Kind.TEXT, "De mogelijke keuzes en hun afweging, zonder namen.", width=40),
        Column(
            "Besproken met",
            Kind.CHOICE,
            "Met wie de afweging is besproken.",
            choices=CONSULTED,
            width=18,
        ),
        Column("Besluit", Kind.TEXT, "Wat er is besloten, zonder namen.", width=30, filled_by=MANAGER),
        Column("Uitleg besluit", Kind.TEXT, "Waarom: de uitleg van het besluit, zonder namen.", width=40),
        Column(
            "Besloten door",
            Kind.TEXT,
            "Wie besloot (naam of functie). Staat nooit in de lijsten voor andere teams.",
            width=20,
            filled_by=MANAGER,
        ),
        Column(
            "Delen met andere teams",
            Kind.YESNO,
            "Ja: de casus mag (zonder namen) in de kwartaallijst voor de teamleiders. Leeg of nee: niet delen.",
            width=14,
            filled_by=MANAGER,
        ),
        Column("Besproken in team", Kind.TEXT, "Welk team de casus besprak.", width=18, filled_by=MANAGER),
        Column("Besproken op", Kind.DATE, "Wanneer dat team de casus besprak.", width=14, filled_by=MANAGER),
        Column("Toelichting", Kind.TEXT, "Vrije toelichting (wordt niet gedeeld).", width=30),
    ),
)

DILEMMA_MEETINGS = Register(
    made_by="integrity dilemmas create",
    key="dilemma_meetings",
    filename="dilemmas.xlsx",
    sheet="Besproken",
    title="Integriteit besproken: teamoverleg, MT, RvC en medewerkersbijeenkomst",
    filled_by=MANAGER,
    columns=(
        Column(
            "Overleg",
            Kind.CHOICE,
            "Teamoverleg, MT, RvC of medewerkersbijeenkomst.",
            required=True,
            choices=MEETINGS,
            width=22,
        ),
        Column(
            "Team",
            Kind.TEXT,
            "Bij een teamoverleg: het team, zoals de afdeling in medewerkers.xlsx heet.",
            width=18,
        ),
        Column(
            "Datum",
            Kind.DATE,
            "Wanneer integriteit besproken is. Met deze datum stopt de herinnering voor dat overleg in die periode.",
            required=True,
            width=14,
        ),
        Column("Casussen", Kind.TEXT, "Nrs van de besproken dilemma's (blad Casussen), bijvoorbeeld 3, 7.", width=16),
        Column("Ingevuld door", Kind.TEXT, "Wie deze regel invulde.", width=20),
        Column("Toelichting", Kind.TEXT, "Vrije toelichting.", width=30),
    ),
)

# -- staff and their relatives renting or buying a home from the corporation ---------------------------------------

HOUSING_SUBJECTS = ("medewerker zelf", "naaste")
HOUSING_KINDS = ("huur", "koop")

HOUSING = Register(
    made_by="integrity housing create",
    key="housing",
    filename="woonruimte.xlsx",
    sheet="Woonruimte",
    title="Register woonruimte medewerkers (huur en koop)",
    filled_by=HR,
    columns=(
        NR,
        Column("Medewerker", Kind.TEXT, "Naam van de medewerker, bestuurder of commissaris.", required=True, width=22),
        Column(
            "Rol",
            Kind.CHOICE,
            "Medewerker, leidinggevende, directeur-bestuurder of RvC-lid (bepaalt wie bevindingen krijgt).",
            required=True,
            choices=ROLES,
            width=18,
        ),
        Column(
            "Betreft",
            Kind.CHOICE,
            "De medewerker zelf, of een naaste (partner, familielid).",
            required=True,
            choices=HOUSING_SUBJECTS,
            width=16,
        ),
        Column("Naam naaste", Kind.TEXT, "Bij een naaste: diens naam.", width=20),
        Column("Soort", Kind.CHOICE, "Huur of koop.", required=True, choices=HOUSING_KINDS, width=9),
        Column("Woning", Kind.TEXT, "Adres of complex- en woningnummer.", required=True, width=26),
        Column("Datum", Kind.DATE, "Datum van toewijzing (huur) of verkoop (koop).", required=True, width=14),
        Column(
            "Volgens de toewijzingsprocedure",
            Kind.YESNO,
            "Ja als de woning via de gewone procedure van woningtoewijzing (of het urgentiereglement) is toegewezen "
            "of verkocht, met dezelfde regels als voor andere woningzoekenden.",
            required=True,
            width=17,
        ),
        Column(
            "Korting (€)",
            Kind.AMOUNT,
            "Korting of ander voordeel op huur of koopprijs in euro; 0 als er geen korting is.",
            required=True,
            width=12,
        ),
        Column(
            "Zelf betrokken bij toewijzing",
            Kind.YESNO,
            "Ja als de medewerker zelf een rol had in de toewijzing, selectie of verkoop van deze woning.",
            required=True,
            width=15,
        ),
        Column("Toegewezen door", Kind.TEXT, "Wie de woning toewees of de verkoop afhandelde.", width=22),
        Column("Toelichting", Kind.TEXT, "Vrije toelichting.", width=30),
        Column(
            "Beoordeling",
            Kind.TEXT,
            "Oordeel van de toolkit volgens de regels voor de verdeling van woonruimte: OK, of de regel en de reden.",
            owned=True,
            width=60,
        ),
        Column("Beoordeeld op", Kind.DATE, "Datum van de laatste beoordeling door de toolkit.", owned=True, width=14),
    ),
)
