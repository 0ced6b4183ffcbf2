"""config.toml, read once with tomllib into frozen dataclasses and checked on load.

Every section is a dataclass; a field without a default is a required key. Unknown keys, missing keys,
wrong types, bad e-mail addresses and missing paths are ConfigError naming the file and the key.
Secrets never live here: they come from the environment or the keyring (see `secret`).
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any, Literal

from toolkit.errors import ConfigError

DEFAULT_CONFIG = "config.toml"
CONFIG_ENV = "INTEGRITY_CONFIG"
EMAIL_RE = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[A-Za-z]{2,}$")


class Email(str):
    """An e-mail address field: checked on load."""


class LocalTime(str):
    """A 'HH:MM' field: checked on load."""


@dataclass(frozen=True)
class OrganisationConfig:
    name: str
    integrity_officer: Email
    hr: Email
    manager_mo: Email
    director: Email
    rvc_chair: Email
    admin: Email
    complaints_coordinator: Email | None = None
    rvc_vice_chair: Email | None = None
    director_name: str = "de directeur-bestuurder"
    rvc_chair_name: str = "de voorzitter van de RvC"
    confidential_adviser: str = "de vertrouwenspersoon"
    meldpunt: str = "Meldpunt Integriteit Woningcorporaties"
    timezone: str = "Europe/Amsterdam"
    language: Literal["nl", "en"] = "nl"


@dataclass(frozen=True)
class PathsConfig:
    registers: Path = Path("registers")
    templates: Path = Path("templates")
    state: Path = Path(".integrity")
    code_attachment: Path | None = None
    handout_attachment: Path | None = None


@dataclass(frozen=True)
class RegistersConfig:
    backups_keep: int = 10


@dataclass(frozen=True)
class FolderMailConfig:
    outbox: Path = Path("mail/outbox")
    inbox: Path = Path("mail/inbox")
    reports_inbox: Path = Path("mail/meldingen")
    processed_folder: str = "Verwerkt"


@dataclass(frozen=True)
class ExchangeMailConfig:
    username: str
    mailbox: Email
    endpoint: str | None = None
    autodiscover: bool = False
    auth: Literal["ntlm", "basic", "oauth2"] = "ntlm"
    processed_folder: str = "Verwerkt"
    reports_mailbox: Email | None = None
    access: Literal["delegate", "impersonation"] = "delegate"
    tenant_id: str | None = None
    client_id: str | None = None


@dataclass(frozen=True)
class GraphMailConfig:
    tenant_id: str
    client_id: str
    mailbox: Email
    processed_folder: str = "Verwerkt"
    reports_mailbox: Email | None = None
    authority: str = "https://login.microsoftonline.com"
    graph_url: str = "https://graph.microsoft.com/v1.0"
    ca_bundle: Path | None = None  # only for a private CA, such as the loopback endpoint in tests


@dataclass(frozen=True)
class MailConfig:
    sender: Email
    backend: Literal["folder", "exchange", "graph"] = "folder"
    sender_name: str = "Woonpartners Integriteit"
    max_per_minute: int = 0
    max_consecutive_failures: int = 5
    folder: FolderMailConfig = field(default_factory=FolderMailConfig)
    exchange: ExchangeMailConfig | None = None
    graph: GraphMailConfig | None = None


@dataclass(frozen=True)
class GiftsConfig:
    limit: float = 25.0
    sum_window_days: int = 30
    christmas_window_start: str = "11-01"
    christmas_window_end: str = "01-31"


@dataclass(frozen=True)
class RaffleConfig:
    include_rvc: bool = True
    exclude: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SidejobsConfig:
    decision_days: int = 14
    reconfirm_months: int = 12


@dataclass(frozen=True)
class SuppliersConfig:
    first_year: int = 2027
    interval_years: int = 2
    reminder_days: int = 21
    max_reminders: int = 2
    cycle_start: Literal["mail", "remind"] = "remind"


@dataclass(frozen=True)
class OnboardingConfig:
    days_ahead: int = 14
    conversation_weeks: int = 6
    agenda_month: int = 9
    send_from: str | None = None  # "YYYY-MM-DD": only staff starting on or after it get the welcome mail

    @property
    def joined_since(self) -> date | None:
        """send_from as a date (checked on load); None means: no cut-off."""
        return date.fromisoformat(self.send_from) if self.send_from else None


@dataclass(frozen=True)
class ReportAddresses:
    """A route's own reports address (beside the general `[reports] address`, read first by the intake officer);
    a report sent to a route's own address is for its holder only."""

    vertrouwenspersoon: Email | None = None
    directeur: Email | None = None
    rvc: Email | None = None  # the RvC chair
    klachten: Email | None = None


@dataclass(frozen=True)
class Contact:
    """Someone a reporter can turn to: name, what they do, how to reach them (all shown to reporters as written)."""

    name: str
    what: str = ""
    how: str = ""


# Defaults for a config.toml without these sections; the shipped config.toml says the same.
MELDPUNT = Contact(
    "Meldpunt Integriteit Woningcorporaties",
    "extern meldpunt voor vermoedens van fraude of zelfverrijking bij woningcorporaties, bij de Autoriteit "
    "woningcorporaties (Inspectie Leefomgeving en Transport)",
    "via www.ilent.nl (Autoriteit woningcorporaties, 'melding doen')",
)
KLOKKENLUIDERS = Contact(
    "Huis voor Klokkenluiders",
    "onafhankelijk, vertrouwelijk en kosteloos advies over het melden van een misstand; ook extern melden en onderzoek",
    "www.huisvoorklokkenluiders.nl; advies: 088 - 133 10 30; melden: 088 - 133 10 00, "
    "contact@huisvoorklokkenluiders.nl, Postbus 85860, 2508 CJ Den Haag",
)
GESCHILLEN = Contact(
    "de onafhankelijke regionale geschillencommissie",
    "voor huurders, woningzoekenden en huurdersorganisaties die niet tevreden zijn over de behandeling van een "
    "verzoek, vraag of klacht",
)


@dataclass(frozen=True)
class ReportsConfig:
    max_attachment_mb: int = 20
    identity_retention_days: int = 365
    tenants_route: Literal["klachtencoordinator", "directeur"] = "klachtencoordinator"
    shared_mailbox: bool = False  # true: reports arrive in the shared inbox, not in a mailbox of their own
    address: Email | None = None  # the general reports address (its own mailbox), told to reporters
    intake_officer: Email | None = None  # first reader of the general address; unset: organisation.integrity_officer
    confidential_adviser: Email | None = None  # the confidential adviser's own address (route 'vertrouwenspersoon')
    progress_weeks: int = 6  # after feedback: a progress reminder to the handler every so many weeks until closed
    addresses: ReportAddresses = field(default_factory=ReportAddresses)
    meldpunt: Contact = MELDPUNT
    klokkenluiders: Contact = KLOKKENLUIDERS
    geschillencommissie: Contact = GESCHILLEN
    keep_originals_days: int = 30  # processed originals in the reports mailbox deleted after this; 0 = keep


@dataclass(frozen=True)
class BoardConfig:
    min_cell: int = 3  # breakdowns of reports: smaller counts are shown as "< min_cell" and merged into "overig"
    meetings: list[str] = field(default_factory=list)  # RvC meetings, "YYYY-MM-DD"; the report goes out before each
    days_ahead: int = 10  # prepared and mailed this many days before a meeting

    @property
    def meeting_dates(self) -> list[date]:
        """meetings as dates (checked on load), in order."""
        return sorted(date.fromisoformat(day) for day in self.meetings)


@dataclass(frozen=True)
class SchedulerConfig:
    nightly_at: LocalTime = LocalTime("02:00")
    monthly_day: int = 1
    monthly_at: LocalTime = LocalTime("07:00")
    first_start_grace_days: int = 7  # a periodic job that never ran runs on first start only if due within this


@dataclass(frozen=True)
class RunConfig:
    lock_wait_seconds: float = 5.0  # a second run waits this long for the one holding the lock, then exits 7


@dataclass(frozen=True)
class Config:
    organisation: OrganisationConfig
    mail: MailConfig
    paths: PathsConfig = field(default_factory=PathsConfig)
    registers: RegistersConfig = field(default_factory=RegistersConfig)
    gifts: GiftsConfig = field(default_factory=GiftsConfig)
    raffle: RaffleConfig = field(default_factory=RaffleConfig)
    sidejobs: SidejobsConfig = field(default_factory=SidejobsConfig)
    suppliers: SuppliersConfig = field(default_factory=SuppliersConfig)
    onboarding: OnboardingConfig = field(default_factory=OnboardingConfig)
    reports: ReportsConfig = field(default_factory=ReportsConfig)
    scheduler: SchedulerConfig = field(default_factory=SchedulerConfig)
    board: BoardConfig = field(default_factory=BoardConfig)
    run: RunConfig = field(default_factory=RunConfig)
    # not from the file: where it was read from, so paths resolve against its folder
    source: Path = Path(DEFAULT_CONFIG)

    @property
    def root(self) -> Path:
        return self.source.parent

    def path(self, relative: Path) -> Path:
        """A configured path, resolved against the config file's folder."""
        return relative if relative.is_absolute() else (self.root / relative)

    @property
    def registers_dir(self) -> Path:
        return self.path(self.paths.registers)

    @property
    def templates_dir(self) -> Path:
        return self.path(self.paths.templates)

    @property
    def state_dir(self) -> Path:
        return self.path(self.paths.state)


def locate_config(option: str | None) -> Path:
    """--config, else $INTEGRITY_CONFIG, else ./config.toml."""
    return Path(option or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


def load_config(path: Path) -> Config:
    """Read and check config.toml; every problem is a ConfigError naming the file and the key."""
    if not path.is_file():
        raise ConfigError(
            f"{path}: configuratiebestand niet gevonden.",
            hint="maak een werkmap met 'integrity init MAP', of geef het bestand met --config of INTEGRITY_CONFIG.",
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: geen geldige TOML: {exc}", hint="herstel de regel die genoemd wordt.") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: geen UTF-8-tekst.", hint="sla het bestand op als UTF-8.") from exc
    config = _build(Config, data, path, prefix="", skip={"source"})
    config = dataclasses.replace(config, source=path.resolve())
    _check_paths(config)
    _check_onboarding(config)
    _check_board(config)
    _check_reports(config)
    return config


def _build(cls: type, data: Any, file: Path, prefix: str, skip: set[str] = frozenset()) -> Any:  # type: ignore[assignment]
    where = prefix.rstrip(".") or "(bovenste niveau)"
    if not isinstance(data, dict):
        raise ConfigError(
            f"{file}: [{where}] moet een sectie zijn.", hint=f"schrijf het als [{where}] met sleutels eronder."
        )
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name not in skip}
    for key in data:
        if key not in fields:
            known = ", ".join(sorted(fields))
            raise ConfigError(
                f"{file}: onbekende sleutel '{prefix}{key}'.", hint=f"bekende sleutels in [{where}]: {known}."
            )
    values = {}
    for name, spec in fields.items():
        key = f"{prefix}{name}"
        if name in data:
            values[name] = _convert(hints[name], data[name], file, key)
        elif spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
            raise ConfigError(f"{file}: sleutel '{key}' ontbreekt.", hint=f"voeg '{name} = ...' toe onder [{where}].")
    return cls(**values)


def _convert(hint: Any, value: Any, file: Path, key: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return _convert(options[0], value, file, key)
    if origin is Literal:
        allowed = typing.get_args(hint)
        if value not in allowed:
            raise ConfigError(f"{file}: '{key}' is {value!r}.", hint=f"kies uit {', '.join(map(repr, allowed))}.")
        return value
    if origin is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(
                f"{file}: '{key}' moet een lijst van teksten zijn.",
                hint=f'bijvoorbeeld {key.split(".")[-1]} = ["a", "b"].',
            )
        return list(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _build(hint, value, file, prefix=f"{key}.")
    return _scalar(hint, value, file, key)


def _scalar(hint: Any, value: Any, file: Path, key: str) -> Any:
    expected = {
        bool: "ja/nee (true of false)",
        int: "een geheel getal",
        float: "een getal",
        str: "een tekst tussen aanhalingstekens",
    }
    if hint is bool and not isinstance(value, bool):
        raise ConfigError(
            f"{file}: '{key}' moet true of false zijn, niet {value!r}.", hint=f"schrijf {key.split('.')[-1]} = true."
        )
    if hint is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(
            f"{file}: '{key}' moet {expected[int]} zijn, niet {value!r}.",
            hint="schrijf het getal zonder aanhalingstekens.",
        )
    if hint is float and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ConfigError(f"{file}: '{key}' moet {expected[float]} zijn, niet {value!r}.", hint="bijvoorbeeld 25.0.")
    if hint in (str, Email, LocalTime, Path) and not isinstance(value, str):
        raise ConfigError(
            f"{file}: '{key}' moet {expected[str]} zijn, niet {value!r}.", hint=f'schrijf {key.split(".")[-1]} = "...".'
        )
    if hint is Email:
        if not EMAIL_RE.match(value):
            raise ConfigError(
                f"{file}: '{key}' is geen geldig e-mailadres: {value!r}.", hint="bijvoorbeeld naam@woonpartners.nl."
            )
        return Email(value.strip().lower())
    if hint is LocalTime:
        try:
            time.fromisoformat(value)
        except ValueError as exc:
            raise ConfigError(
                f"{file}: '{key}' is geen tijd: {value!r}.", hint='schrijf uu:mm, bijvoorbeeld "02:00".'
            ) from exc
        return LocalTime(value)
    if hint is Path:
        return Path(value)
    if hint is float:
        return float(value)
    return value


def _check_paths(config: Config) -> None:
    checks = {
        "paths.registers": config.paths.registers,
        "paths.templates": config.paths.templates,
        "paths.code_attachment": config.paths.code_attachment,
        "paths.handout_attachment": config.paths.handout_attachment,
    }
    for key, relative in checks.items():
        if relative is not None and not config.path(relative).exists():
            raise ConfigError(
                f"{config.source}: '{key}' wijst naar {config.path(relative)}, dat niet bestaat.",
                hint="maak het aan of zet het juiste pad (relatief aan de map van config.toml).",
            )
    backend = config.mail.backend
    if backend != "folder" and getattr(config.mail, backend) is None:
        raise ConfigError(
            f"{config.source}: mail.backend is '{backend}' maar de sectie [mail.{backend}] ontbreekt.",
            hint=f"voeg [mail.{backend}] toe (zie README, 'Mail instellen').",
        )
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(config.organisation.timezone)
    except Exception as exc:  # noqa: BLE001 - any failure means the zone name is unusable
        raise ConfigError(
            f"{config.source}: 'organisation.timezone' {config.organisation.timezone!r} is onbekend.",
            hint='gebruik bijvoorbeeld "Europe/Amsterdam".',
        ) from exc


def _check_onboarding(config: Config) -> None:
    value = config.onboarding.send_from
    try:
        date.fromisoformat(value or "2000-01-01")
    except ValueError as exc:
        raise ConfigError(
            f"{config.source}: 'onboarding.send_from' is geen datum: {value!r}.",
            hint='schrijf JJJJ-MM-DD, bijvoorbeeld send_from = "2026-01-01", of laat de sleutel weg.',
        ) from exc
    if not 1 <= config.onboarding.agenda_month <= 12:
        raise ConfigError(
            f"{config.source}: 'onboarding.agenda_month' moet een maand zijn (1 t/m 12), niet {config.onboarding.agenda_month}.",
            hint="bijvoorbeeld agenda_month = 9 voor september.",
        )


def _check_board(config: Config) -> None:
    board = config.board
    for day in board.meetings:
        try:
            date.fromisoformat(day)
        except ValueError as exc:
            raise ConfigError(
                f"{config.source}: 'board.meetings' bevat {day!r}, dat is geen datum.",
                hint='schrijf JJJJ-MM-DD, bijvoorbeeld meetings = ["2027-03-15", "2027-06-14"].',
            ) from exc
    if board.min_cell < 2 or board.days_ahead < 0:
        raise ConfigError(
            f"{config.source}: 'board.min_cell' moet minstens 2 zijn en 'board.days_ahead' niet negatief "
            f"(nu {board.min_cell} en {board.days_ahead}).",
            hint="bijvoorbeeld min_cell = 3 en days_ahead = 10.",
        )


def _check_reports(config: Config) -> None:
    if config.reports.progress_weeks < 1:
        raise ConfigError(
            f"{config.source}: 'reports.progress_weeks' moet minstens 1 zijn, niet {config.reports.progress_weeks}.",
            hint="bijvoorbeeld progress_weeks = 6 (elke zes weken een voortgangsherinnering).",
        )


SECRETS = {
    "exchange": "INTEGRITY_EXCHANGE_PASSWORD",
    "graph": "INTEGRITY_GRAPH_CLIENT_SECRET",
    "reports": "INTEGRITY_REPORTS_PASSWORD",
    "identity": "INTEGRITY_IDENTITY_PASSWORD",
}


def secret(name: str, *, required: bool = True) -> str | None:
    """A secret from the environment, else the system keyring (service 'integrity-toolkit'); never from config.toml."""
    variable = SECRETS[name]
    value = os.environ.get(variable)
    if value:
        return value
    value = _from_keyring(variable)
    if value or not required:
        return value
    raise ConfigError(
        f"geheim {variable} ontbreekt.",
        hint=f"zet de omgevingsvariabele {variable}, of bewaar het in de sleutelbos: "
        f"keyring set integrity-toolkit {variable}.",
    )


def _from_keyring(variable: str) -> str | None:
    try:
        import keyring

        return keyring.get_password("integrity-toolkit", variable)
    except Exception:  # noqa: BLE001 - no usable keyring backend on this machine means: not there
        return None
