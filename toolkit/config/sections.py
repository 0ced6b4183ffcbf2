"""The sections of config.toml as frozen dataclasses: a field without a default is a required key."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

DEFAULT_CONFIG = "config.toml"
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
    code_attachment_en: Path | None = None  # the code in English, for suppliers whose Taal is en
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
class SignatureConfig:
    """The contact block under every mail, and the name each sending role signs with."""

    phone: str = ""
    website: str = ""
    integrity: str = "Integriteitsfunctionaris"  # the toolkit's own mail and the integrity officer's
    hr: str = "Mens & Organisatie"  # welcome mails and HR's rounds
    purchasing: str = "Inkoop"  # supplier mail
    purchasing_email: Email | None = None  # Inkoop's address; without it the contract owner's or the sender's


@dataclass(frozen=True)
class MailConfig:
    sender: Email
    backend: Literal["folder", "exchange", "graph"] = "folder"
    sender_name: str = "Woonpartners Integriteit"
    max_per_minute: int = 0
    max_consecutive_failures: int = 5
    folder: FolderMailConfig = field(default_factory=FolderMailConfig)
    signature: SignatureConfig = field(default_factory=SignatureConfig)
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
class InterestsConfig:
    decision_days: int = 14  # a declaration without a decision after this many days is a finding (B1)
    attest_month: int = 1  # the yearly question "geen (nieuwe) belangen?" goes out on the 1st working run of it
    reminder_days: int = 14  # a reminder after this many days without an answer
    max_reminders: int = 2  # then one escalation to HR


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
class DilemmasConfig:
    """Integrity on the agenda: the team (quarterly), MT, RvC and staff-meeting reminders, and the dilemma lists."""

    mt_meetings: list[str] = field(default_factory=list)  # "YYYY-MM-DD"; empty: mt_rhythm
    mt_rhythm: Literal["monthly", "quarterly"] = "monthly"
    mt_to: list[str] = field(default_factory=list)  # empty: organisation.director
    rvc_meetings: list[str] = field(default_factory=list)  # "YYYY-MM-DD"; empty: [board] meetings, else rvc_rhythm
    rvc_rhythm: Literal["monthly", "quarterly"] = "quarterly"
    rvc_to: list[str] = field(default_factory=list)  # empty: organisation.rvc_chair and organisation.director
    days_ahead: int = 7  # a reminder for a meeting date goes this many days before it
    followup_days: int = 21  # one more reminder this many days after the first, while the date is still not filled
    recent_months: int = 6  # the team reminder lists the dilemmas of the last so many months ...
    max_cases: int = 10  # ... at most this many, newest first

    def meeting_dates(self, which: str, board_meetings: list[str]) -> list[date]:
        """The configured MT or RvC meeting dates (checked on load); the RvC falls back to [board] meetings."""
        days = self.mt_meetings if which == "mt" else (self.rvc_meetings or board_meetings)
        return sorted(date.fromisoformat(day) for day in days)


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
    interests: InterestsConfig = field(default_factory=InterestsConfig)
    reports: ReportsConfig = field(default_factory=ReportsConfig)
    scheduler: SchedulerConfig = field(default_factory=SchedulerConfig)
    board: BoardConfig = field(default_factory=BoardConfig)
    dilemmas: DilemmasConfig = field(default_factory=DilemmasConfig)
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
