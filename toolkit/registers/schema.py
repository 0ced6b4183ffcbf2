"""What each register holds: sheets, Dutch column headers, kinds of values, dropdowns and explanations."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Kind(str, Enum):
    """How a cell's value is read and formatted."""

    TEXT = "text"
    DATE = "date"
    AMOUNT = "amount"
    YESNO = "yesno"
    CHOICE = "choice"
    NUMBER = "number"
    EMAIL = "email"


YES_NO = ("ja", "nee")
# Who fills a column in, as the Uitleg sheet says it ("Wie vult in").
EMPLOYEE: str = "medewerker"
MANAGER: str = "leidinggevende"
HR: str = "HR"
PURCHASING: str = "Inkoop"
TOOLKIT: str = "toolkit"
FILLERS = (EMPLOYEE, MANAGER, HR, PURCHASING, TOOLKIT)
DATE_FORMAT = "dd-mm-yyyy"  # number formats of the cells the toolkit fills
AMOUNT_FORMAT = '"€" #,##0.00'


@dataclass(frozen=True)
class Column:
    """One column of a register: its header is its identity, never its position."""

    header: str
    kind: Kind = Kind.TEXT
    explanation: str = ""
    owned: bool = False  # written by the toolkit; staff don't edit it
    required: bool = False  # a row without it can't be judged
    choices: tuple[str, ...] = ()
    width: int = 16
    filled_by: str = ""  # who fills it in (one of FILLERS); empty: the register's default; owned: the toolkit
    optional: bool = False  # a workbook without this column is read as if it were empty (added later)

    @property
    def dropdown(self) -> tuple[str, ...]:
        """The values offered in Excel's dropdown, if any."""
        if self.kind is Kind.YESNO:
            return YES_NO
        return self.choices


@dataclass(frozen=True)
class Register:
    """A workbook with one main sheet of rows, identified by the toolkit-owned `Nr` column."""

    key: str
    filename: str
    sheet: str
    title: str
    columns: tuple[Column, ...]
    extra_sheets: tuple[str, ...] = field(default=())
    filled_by: str = EMPLOYEE  # who fills in the columns that don't say otherwise
    key_column: str | None = None  # rows are found by this (owned) column instead of `Nr` (meldingen: Zaaknummer)
    made_by: str = "integrity init"  # what makes the file in an existing workspace (said when it is missing)

    def filler(self, column: Column) -> str:
        """Who fills this column in: the toolkit for its own columns, else the column's or the register's default."""
        if column.owned:
            return TOOLKIT
        return column.filled_by or self.filled_by

    def column(self, header: str) -> Column:
        """The column with this header."""
        for column in self.columns:
            if column.header == header:
                return column
        raise KeyError(header)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    @property
    def owned_headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns if c.owned)


NR: Column = Column(
    "Nr", Kind.NUMBER, "Vast volgnummer van de rij, door de toolkit toegekend. Niet wijzigen.", owned=True, width=7
)

ROLES: tuple[str, ...] = ("medewerker", "leidinggevende", "directeur-bestuurder", "RvC-lid")

GIFT_KINDS = ("geschenk", "uitnodiging", "reis", "kerstgeschenk", "geld of cadeaubon")
GIFT_DECISIONS = ("aangenomen", "ter beschikking organisatie", "centraal ingeleverd", "geweigerd", "teruggestuurd")

GIFTS = Register(
    key="gifts",
    filename="geschenken.xlsx",
    sheet="Geschenken",
    title="Register geschenken en uitnodigingen",
    columns=(
        NR,
        Column(
            "Datum ontvangen",
            Kind.DATE,
            "Datum waarop het geschenk of de uitnodiging binnenkwam.",
            required=True,
            width=14,
        ),
        Column("Medewerker", Kind.TEXT, "Naam van de medewerker die het ontving.", required=True, width=22),
        Column("Gever", Kind.TEXT, "Bedrijf of persoon die het gaf.", required=True, width=24),
        Column(
            "Soort",
            Kind.CHOICE,
            "Geschenk, uitnodiging, reis, kerstgeschenk, of geld of cadeaubon.",
            required=True,
            choices=GIFT_KINDS,
            width=18,
        ),
        Column("Omschrijving", Kind.TEXT, "Wat het was, bijvoorbeeld 'fles wijn' of 'kaarten voorstelling'.", width=28),
        Column(
            "Waarde (€)", Kind.AMOUNT, "Geschatte waarde in euro's, bijvoorbeeld 24,95. Leeg als onbekend.", width=12
        ),
        Column("Bezorgd op privéadres", Kind.YESNO, "Ja als het thuis werd bezorgd.", width=12),
        Column(
            "Relatie in onderhandeling of toezicht",
            Kind.YESNO,
            "Ja als u met de gever onderhandelt of toezicht houdt op zijn levering.",
            width=17,
        ),
        Column(
            "Besluit",
            Kind.CHOICE,
            "Wat er met het geschenk is gedaan.",
            required=True,
            choices=GIFT_DECISIONS,
            width=24,
        ),
        Column(
            "Overlegd met leidinggevende",
            Kind.YESNO,
            "Ja als u het vooraf met uw leidinggevende hebt besproken.",
            width=14,
        ),
        Column("Toelichting", Kind.TEXT, "Vrije toelichting.", width=30),
        Column(
            "Beoordeling",
            Kind.TEXT,
            "Oordeel van de toolkit volgens de integriteitscode: OK, of de regel en de reden.",
            owned=True,
            width=60,
        ),
        Column("Beoordeeld op", Kind.DATE, "Datum van de laatste beoordeling door de toolkit.", owned=True, width=14),
    ),
)

SIDEJOB_STATUSES = ("gemeld", "toestemming gevraagd", "goedgekeurd", "afgewezen", "beëindigd")
RISK_LEVELS = ("geen", "laag", "hoog")

SIDEJOBS = Register(
    key="sidejobs",
    filename="nevenfuncties.xlsx",
    sheet="Nevenfuncties",
    title="Register nevenfuncties",
    columns=(
        NR,
        Column("Medewerker", Kind.TEXT, "Naam van de medewerker, bestuurder of commissaris.", required=True, width=22),
        Column(
            "Rol",
            Kind.CHOICE,
            "Medewerker, leidinggevende, directeur-bestuurder of RvC-lid.",
            required=True,
            choices=ROLES,
            width=18,
            filled_by=HR,
        ),
        Column("Nevenfunctie", Kind.TEXT, "De functie, bijvoorbeeld 'penningmeester'.", required=True, width=24),
        Column("Organisatie", Kind.TEXT, "Waar de nevenfunctie wordt uitgeoefend.", required=True, width=26),
        Column("Betaald", Kind.YESNO, "Ja als de nevenfunctie betaald is of een eigen bedrijf betreft.", width=10),
        Column("Uren per maand", Kind.NUMBER, "Geschat aantal uren per maand.", width=10),
        Column("Startdatum", Kind.DATE, "Wanneer de nevenfunctie begon of begint.", width=14),
        Column("Einddatum", Kind.DATE, "Wanneer de nevenfunctie eindigde; leeg als zij nog loopt.", width=14),
        Column("Gemeld op", Kind.DATE, "Datum van de melding of het verzoek om toestemming.", width=14),
        Column(
            "Status",
            Kind.CHOICE,
            "Gemeld, toestemming gevraagd, goedgekeurd, afgewezen of beëindigd.",
            required=True,
            choices=SIDEJOB_STATUSES,
            width=20,
            filled_by=MANAGER,
        ),
        Column("Besluit door", Kind.TEXT, "Wie over het verzoek besliste.", width=20, filled_by=MANAGER),
        Column(
            "Besluitdatum",
            Kind.DATE,
            "Datum van het besluit (binnen 14 dagen na het verzoek).",
            width=14,
            filled_by=MANAGER,
        ),
        Column(
            "Risico belangenverstrengeling",
            Kind.CHOICE,
            "Geen, laag of hoog.",
            choices=RISK_LEVELS,
            width=16,
            filled_by=MANAGER,
        ),
        Column(
            "Vastgelegd in personeelsdossier op",
            Kind.DATE,
            "Datum waarop het besluit in het personeelsdossier is vastgelegd.",
            width=19,
            filled_by=HR,
        ),
        Column("Toelichting", Kind.TEXT, "Vrije toelichting.", width=30, filled_by=HR),
        Column("Beoordeling", Kind.TEXT, "Oordeel van de toolkit: OK, of wat er moet gebeuren.", owned=True, width=60),
        Column(
            "Herbevestigen voor",
            Kind.DATE,
            "Datum waarvoor de nevenfunctie opnieuw bevestigd moet worden.",
            owned=True,
            width=14,
        ),
        Column("Herinnerd op", Kind.DATE, "Wanneer de toolkit om herbevestiging vroeg.", owned=True, width=14),
    ),
)

SUPPLIER_STATUSES = ("niet verzonden", "verzonden", "herinnerd", "bevestigd", "vraag", "onbestelbaar", "geen e-mail")

SUPPLIERS = Register(
    key="suppliers",
    filename="leveranciers.xlsx",
    sheet="Leveranciers",
    title="Register leveranciers en opdrachtnemers",
    filled_by=PURCHASING,
    columns=(
        NR,
        Column("Leveranciersnummer", Kind.TEXT, "Nummer uit de crediteurenadministratie.", required=True, width=14),
        Column("Naam", Kind.TEXT, "Naam van de leverancier of opdrachtnemer.", required=True, width=28),
        Column("Contactpersoon", Kind.TEXT, "Naam van de contactpersoon.", width=22),
        Column("E-mail", Kind.EMAIL, "E-mailadres waar de integriteitscode heen gaat.", width=30),
        Column("Taal", Kind.CHOICE, "Taal van de mail: nl of en.", choices=("nl", "en"), width=7),
        Column("Categorie", Kind.TEXT, "Soort leverancier, bijvoorbeeld onderhoud of advies.", width=16),
        Column("Actief", Kind.YESNO, "Ja als er nu zaken mee worden gedaan.", required=True, width=9),
        Column("Contracteigenaar", Kind.EMAIL, "E-mailadres van de inkoper of contracteigenaar.", width=30),
        Column(
            "Cyclus",
            Kind.TEXT,
            "Verzendronde waarin de code het laatst is verstuurd, bijvoorbeeld 2027.",
            owned=True,
            width=9,
        ),
        Column("Referentie", Kind.TEXT, "Kenmerk in het onderwerp, bijvoorbeeld [IC-2027-0042].", owned=True, width=16),
        Column("Verzonden op", Kind.DATE, "Wanneer de code is verstuurd.", owned=True, width=14),
        Column("Herinneringen", Kind.NUMBER, "Aantal verstuurde herinneringen.", owned=True, width=10),
        Column("Herinnerd op", Kind.DATE, "Datum van de laatste herinnering.", owned=True, width=14),
        Column("Bevestigd op", Kind.DATE, "Wanneer de leverancier de ontvangst bevestigde.", owned=True, width=14),
        Column("Bevestigd door", Kind.TEXT, "Wie bevestigde (afzender van het antwoord).", owned=True, width=26),
        Column(
            "Status", Kind.CHOICE, "Stand van zaken in deze ronde.", owned=True, choices=SUPPLIER_STATUSES, width=16
        ),
        Column(
            "Laatste bericht",
            Kind.TEXT,
            "Kort uittreksel van het laatste bericht van de leverancier.",
            owned=True,
            width=40,
        ),
    ),
)

INTEREST_KINDS = ("belang", "privétransactie")
INTEREST_DECISIONS = ("geen bezwaar", "toegestaan met maatregelen", "niet toegestaan")
ATTESTATION_STATUSES = ("verzonden", "herinnerd", "geen belangen", "ter beoordeling HR")

INTERESTS = Register(
    made_by="integrity nightly",  # the first writing run makes it in a workspace from before
    key="interests",
    filename="belangen.xlsx",
    sheet="Belangen",
    title="Register belangen en privétransacties",
    columns=(
        NR,
        Column("Medewerker", Kind.TEXT, "Naam van de medewerker, bestuurder of commissaris.", required=True, width=22),
        Column(
            "Soort",
            Kind.CHOICE,
            "Belang (mogelijke vermenging van zakelijke en privébelangen) of privétransactie.",
            required=True,
            choices=INTEREST_KINDS,
            width=16,
        ),
        Column(
            "Omschrijving",
            Kind.TEXT,
            "Het belang of de transactie, bijvoorbeeld 'broer werkt bij aannemer' of 'koop woning van relatie'.",
            required=True,
            width=34,
        ),
        Column("Relatie of leverancier", Kind.TEXT, "De relatie of leverancier die erbij betrokken is.", width=24),
        Column("Betrokken naaste", Kind.TEXT, "Een naaste (familielid, partner) die erbij betrokken is.", width=20),
        Column("Gemeld op", Kind.DATE, "Datum waarop je het meldde.", required=True, width=14),
        Column(
            "Besluit",
            Kind.CHOICE,
            "Besluit van de leidinggevende: geen bezwaar, toegestaan met maatregelen of niet toegestaan.",
            choices=INTEREST_DECISIONS,
            width=22,
            filled_by=MANAGER,
        ),
        Column("Besluitdatum", Kind.DATE, "Datum van het besluit.", width=14, filled_by=MANAGER),
        Column(
            "Maatregelen",
            Kind.TEXT,
            "Afgesproken maatregelen, bijvoorbeeld 'niet betrokken bij aanbesteding'.",
            width=30,
            filled_by=MANAGER,
        ),  # fmt: skip
        Column(
            "Herbeoordelen op",
            Kind.DATE,
            "Datum waarop het besluit opnieuw wordt bekeken; leeg als dat niet nodig is.",
            width=14,
            filled_by=MANAGER,
        ),
        Column("Toelichting", Kind.TEXT, "Vrije toelichting.", width=30),
        Column("Beoordeling", Kind.TEXT, "Oordeel van de toolkit: OK, of wat er moet gebeuren.", owned=True, width=50),
        Column("Beoordeeld op", Kind.DATE, "Datum van de laatste beoordeling door de toolkit.", owned=True, width=14),
        Column(
            "Leidinggevende ingelicht op",
            Kind.DATE,
            "Wanneer de toolkit de melding aan de leidinggevende stuurde.",
            owned=True,
            width=14,
        ),
        Column("HR ingelicht op", Kind.DATE, "Wanneer de toolkit de melding aan HR stuurde.", owned=True, width=14),
    ),
)

# The yearly attestation round ("geen (nieuwe) belangen") is kept on each person's row of medewerkers.xlsx:
# the round's recipients are its rows (toolkit/rounds.py). Optional: older workbooks get them on first write.
ATTESTATION_COLUMNS = (
    Column(
        "Belangen jaar", Kind.TEXT, "Jaar van de laatste jaarvraag over belangen.", owned=True, optional=True, width=9
    ),  # fmt: skip
    Column(
        "Belangen gevraagd op",
        Kind.DATE,
        "Wanneer de toolkit de jaarvraag over belangen stuurde.",
        owned=True,
        optional=True,
        width=14,
    ),  # fmt: skip
    Column(
        "Belangen herinneringen",
        Kind.NUMBER,
        "Aantal herinneringen bij de jaarvraag.",
        owned=True,
        optional=True,
        width=10,
    ),  # fmt: skip
    Column(
        "Belangen herinnerd op", Kind.DATE, "Datum van de laatste herinnering.", owned=True, optional=True, width=14
    ),  # fmt: skip
    Column(
        "Belangen status",
        Kind.CHOICE,
        "Stand van de jaarvraag.",
        owned=True,
        optional=True,
        choices=ATTESTATION_STATUSES,
        width=16,
    ),  # fmt: skip
    Column(
        "Belangen beantwoord op",
        Kind.DATE,
        "Wanneer het antwoord op de jaarvraag binnenkwam.",
        owned=True,
        optional=True,
        width=14,
    ),  # fmt: skip
)

STAFF = Register(
    key="staff",
    filename="medewerkers.xlsx",
    sheet="Medewerkers",
    title="Register medewerkers",
    filled_by=HR,
    columns=(
        NR,
        Column("Personeelsnummer", Kind.TEXT, "Personeelsnummer uit de salarisadministratie.", required=True, width=12),
        Column("Naam", Kind.TEXT, "Volledige naam.", required=True, width=24),
        Column("E-mail", Kind.EMAIL, "Zakelijk e-mailadres.", width=30),
        Column(
            "Privé e-mail",
            Kind.EMAIL,
            "Privé-e-mailadres (HR, niet verplicht): dan gaat de welkomstmail met de integriteitscode al vóór de "
            "eerste werkdag hierheen; anders op de eerste werkdag naar het zakelijke adres.",
            optional=True,
            width=30,
        ),
        Column("Afdeling", Kind.TEXT, "Afdeling.", width=18),
        Column("Functie", Kind.TEXT, "Functie.", width=20),
        Column(
            "Rol",
            Kind.CHOICE,
            "Medewerker, leidinggevende, directeur-bestuurder of RvC-lid.",
            required=True,
            choices=ROLES,
            width=18,
        ),
        Column("Leidinggevende", Kind.EMAIL, "E-mailadres van de leidinggevende.", width=30),
        Column("In dienst per", Kind.DATE, "Eerste werkdag.", width=14),
        Column("Uit dienst per", Kind.DATE, "Laatste werkdag; leeg als de medewerker nog in dienst is.", width=14),
        Column(
            "Gesprek M&O op",
            Kind.DATE,
            "Datum van het gesprek over de integriteitscode met de manager Mens & Organisatie.",
            width=14,
        ),
        Column("Code verzonden op", Kind.DATE, "Wanneer de toolkit de integriteitscode stuurde.", owned=True, width=14),
        Column(
            "Ontvangst bevestigd op", Kind.DATE, "Wanneer de medewerker de ontvangst bevestigde.", owned=True, width=14
        ),
        *ATTESTATION_COLUMNS,
    ),
)

RAFFLE = Register(
    key="raffle",
    filename="kerstloting.xlsx",
    sheet="Uitleg",
    title="Kerstloting: één blad per jaar",
    columns=(),
)

# The registers of the dilemmas and housing sections live beside this module (kept under ~400 lines each).
from toolkit.registers.schema_dilemmas import DILEMMA_MEETINGS, DILEMMAS, HOUSING  # noqa: E402

REGISTERS: dict[str, Register] = {
    r.key: r for r in (GIFTS, SIDEJOBS, SUPPLIERS, STAFF, INTERESTS, DILEMMAS, DILEMMA_MEETINGS, HOUSING)
}
