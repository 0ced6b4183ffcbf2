"""A workspace: the config plus the things built from it (state, audit trail, mail backend, templates), made on demand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.config import Config, secret
from toolkit.errors import ConfigError

if TYPE_CHECKING:
    from toolkit.audit import AuditTrail
    from toolkit.mail.backend import MailBackend
    from toolkit.mail.sender import Mailer
    from toolkit.mail.templates import TemplateSet
    from toolkit.registers.schema import Register
    from toolkit.state import StateStore


@dataclass
class Workspace:
    config: Config
    today: date
    actor: str = "cli"

    @property
    def root(self) -> Path:
        return self.config.root

    def register_path(self, register: Register) -> Path:
        return self.config.registers_dir / register.filename

    @property
    def backups_dir(self) -> Path:
        return self.config.state_dir / "backups"

    @property
    def logs_dir(self) -> Path:
        return self.config.state_dir / "logs"

    @property
    def has_state(self) -> bool:
        """state.sqlite exists: a read that finds none needs no file made for it (check, previews)."""
        return "state" in self.__dict__ or (self.config.state_dir / "state.sqlite").exists()

    @cached_property
    def state(self) -> StateStore:
        from toolkit.state import StateStore

        return StateStore(self.config.state_dir / "state.sqlite")

    @cached_property
    def audit(self) -> AuditTrail:
        from toolkit.audit import AuditTrail

        return AuditTrail(self.config.state_dir / "audit.jsonl")

    @cached_property
    def templates(self) -> TemplateSet:
        from toolkit.mail.templates import TemplateSet, house_of

        return TemplateSet(self.config.templates_dir, house_of(self.config))

    @cached_property
    def backend(self) -> MailBackend:
        return make_backend(self.config, lambda: self.state)  # the folder backend never opens the state

    def mailer(self) -> Mailer:
        from toolkit.mail.sender import Mailer

        mail = self.config.mail
        return Mailer(
            backend=self.backend,
            state=self.state,
            audit=self.audit,
            sender=mail.sender,
            sender_name=mail.sender_name,
            actor=self.actor,
            max_per_minute=mail.max_per_minute,
            max_consecutive_failures=mail.max_consecutive_failures,
            witness_for=frozenset(
                a.strip().lower() for a in (self.config.organisation.integrity_officer,) if a and a.strip()
            ),
            witness_purposes=WITNESSED_PURPOSES,
        )

    def close(self) -> None:
        if "state" in self.__dict__:
            self.state.close()


WITNESSED_PURPOSES = frozenset({"hr_maandoverzicht"})  # periodic mails that carry the audit head (audit_witness)


def make_backend(config: Config, state: StateStore | Callable[[], StateStore]) -> MailBackend:
    """The configured mail backend; exchangelib and msal are imported only when their backend is chosen.
    `state` may be given as a function, so a backend that needs no state (folder) never creates the file."""
    mail = config.mail
    if mail.backend == "folder":
        from toolkit.mail.folder import FolderBackend

        inboxes = {"inbox": config.path(mail.folder.inbox), "reports": config.path(mail.folder.reports_inbox)}
        return FolderBackend(config.path(mail.folder.outbox), inboxes, mail.folder.processed_folder)
    if mail.backend == "exchange":
        return _exchange_backend(config, state() if callable(state) else state)
    if mail.backend == "graph":
        return _graph_backend(config, state() if callable(state) else state)
    raise ConfigError(
        f"{config.source}: onbekende mail.backend '{mail.backend}'.", hint="kies folder, exchange of graph."
    )


def _exchange_backend(config: Config, state: StateStore) -> MailBackend:
    from toolkit.mail.exchange import ExchangeBackend, ExchangeSettings

    ex = config.mail.exchange
    assert ex is not None  # checked on load
    settings = ExchangeSettings(
        endpoint=ex.endpoint,
        autodiscover=ex.autodiscover,
        username=ex.username,
        mailbox=ex.mailbox,
        auth=ex.auth,
        processed_folder=ex.processed_folder,
        reports_mailbox=ex.reports_mailbox,
        tenant_id=ex.tenant_id,
        client_id=ex.client_id,
        impersonation=(ex.access == "impersonation"),
    )
    return ExchangeBackend(settings, secret("exchange") or "", state)


def _graph_backend(config: Config, state: StateStore) -> MailBackend:
    from toolkit.mail.graph import GraphBackend, GraphSettings

    gr = config.mail.graph
    assert gr is not None  # checked on load
    settings = GraphSettings(
        tenant_id=gr.tenant_id,
        client_id=gr.client_id,
        mailbox=gr.mailbox,
        processed_folder=gr.processed_folder,
        authority=gr.authority,
        graph_url=gr.graph_url,
        reports_mailbox=gr.reports_mailbox,
        ca_bundle=str(config.path(gr.ca_bundle)) if gr.ca_bundle else None,
    )
    return GraphBackend(settings, secret("graph") or "", state)
