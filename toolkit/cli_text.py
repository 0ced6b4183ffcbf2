"""What the CLI says besides each command's own text: click's messages in Dutch, and an example per command.

click looks its messages up through gettext (`from gettext import gettext as _` in each of its modules). The standard
library only finds catalogues through environment variables (LANGUAGE, LANG) and .mo files, and a server's
scheduled job runs with whatever locale it gets; so the toolkit installs its catalogue with gettext's class-based
API: one `NullTranslations` subclass holding the Dutch texts, bound to click's modules at start-up. The toolkit
speaks Dutch whatever the locale says. `tests/test_cli.py` checks that every text below still occurs in click, so
an upgrade of click that changes a message fails a test instead of turning the CLI half English.
"""

from __future__ import annotations

import gettext
import importlib

# click's text -> Dutch. The keys are click's exact msgids (adjacent string literals joined, as Python does).
MESSAGES: dict[str, str] = {
    "Usage:": "Gebruik:",
    "Options": "Opties",
    "Commands": "Opdrachten",
    "Positional arguments": "Argumenten",
    "Show this message and exit.": "Toon deze hulp en stop.",
    "Show the version and exit.": "Toon het versienummer en stop.",
    "%(prog)s, version %(version)s": "%(prog)s, versie %(version)s",
    "Error: {message}": "Fout: {message}",
    "Try '{command} {option}' for help.": "Zie '{command} {option}' voor hulp.",
    "Invalid value: {message}": "Ongeldige waarde: {message}",
    "Invalid value for {param_hint}: {message}": "Ongeldige waarde voor {param_hint}: {message}",
    "Missing argument": "Ontbrekend argument",
    "Missing option": "Ontbrekende optie",
    "Missing parameter": "Ontbrekende parameter",
    "Missing {param_type}": "Ontbrekende {param_type}",
    "Missing parameter: {param_name}": "Ontbrekende parameter: {param_name}",
    "Missing command.": "Geen opdracht gegeven.",
    "No such option {name!r}.": "Onbekende optie {name!r}.",
    "No such command {name!r}.": "Onbekende opdracht {name!r}.",
    "unknown error": "onbekende fout",
    "Could not open file {filename!r}: {message}": "Kan bestand {filename!r} niet openen: {message}",
    "Aborted!": "Afgebroken.",
    "Do you want to continue?": "Wil je doorgaan?",
    "Confirm the action without prompting.": "Bevestig zonder te vragen.",
    "Repeat for confirmation": "Herhaal ter bevestiging",
    "Error: The two entered values do not match.": "Fout: de twee ingevoerde waarden zijn niet gelijk.",
    "Error: invalid input": "Fout: ongeldige invoer",
    "Press any key to continue...": "Druk op een toets om door te gaan...",
    "env var: {var}": "omgevingsvariabele: {var}",
    "default: {default}": "standaard: {default}",
    "(dynamic)": "(wisselend)",
    "deprecated": "verouderd",
    "Invalid start character for option ({option})": "Ongeldig beginteken voor optie ({option})",
    "Argument {name!r} takes {nargs} values.": "Argument {name!r} verwacht {nargs} waarden.",
    "Option {name!r} does not take a value.": "Optie {name!r} neemt geen waarde.",
    "Choose from:\n\t{choices}": "Kies uit:\n\t{choices}",
    "{value!r} is not a valid {number_type}.": "{value!r} is geen geldig {number_type}.",
    "{value} is not in the range {range}.": "{value} ligt niet in het bereik {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} is geen geldige ja/nee-waarde. Mogelijk: {states}",
    "file": "bestand",
    "directory": "map",
    "path": "pad",
    "{name} {filename!r} does not exist.": "{name} {filename!r} bestaat niet.",
    "{name} {filename!r} is a file.": "{name} {filename!r} is een bestand.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} is een map.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} is niet leesbaar.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} is niet schrijfbaar.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} is niet uitvoerbaar.",
}

# Plural messages: (singular, plural) -> (Dutch singular, Dutch plural).
PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        "Onverwacht extra argument ({args})",
        "Onverwachte extra argumenten ({args})",
    ),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "Bedoelde je {possibility}?",
        "(Bedoelde je een van: {possibilities}?)",
    ),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "Optie {name!r} vraagt een waarde.",
        "Optie {name!r} vraagt {nargs} waarden.",
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "{value!r} is niet {choice}.",
        "{value!r} is niet een van {choices}.",
    ),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."): (
        "{value!r} past niet bij de vorm {format}.",
        "{value!r} past bij geen van de vormen {formats}.",
    ),
}

# Metavars click writes itself in the usage line.
OPTIONS_METAVAR = "[OPTIES]"
SUBCOMMAND_METAVAR = "OPDRACHT [ARGUMENTEN]..."

CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
    "click.shell_completion",
)


class DutchClick(gettext.NullTranslations):
    """The catalogue: Dutch where we have it, click's text otherwise."""

    def gettext(self, message: str) -> str:
        return MESSAGES.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        dutch = PLURALS.get((msgid1, msgid2))
        if dutch is None:
            return msgid1 if n == 1 else msgid2
        return dutch[0] if n == 1 else dutch[1]


def install() -> None:
    """Bind the Dutch catalogue to click's modules (idempotent; imports no more than click already did)."""
    catalogue = DutchClick()
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = catalogue.gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = catalogue.ngettext  # type: ignore[attr-defined]


# One example per command, shown under its help as a `\b` block (click keeps its line breaks). tests/test_cli.py
# checks that every command has one and that every example names a command that exists.
EXAMPLES: dict[str, tuple[str, ...]] = {
    "audit show": ("integrity audit show --since 2026-11-01",),
    "audit verify": ("integrity audit verify", "integrity audit verify --witness 412:<sha256 onderaan de mail>"),
    "check": ("integrity check", "integrity --as-of 15-01-2027 check --json"),
    "dilemmas agenda": ("integrity dilemmas agenda", "integrity dilemmas agenda --overleg team --send"),
    "dilemmas create": ("integrity dilemmas create",),
    "housing check": ("integrity housing check", "integrity housing check --send"),
    "housing create": ("integrity housing create",),
    "gifts check": ("integrity gifts check", "integrity gifts check --write", "integrity gifts check --notify --send"),
    "inbox process": ("integrity inbox process",),
    "interests attest": ("integrity interests attest", "integrity interests attest --send"),
    "interests check": ("integrity interests check", "integrity --as-of 15-01-2027 interests check --write"),
    "interests remind": ("integrity interests remind --send",),
    "inbox unmatched": ("integrity inbox unmatched --json",),
    "init": ("integrity init C:\\Integriteit --demo", "integrity init /srv/integriteit"),
    "mail preview": ("integrity mail preview welkom --lang nl",),
    "monthly": ("integrity monthly", "integrity monthly --send"),
    "nightly": ("integrity nightly", "integrity --as-of 01-12-2026 nightly"),
    "onboarding send": ("integrity onboarding send", "integrity onboarding send --send"),
    "onboarding status": ("integrity onboarding status",),
    "raffle draw": ("integrity raffle draw --year 2026", "integrity raffle draw --year 2026 --send"),
    "raffle notify": ("integrity raffle notify --year 2026 --send",),
    "raffle verify": ("integrity raffle verify --year 2026",),
    "keys new": ("integrity keys new integriteit@woonpartners.nl --out D:\\sleutels\\integriteit.key",),
    "reports deadlines": ("integrity reports deadlines",),
    "reports intake": ("integrity reports intake", "integrity reports intake --json"),
    "reports list": ("integrity reports list", "integrity reports list --key integriteit.key"),
    "reports new": (
        "integrity reports new --channel telefonisch --date 27-11-2026 --text-file melding.txt --name 'P. Beller' --consent",
        "integrity reports new --channel anoniem --text-file brief.txt",
    ),
    "reports record": ("integrity reports record M-2026-0001 --key integriteit.key",),
    "reports migrate": ("integrity reports migrate", "integrity reports migrate --write"),
    "reports reseal": (
        "integrity reports reseal --key integriteit.key",
        "integrity reports reseal M-2026-0001 --key integriteit.key",
    ),
    "reports show": (
        "integrity reports show M-2026-0001 --key integriteit.key",
        "integrity reports show M-2026-0001 --key integriteit.key --reveal",
    ),
    "reports stats": ("integrity reports stats --period 2026",),
    "reports update": (
        "integrity reports update M-2026-0001 --status 'in behandeling' --note 'gesprek gepland' --key behandelaar.key",
        "integrity reports update M-2026-0001 --feedback 'onderzocht; er volgen afspraken' --tell-reporter "
        "--key integriteit.key --send",
    ),
    "scheduler": ("integrity --config /srv/integriteit/config.toml scheduler",),
    "sidejobs publish": ("integrity sidejobs publish --out nevenfuncties-bestuur.html",),
    "sidejobs review": ("integrity sidejobs review", "integrity sidejobs review --notify --send"),
    "suppliers mail": ("integrity suppliers mail", "integrity suppliers mail --send --limit 200"),
    "suppliers remind": ("integrity suppliers remind --send",),
    "suppliers status": ("integrity suppliers status",),
}

# Arguments click would show by their (English) parameter name.
ARGUMENT_METAVARS = {"directory": "MAP", "kind": "SOORT", "case": "ZAAK"}

# click's type names as metavars (TEXT, INTEGER, PATH) in Dutch, for options that name none themselves.
TYPE_METAVARS = {
    "text": "TEKST",
    "integer": "GETAL",
    "float": "GETAL",
    "path": "PAD",
    "directory": "MAP",
    "file": "BESTAND",
    "filename": "BESTAND",
    "boolean": "JA/NEE",
}
