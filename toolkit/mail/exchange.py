"""The Exchange mail backend: exchangelib (EWS) behind the MailBackend protocol, raw MIME in and out.

exchangelib is imported lazily (in the constructor's helpers), so importing this module stays cheap.

Layout in the mailbox:
- inbound mail is read from the Inbox of `mailbox` ("inbox") or of `reports_mailbox` ("reports");
- processed mail is moved to `processed_folder`, a folder directly under the mailbox's top folder
  (msgfolderroot, beside Inbox and Sent Items), created when missing;
- sent mail is created from the complete raw MIME (so Message-ID and attachments are kept) with
  MessageDisposition=SendAndSaveCopy, which leaves the copy in the sending mailbox's Sent Items.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol, TypeVar

from toolkit.errors import MailError
from toolkit.mail.backend import InboundRef

T = TypeVar("T")

AUTH_TYPES = ("ntlm", "basic", "oauth2")
MAILBOX_KINDS = ("inbox", "reports")


class KeyValueStore(Protocol):
    """The toolkit's state store, as far as this backend needs it."""

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str) -> None: ...


@dataclass(frozen=True)
class ExchangeSettings:
    """The [mail.exchange] section of config.toml."""

    endpoint: str | None  # EWS URL, e.g. https://mail.woonpartners.nl/EWS/Exchange.asmx; None with autodiscover
    autodiscover: bool
    username: str
    mailbox: str  # the shared mailbox that sends and receives
    auth: str  # "ntlm", "basic" or "oauth2"
    processed_folder: str
    reports_mailbox: str | None = None
    tenant_id: str | None = None  # oauth2 only
    client_id: str | None = None  # oauth2 only; the password is then the client secret
    max_wait: float = 300.0  # seconds the backend waits out throttling (ErrorServerBusy, 429, 503) per request
    impersonation: bool = False  # access the mailbox by impersonation instead of delegate access


def auth_failed(settings: ExchangeSettings) -> MailError:
    return MailError(
        f"Exchange weigert de aanmelding voor {settings.username}; controleer [mail.exchange] username en de "
        "variabele INTEGRITY_EXCHANGE_PASSWORD"
    )


def unreachable(settings: ExchangeSettings, detail: str) -> MailError:
    where = settings.endpoint or f"autodiscover voor {settings.mailbox}"
    return MailError(
        f"Exchange is niet bereikbaar op {where} ({detail})",
        hint="controleer [mail.exchange] endpoint (of autodiscover) en de netwerkverbinding",
    )


@cache
def _retry_policy_class() -> type:
    """A FaultTolerance that fails at once on 401 and honours Retry-After on 429 (exchangelib 5.6 does neither)."""
    from exchangelib.errors import ErrorServerBusy, UnauthorizedError
    from exchangelib.protocol import FaultTolerance

    class ToolkitRetryPolicy(FaultTolerance):
        def raise_response_errors(self, response: Any) -> None:
            if response.status_code == 401:
                raise UnauthorizedError(f"Invalid credentials for {response.url}")
            if response.status_code == 429:
                raise ErrorServerBusy("Caused by HTTP 429 response", back_off=_retry_after(response))
            super().raise_response_errors(response)

    return ToolkitRetryPolicy


def _retry_after(response: Any) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if re.fullmatch(r"\d+(\.\d+)?", value.strip()) else None


class ExchangeBackend:
    """MailBackend over EWS. Never deletes: processed mail is moved."""

    name = "exchange"

    def __init__(self, settings: ExchangeSettings, password: str, state: KeyValueStore | None = None) -> None:
        if settings.auth not in AUTH_TYPES:
            raise MailError(
                f"Onbekende aanmeldmethode {settings.auth!r} in [mail.exchange] auth",
                hint="kies ntlm, basic of oauth2",
            )
        if not settings.endpoint and not settings.autodiscover:
            raise MailError("[mail.exchange] endpoint ontbreekt", hint="vul endpoint in of zet autodiscover = true")
        self.settings = settings
        self._password = password
        self._state = state  # with a state store, list_new uses SyncFolderItems; without, FindItem
        self._accounts: dict[str, Any] = {}
        self._processed: dict[str, Any] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------ MailBackend

    def send(self, raw: bytes, message_id: str, recipients: list[str], *, save_copy: bool = True) -> None:
        def run() -> None:
            from exchangelib import Mailbox, Message

            account = self._account("inbox")
            to = [Mailbox(email_address=address) for address in recipients]
            if save_copy:
                Message(account=account, folder=account.sent, mime_content=raw, to_recipients=to).send_and_save()
            else:  # SendOnly: nothing of a mail to a reporter stays in the shared mailbox's Sent Items
                Message(account=account, mime_content=raw, to_recipients=to).send(save_copy=False)

        self._guarded(run)

    def was_sent(self, message_id: str) -> bool:
        def run() -> bool:
            sent = self._account("inbox").sent
            return sent.filter(message_id=message_id.strip()).only("message_id").exists()

        return self._guarded(run)

    def list_new(self, mailbox: str = "inbox") -> list[InboundRef]:
        def run() -> list[InboundRef]:
            inbox = self._account(mailbox).inbox
            if self._state is not None:
                ids = self._synced_pending(mailbox, inbox)
            else:
                ids = [item.id for item in inbox.all().only("datetime_received").order_by("datetime_received")]
            return [InboundRef(mailbox=mailbox, backend_id=item_id) for item_id in ids]

        return self._guarded(run)

    def fetch_raw(self, ref: InboundRef) -> bytes:
        def run() -> bytes:
            account = self._account(ref.mailbox)
            item = next(iter(account.fetch(ids=[(ref.backend_id, None)], only_fields=["mime_content"])))
            if isinstance(item, Exception):
                raise item
            return bytes(item.mime_content)

        return self._guarded(run)

    def move_processed(self, ref: InboundRef, *, folder: str | None = None) -> None:
        def run() -> None:
            account = self._account(ref.mailbox)
            target = self._processed_folder(ref.mailbox, folder)
            results = account.bulk_move(ids=[(ref.backend_id, None)], to_folder=target)
            for result in results:
                if isinstance(result, Exception):
                    raise result
            if self._state is not None:
                self._forget_pending(ref)

        self._guarded(run)

    def list_processed(self, mailbox: str) -> list[InboundRef]:
        """Messages in the processed folder (only the reports' purge of originals uses this)."""

        def run() -> list[InboundRef]:
            folder = self._processed_folder(mailbox)
            return [InboundRef(mailbox, item.id) for item in folder.all().only("datetime_received")]

        return self._guarded(run)

    def fetch_processed(self, ref: InboundRef) -> bytes:
        return self.fetch_raw(ref)

    def delete_processed(self, ref: InboundRef) -> None:
        """Delete a processed original for good (HardDelete): only for issue 12's purge of report originals."""

        def run() -> None:
            account = self._account(ref.mailbox)
            for result in account.bulk_delete(ids=[(ref.backend_id, None)], delete_type="HardDelete"):
                if isinstance(result, Exception):
                    raise result

        self._guarded(run)

    def check(self) -> str:
        def run() -> str:
            inbox = self._account("inbox").inbox
            described = (
                f"Exchange {self._endpoint_text()}, postvak {self.settings.mailbox} ({inbox.total_count} in Postvak IN)"
            )
            if self.settings.reports_mailbox:
                self._account("reports").inbox  # noqa: B018 - resolving it is the check
                described += f", meldingen {self.settings.reports_mailbox}"
            return described

        return self._guarded(run)

    # ------------------------------------------------------------ SyncFolderItems bookkeeping

    def _sync_key(self, mailbox: str) -> str:
        return f"exchange.sync.{self._address(mailbox).lower()}"

    def _synced_pending(self, mailbox: str, inbox: Any) -> list[str]:
        """Item ids in the Inbox not yet moved: pending ids from the state store, updated by SyncFolderItems.

        The sync state and the pending ids are saved together after a complete sync, so a crash half-way only
        repeats the sync; an item listed but never moved stays pending until move_processed forgets it.
        """
        assert self._state is not None
        saved = json.loads(self._state.get(self._sync_key(mailbox)) or "{}")
        pending: dict[str, str] = dict(saved.get("pending", {}))
        changes = inbox.sync_items(
            sync_state=saved.get("sync_state"), only_fields=["datetime_received"], sync_scope="NormalItems"
        )
        for change, item in changes:
            if change == "create":
                pending[item.id] = item.datetime_received.isoformat() if item.datetime_received else ""
            elif change == "delete":
                pending.pop(item.id, None)
        self._state.set(self._sync_key(mailbox), json.dumps({"sync_state": inbox.item_sync_state, "pending": pending}))
        return sorted(pending, key=lambda item_id: pending[item_id])  # stable: ties keep the order of arrival

    def _forget_pending(self, ref: InboundRef) -> None:
        assert self._state is not None
        key = self._sync_key(ref.mailbox)
        saved = json.loads(self._state.get(key) or "{}")
        saved.get("pending", {}).pop(ref.backend_id, None)
        self._state.set(key, json.dumps(saved))

    # ------------------------------------------------------------ connection

    def _address(self, mailbox: str) -> str:
        if mailbox not in MAILBOX_KINDS:
            raise ValueError(f"unknown mailbox {mailbox!r}; expected one of {MAILBOX_KINDS}")
        if mailbox == "reports":
            if not self.settings.reports_mailbox:
                raise MailError("Er is geen meldingenpostvak ingesteld", hint="vul [mail.exchange] reports_mailbox in")
            return self.settings.reports_mailbox
        return self.settings.mailbox

    def _account(self, mailbox: str) -> Any:
        address = self._address(mailbox)
        with self._lock:
            if address not in self._accounts:
                self._accounts[address] = self._connect(address)
            return self._accounts[address]

    def _connect(self, address: str) -> Any:
        from exchangelib import DELEGATE, IMPERSONATION, Account, Configuration

        settings = self.settings
        config = Configuration(
            service_endpoint=settings.endpoint or None,
            credentials=self._credentials(address),
            auth_type=self._auth_type(),
            retry_policy=_retry_policy_class()(max_wait=settings.max_wait),
        )
        oauth = settings.auth == "oauth2"
        access = IMPERSONATION if (settings.impersonation or oauth) else DELEGATE
        if settings.endpoint:
            account = Account(primary_smtp_address=address, access_type=access, config=config, autodiscover=False)
        else:
            account = Account(
                primary_smtp_address=address,
                access_type=access,
                credentials=config.credentials,
                config=config,
                autodiscover=True,
            )
        # Protocols are cached per (endpoint, credentials); make sure ours carries this backend's retry policy.
        account.protocol.config.retry_policy = config.retry_policy
        return account

    def _auth_type(self) -> str:
        from exchangelib.transport import BASIC, NTLM, OAUTH2

        return {"ntlm": NTLM, "basic": BASIC, "oauth2": OAUTH2}[self.settings.auth]

    def _credentials(self, address: str) -> Any:
        from exchangelib import Credentials, Identity, OAuth2Credentials

        settings = self.settings
        if settings.auth != "oauth2":
            return Credentials(username=settings.username, password=self._password)
        if not (settings.tenant_id and settings.client_id):
            raise MailError(
                "Voor auth = oauth2 zijn tenant_id en client_id nodig",
                hint="vul [mail.exchange] tenant_id en client_id in",
            )
        return OAuth2Credentials(
            client_id=settings.client_id,
            client_secret=self._password,
            tenant_id=settings.tenant_id,
            identity=Identity(primary_smtp_address=address),
        )

    def _processed_folder(self, mailbox: str, folder: str | None = None) -> Any:
        """The processed folder (or `folder`) under the mailbox's top folder (msgfolderroot), created when missing."""
        from exchangelib import Folder
        from exchangelib.errors import ErrorFolderNotFound
        from exchangelib.services import CreateFolder

        name = folder or self.settings.processed_folder
        address = self._address(mailbox) if folder is None else f"{self._address(mailbox)}/{name}"
        if address not in self._processed:
            account = self._account(mailbox)
            top = account.msg_folder_root
            try:
                self._processed[address] = top // name
            except ErrorFolderNotFound:
                # CreateFolder directly: Folder.save() would first map the whole folder tree to find its parent.
                CreateFolder(account=account).get(parent_folder=top, folders=[Folder(root=top.root, name=name)])
                self._processed[address] = top // name
        return self._processed[address]

    def _endpoint_text(self) -> str:
        return self.settings.endpoint or "via autodiscover"

    # ------------------------------------------------------------ errors

    def _guarded(self, operation: Callable[[], T]) -> T:
        """Run one operation, turning exchangelib and network failures into MailError (no traceback for the user)."""
        from exchangelib import errors
        from requests.exceptions import RequestException

        try:
            return operation()
        except MailError:
            raise
        except errors.UnauthorizedError as exc:
            raise auth_failed(self.settings) from exc
        except errors.RateLimitError as exc:
            raise MailError(
                f"Exchange blijft te druk en vraagt langer te wachten dan {self.settings.max_wait:g} s ({exc})",
                hint="probeer het later opnieuw; de nachtelijke taak doet dat vanzelf",
            ) from exc
        except (errors.ErrorNonExistentMailbox, errors.ErrorAccessDenied, errors.ErrorImpersonateUserDenied) as exc:
            raise MailError(
                f"Exchange geeft geen toegang tot postvak {self.settings.mailbox} voor {self.settings.username} "
                f"({_short(exc)})",
                hint="controleer [mail.exchange] mailbox (en reports_mailbox) en de rechten van het account",
            ) from exc
        except (errors.ErrorTimeoutExpired, RequestException, OSError) as exc:
            raise unreachable(self.settings, "geen verbinding of verbinding verbroken") from exc
        except errors.TransportError as exc:
            no_connection = "ConnectionError" in str(exc)  # version probing wraps connection failures in text
            detail = "geen verbinding of verbinding verbroken" if no_connection else _short(exc)
            raise unreachable(self.settings, detail) from exc
        except errors.EWSError as exc:
            raise MailError(f"Exchange weigert de opdracht: {_short(exc)}") from exc


def _short(exc: Exception, limit: int = 200) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
