"""The Microsoft Graph mail backend: msal (client credentials) for the token, plain requests for the mail API.

Mail goes out as raw MIME (POST /users/{mailbox}/sendMail, base64, text/plain), so our Message-ID is kept and
Exchange Online stores the copy in Sent Items. Inbound mail is found with a delta query on the Inbox; the delta
link and the set of messages still to process are kept in the toolkit's state, so a message that was listed
but not yet moved is listed again on the next run. Processed mail is moved to `processed_folder`: a child
folder of the Inbox (created there when missing); an existing top-level folder of that name is used as well.

msal and requests are imported only when a backend is made, never at toolkit start-up.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import email.utils
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote, urlsplit

from toolkit.errors import MailError
from toolkit.mail.backend import InboundRef

if TYPE_CHECKING:
    import msal
    import requests

SENDMAIL_LIMIT = 4 * 1024 * 1024  # Graph refuses sendMail requests over 4 MB (the MIME is sent base64-encoded)
RETRY_STATUSES = (429, 503, 504)
TIMEOUT = (10.0, 60.0)
SECRET_ENV = "INTEGRITY_GRAPH_CLIENT_SECRET"


class KeyValueStore(Protocol):
    """Where the backend keeps its delta links and pending message ids between runs."""

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str) -> None: ...


@dataclass(frozen=True)
class GraphSettings:
    """The [mail.graph] section of config.toml. The client secret comes from the environment or keyring."""

    tenant_id: str
    client_id: str
    mailbox: str
    processed_folder: str
    authority: str = "https://login.microsoftonline.com"
    graph_url: str = "https://graph.microsoft.com/v1.0"
    reports_mailbox: str | None = None
    max_retries: int = 5
    max_wait_seconds: float = 60.0
    ca_bundle: str | None = None  # a PEM file of extra trusted CAs (a TLS-inspecting proxy, the loopback server)

    @property
    def authority_url(self) -> str:
        """The authority with the tenant: 'https://login.microsoftonline.com/<tenant_id>' unless it has a path."""
        base = self.authority.rstrip("/")
        return base if urlsplit(base).path.strip("/") else f"{base}/{self.tenant_id}"

    @property
    def scope(self) -> str:
        parts = urlsplit(self.graph_url)
        return f"{parts.scheme}://{parts.netloc}/.default"


class _MemoryStore:
    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self._values.get(key)

    def set(self, key: str, value: str) -> None:
        self._values[key] = value


class _MsalHttp:
    """The HTTP client handed to msal: requests with `verify` given per call (the environment can't override it)."""

    def __init__(self, session: requests.Session, verify: str | bool) -> None:
        self._session = session
        self._verify = verify

    def get(self, url: str, params: Any = None, headers: Any = None, **kwargs: Any) -> Any:
        return self._session.get(url, params=params, headers=headers, verify=self._verify, timeout=TIMEOUT)

    def post(self, url: str, params: Any = None, data: Any = None, headers: Any = None, **kwargs: Any) -> Any:
        return self._session.post(url, params=params, data=data, headers=headers, verify=self._verify, timeout=TIMEOUT)

    def close(self) -> None:
        self._session.close()


class _DeltaUnsupported(Exception):
    """The folder answers a delta query with an error; list it plainly instead."""


# --- errors ----------------------------------------------------------------------------------------------------


def _authority_unreachable(settings: GraphSettings, err: Exception) -> MailError:
    if _is_tls_error(err):
        return MailError(
            f"Het TLS-certificaat van {settings.authority_url} wordt niet vertrouwd.",
            hint="Controleer [mail.graph] authority in config.toml, of wijs met [mail.graph] ca_bundle "
            "het CA-certificaat aan.",
        )
    return MailError(
        f"De aanmeldserver van Microsoft ({settings.authority_url}) is niet bereikbaar.",
        hint="Controleer [mail.graph] authority en tenant_id in config.toml en de netwerkverbinding.",
    )


def _graph_unreachable(settings: GraphSettings, err: Exception) -> MailError:
    if _is_tls_error(err):
        return MailError(
            f"Het TLS-certificaat van {settings.graph_url} wordt niet vertrouwd.",
            hint="Controleer [mail.graph] graph_url in config.toml, of wijs met [mail.graph] ca_bundle "
            "het CA-certificaat aan.",
        )
    return MailError(
        f"Microsoft Graph ({settings.graph_url}) is niet bereikbaar.",
        hint="Controleer [mail.graph] graph_url in config.toml en de netwerkverbinding.",
    )


def _is_tls_error(err: Exception) -> bool:
    import requests

    return isinstance(err, requests.exceptions.SSLError)


def _token_error(settings: GraphSettings, result: dict[str, Any]) -> MailError:
    error = str(result.get("error") or "onbekend")
    code = str(result.get("error_description") or "").split(":", 1)[0]
    where = f" ({error}, {code})" if code.startswith("AADSTS") else f" ({error})"
    if error == "invalid_client":
        return MailError(
            f"Microsoft weigert de aanmelding van app [mail.graph] client_id = '{settings.client_id}': "
            f"het client secret klopt niet of is verlopen{where}.",
            hint=f"Zet het geldige client secret van deze app-registratie in de omgevingsvariabele {SECRET_ENV} "
            "(of de keyring) en controleer [mail.graph] client_id in config.toml.",
        )
    if error == "unauthorized_client" or "AADSTS700016" in code:
        return MailError(
            f"De app [mail.graph] client_id = '{settings.client_id}' is niet bekend in tenant "
            f"[mail.graph] tenant_id = '{settings.tenant_id}'{where}.",
            hint="Controleer [mail.graph] client_id en tenant_id in config.toml.",
        )
    return MailError(
        f"Aanmelden bij Microsoft is mislukt{where}.",
        hint=f"Controleer [mail.graph] tenant_id, client_id en authority in config.toml en {SECRET_ENV}.",
    )


def _graph_message(response: requests.Response) -> tuple[str, str]:
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    if not isinstance(error, dict):
        return "", ""
    return str(error.get("code") or ""), str(error.get("message") or "")


def _response_error(settings: GraphSettings, response: requests.Response, what: str) -> MailError:
    code, message = _graph_message(response)
    status = response.status_code
    detail = f"HTTP {status}" + (f", {code}" if code else "")
    if status == 404 and code in ("ErrorInvalidUser", "MailboxNotEnabledForRESTAPI", "ResourceNotFound"):
        return MailError(
            f"Microsoft Graph kent de mailbox niet bij {what} ({detail}).",
            hint=f"Controleer [mail.graph] mailbox (nu '{settings.mailbox}') en reports_mailbox in config.toml.",
        )
    if status in (401, 403):
        return MailError(
            f"Microsoft Graph weigert de toegang bij {what} ({detail}).",
            hint="Geef de app-registratie [mail.graph] client_id de toepassingsmachtigingen Mail.ReadWrite en "
            "Mail.Send (met beheerderstoestemming) voor [mail.graph] mailbox.",
        )
    if status in RETRY_STATUSES:
        return MailError(
            f"Microsoft Graph blijft overbelast bij {what} ({detail}).",
            hint="Probeer het later opnieuw; verhoog zo nodig [mail.graph] max_retries of max_wait_seconds.",
        )
    return MailError(f"Microsoft Graph gaf een fout bij {what} ({detail}): {message}".rstrip(": "))


def _retry_after(response: requests.Response, attempt: int) -> float:
    value = (response.headers.get("Retry-After") or "").strip()
    if value.isdigit():
        return float(value)
    if value:
        try:
            when = email.utils.parsedate_to_datetime(value)
            return max(0.0, when.timestamp() - time.time())
        except (TypeError, ValueError):
            pass
    return float(min(2**attempt, 30))


# --- the HTTP session ------------------------------------------------------------------------------------------


class _GraphSession:
    """A bearer token from msal, requests for the calls, retries on throttling and one token refresh on 401."""

    def __init__(self, settings: GraphSettings, client_secret: str) -> None:
        import requests

        self.settings = settings
        self._secret = client_secret
        self._verify: str | bool = settings.ca_bundle or True
        self._session = requests.Session()
        self._msal_session = requests.Session()
        self._app: msal.ConfidentialClientApplication | None = None
        self._token: str | None = None

    def close(self) -> None:
        self._session.close()
        self._msal_session.close()

    def _client(self) -> msal.ConfidentialClientApplication:
        if self._app is None:
            import msal
            import requests

            if urlsplit(self.settings.authority_url).scheme != "https":
                raise MailError(
                    f"De aanmeldserver {self.settings.authority_url} moet via https bereikbaar zijn (msal eist dat).",
                    hint="Laat [mail.graph] authority in config.toml met https:// beginnen.",
                )
            try:
                self._app = msal.ConfidentialClientApplication(
                    self.settings.client_id,
                    client_credential=self._secret,
                    authority=self.settings.authority_url,
                    http_client=_MsalHttp(self._msal_session, self._verify),
                    instance_discovery=False,  # the authority comes from the administrator's config.toml
                )
            except requests.RequestException as err:
                raise _authority_unreachable(self.settings, err) from err
            except ValueError as err:  # msal: no usable OpenID configuration at this authority/tenant
                raise MailError(
                    f"De aanmeldserver {self.settings.authority_url} kent deze tenant niet of is geen "
                    "Microsoft-aanmeldserver.",
                    hint="Controleer [mail.graph] tenant_id en authority in config.toml.",
                ) from err
        return self._app

    def token(self, refresh: bool = False) -> str:
        """An access token for Graph; `refresh` drops the cached one first."""
        import msal
        import requests

        app = self._client()
        if refresh:
            app.remove_tokens_for_client()
        try:
            result = app.acquire_token_for_client(scopes=[self.settings.scope])
        except requests.RequestException as err:
            raise _authority_unreachable(self.settings, err) from err
        except (msal.exceptions.MsalError, ValueError) as err:
            raise MailError(
                f"De aanmeldserver {self.settings.authority_url} gaf een onbruikbaar antwoord.",
                hint="Probeer het later opnieuw; controleer anders [mail.graph] authority in config.toml.",
            ) from err
        if "access_token" not in result:
            raise _token_error(self.settings, result)
        self._token = str(result["access_token"])
        return self._token

    def request(self, method: str, url: str, what: str, ok: tuple[int, ...] = (200,), **kwargs: Any) -> Any:
        """Send a request, retrying as Graph asks; returns the response when its status is in `ok`."""
        response = self._with_retries(method, url, what, **kwargs)
        if response.status_code not in ok:
            raise _response_error(self.settings, response, what)
        return response

    def _with_retries(self, method: str, url: str, what: str, **kwargs: Any) -> requests.Response:
        waited = 0.0
        refreshed = False
        attempt = 0
        while True:
            response = self._send_once(method, url, attempt, **kwargs)
            if response is None:  # a dropped connection on a GET: try again shortly
                attempt += 1
                waited += self._pause(0.2 * attempt, waited, what, "verbinding verbroken")
                continue
            if response.status_code == 401 and not refreshed:
                refreshed = True
                self.token(refresh=True)
                continue
            if response.status_code not in RETRY_STATUSES or attempt >= self.settings.max_retries:
                return response
            attempt += 1
            waited += self._pause(_retry_after(response, attempt), waited, what, f"HTTP {response.status_code}")

    def _pause(self, delay: float, waited: float, what: str, reason: str) -> float:
        if waited + delay > self.settings.max_wait_seconds:
            raise MailError(
                f"Microsoft Graph vraagt te lang te wachten bij {what} ({reason}, {delay:.0f} s).",
                hint="Probeer het later opnieuw; verhoog zo nodig [mail.graph] max_wait_seconds.",
            )
        time.sleep(delay)
        return delay

    def _send_once(self, method: str, url: str, attempt: int, **kwargs: Any) -> requests.Response | None:
        import requests

        if not url.startswith(self.settings.graph_url.rstrip("/") + "/"):
            raise MailError(f"Microsoft Graph verwees naar een onverwacht adres: {url}")
        token = self._token or self.token()
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        try:
            return self._session.request(method, url, headers=headers, verify=self._verify, timeout=TIMEOUT, **kwargs)
        except requests.ConnectionError as err:
            if method == "GET" and not _is_tls_error(err) and attempt < min(self.settings.max_retries, 2):
                return None
            raise _graph_unreachable(self.settings, err) from err
        except requests.RequestException as err:
            raise _graph_unreachable(self.settings, err) from err


# --- the backend -----------------------------------------------------------------------------------------------


def _odata_quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class GraphBackend:
    """MailBackend over Microsoft Graph for an Exchange Online shared mailbox (application permissions)."""

    name = "graph"

    def __init__(self, settings: GraphSettings, client_secret: str, state: KeyValueStore | None = None) -> None:
        self.settings = settings
        self._http = _GraphSession(settings, client_secret)
        self._state: KeyValueStore = state if state is not None else _MemoryStore()
        self._processed_ids: dict[str, str] = {}

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()

    def __enter__(self) -> GraphBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # addresses

    def _user_url(self, address: str) -> str:
        return f"{self.settings.graph_url.rstrip('/')}/users/{quote(address, safe='@')}"

    def _address(self, mailbox: str) -> str:
        if mailbox == "inbox":
            return self.settings.mailbox
        if mailbox == "reports":
            if not self.settings.reports_mailbox:
                raise MailError(
                    "Er is geen meldingenmailbox ingesteld voor Microsoft Graph.",
                    hint="Vul [mail.graph] reports_mailbox in config.toml in.",
                )
            return self.settings.reports_mailbox
        raise ValueError(f"unknown mailbox {mailbox!r}; expected 'inbox' or 'reports'")

    # sending

    def send(self, raw: bytes, message_id: str, recipients: list[str], *, save_copy: bool = True) -> None:
        """Send raw MIME through sendMail; Exchange keeps the copy (with our Message-ID) in Sent Items.

        Without `save_copy` the JSON form of sendMail is used with `saveToSentItems: false` (the MIME form can't
        say so): nothing of a mail to a reporter stays in the shared mailbox.
        """
        if not save_copy:
            url = f"{self._user_url(self.settings.mailbox)}/sendMail"
            payload = {"message": _json_message(raw, message_id, recipients), "saveToSentItems": False}
            self._http.request("POST", url, f"het verzenden van {message_id}", ok=(202,), json=payload)
            return
        raw = _with_all_recipients(raw, message_id, recipients)
        body = base64.b64encode(raw)
        if len(body) > SENDMAIL_LIMIT:
            raise MailError(
                f"Bericht {message_id} is te groot voor Microsoft Graph ({len(raw) / 1_048_576:.1f} MB; "
                "na base64-codering mag het hoogstens 4 MB zijn).",
                hint="Verklein of verwijder de bijlagen (bijvoorbeeld een link naar het bestand in plaats van "
                "de bijlage).",
            )
        url = f"{self._user_url(self.settings.mailbox)}/sendMail"
        what = f"het verzenden van {message_id}"
        self._http.request("POST", url, what, ok=(202,), data=body, headers={"Content-Type": "text/plain"})

    def was_sent(self, message_id: str) -> bool:
        """True when Sent Items holds a message with this Message-ID."""
        url = f"{self._user_url(self.settings.mailbox)}/mailFolders/sentitems/messages"
        params = {
            "$filter": f"internetMessageId eq {_odata_quote(message_id.strip())}",
            "$select": "id,internetMessageId",
            "$top": "1",
        }
        response = self._http.request("GET", url, "het zoeken in Verzonden items", params=params)
        return bool(response.json().get("value"))

    # receiving

    def list_new(self, mailbox: str = "inbox") -> list[InboundRef]:
        """Messages in the Inbox not yet moved, oldest first (delta query; a plain listing if delta fails)."""
        address = self._address(mailbox)
        try:
            pending = self._sync_delta(address)
        except _DeltaUnsupported:
            pending = self._plain_listing(address)
        ordered = sorted(pending.items(), key=lambda item: item[1])  # stable: server order within a second
        return [InboundRef(mailbox, message_id) for message_id, _ in ordered]

    def fetch_raw(self, ref: InboundRef) -> bytes:
        """The message exactly as received (GET .../messages/{id}/$value)."""
        url = f"{self._user_url(self._address(ref.mailbox))}/messages/{quote(ref.backend_id, safe='')}/$value"
        return bytes(self._http.request("GET", url, "het ophalen van een bericht").content)

    def move_processed(self, ref: InboundRef, *, folder: str | None = None) -> None:
        """Move to the processed folder (or `folder`) under the Inbox (created when missing). Never deletes."""
        address = self._address(ref.mailbox)
        target = self._processed_folder_id(address, folder)
        url = f"{self._user_url(address)}/messages/{quote(ref.backend_id, safe='')}/move"
        what = f"het verplaatsen naar map '{self.settings.processed_folder}'"
        self._http.request("POST", url, what, ok=(200, 201), json={"destinationId": target})
        pending = self._load_pending(address)
        if pending.pop(ref.backend_id, None) is not None:
            self._state.set(self._pending_key(address), json.dumps(pending))

    def list_processed(self, mailbox: str) -> list[InboundRef]:
        """Messages in the processed folder (only the reports' purge of originals uses this)."""
        address = self._address(mailbox)
        url = f"{self._user_url(address)}/mailFolders/{quote(self._processed_folder_id(address), safe='')}/messages"
        params: dict[str, str] | None = {"$select": "id", "$top": "100"}
        refs = []
        while url:
            data = self._http.request("GET", url, "het lezen van de map Verwerkt", params=params).json()
            refs += [InboundRef(mailbox, str(m["id"])) for m in data.get("value") or []]
            url, params = data.get("@odata.nextLink") or "", None
        return refs

    def fetch_processed(self, ref: InboundRef) -> bytes:
        return self.fetch_raw(ref)

    def delete_processed(self, ref: InboundRef) -> None:
        """Delete a processed original for good (permanentDelete): only for issue 12's purge of report originals."""
        url = f"{self._user_url(self._address(ref.mailbox))}/messages/{quote(ref.backend_id, safe='')}/permanentDelete"
        self._http.request("POST", url, "het definitief verwijderen van een origineel", ok=(200, 204))

    def check(self) -> str:
        """Get a token and read the Inbox of each configured mailbox; MailError naming the setting if not."""
        self._http.token()
        counts = []
        for address in filter(None, (self.settings.mailbox, self.settings.reports_mailbox)):
            url = f"{self._user_url(address)}/mailFolders/inbox"
            folder = self._http.request("GET", url, f"het openen van het Postvak IN van {address}").json()
            counts.append(f"{address}: {folder.get('totalItemCount', '?')} berichten in Postvak IN")
        return f"Microsoft Graph via {self.settings.graph_url}: " + "; ".join(counts)

    # delta bookkeeping

    def _delta_key(self, address: str) -> str:
        return f"graph.delta_link.{address.lower()}"

    def _pending_key(self, address: str) -> str:
        return f"graph.pending.{address.lower()}"

    def _load_pending(self, address: str) -> dict[str, str]:
        stored = self._state.get(self._pending_key(address))
        return dict(json.loads(stored)) if stored else {}

    def _sync_delta(self, address: str) -> dict[str, str]:
        link = self._state.get(self._delta_key(address))
        changes, new_link = self._delta_round(address, link)
        if changes is None:  # the stored sync state expired: start a full round
            link = None
            changes, new_link = self._delta_round(address, None)
        pending = self._load_pending(address) if link else {}
        for item in changes:
            if "@removed" in item:
                pending.pop(str(item["id"]), None)
            else:
                pending[str(item["id"])] = str(item.get("receivedDateTime") or "")
        self._state.set(self._pending_key(address), json.dumps(pending))
        self._state.set(self._delta_key(address), new_link)
        return pending

    def _delta_round(self, address: str, link: str | None) -> tuple[Any, str]:
        """All pages of one delta round: (changes, the new delta link); (None, '') when the old link expired."""
        url = link or f"{self._user_url(address)}/mailFolders/inbox/messages/delta"
        params = None if link else {"$select": "id,receivedDateTime"}
        changes: list[dict[str, Any]] = []
        while True:
            response = self._http.request("GET", url, "het lezen van het Postvak IN", ok=_DELTA_OK, params=params)
            if response.status_code != 200:
                if link:  # the sync state expired (410) or the old link no longer works: start over
                    return None, ""
                raise _DeltaUnsupported
            page = response.json()
            changes.extend(page.get("value") or [])
            if "@odata.deltaLink" in page:
                return changes, str(page["@odata.deltaLink"])
            url, params = str(page["@odata.nextLink"]), None

    def _plain_listing(self, address: str) -> dict[str, str]:
        url = f"{self._user_url(address)}/mailFolders/inbox/messages"
        params: dict[str, str] | None = {"$select": "id,receivedDateTime", "$top": "100"}
        found: dict[str, str] = {}
        while url:
            page = self._http.request("GET", url, "het lezen van het Postvak IN", params=params).json()
            found.update({str(m["id"]): str(m.get("receivedDateTime") or "") for m in page.get("value") or []})
            url, params = page.get("@odata.nextLink"), None
        return found

    # the processed folder

    def _processed_folder_id(self, address: str, folder: str | None = None) -> str:
        key = address.lower() if folder is None else f"{address.lower()}/{folder}"
        if key not in self._processed_ids:
            self._processed_ids[key] = self._find_or_create_folder(address, folder)
        return self._processed_ids[key]

    def _find_or_create_folder(self, address: str, folder: str | None = None) -> str:
        name = folder or self.settings.processed_folder
        params = {"$filter": f"displayName eq {_odata_quote(name)}"}
        base = f"{self._user_url(address)}/mailFolders"
        what = f"het zoeken van map '{name}'"
        for url in (f"{base}/inbox/childFolders", base):
            found = self._http.request("GET", url, what, params=params).json().get("value") or []
            if found:
                return str(found[0]["id"])
        response = self._http.request(
            "POST",
            f"{base}/inbox/childFolders",
            f"het aanmaken van map '{name}'",
            ok=(201, 409),
            json={"displayName": name},
        )
        if response.status_code == 409:  # made by someone else in the meantime
            found = self._http.request("GET", f"{base}/inbox/childFolders", what, params=params).json()["value"]
            return str(found[0]["id"])
        return str(response.json()["id"])


_DELTA_OK = (200, 400, 404, 410, 501)


def _json_message(raw: bytes, message_id: str, recipients: list[str]) -> dict[str, object]:
    """The Graph message resource for a MIME message: subject, HTML (or text) body, recipients, attachments."""
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    html = parsed.get_body(("html",)) if hasattr(parsed, "get_body") else None
    text = parsed.get_body(("plain",)) if hasattr(parsed, "get_body") else None
    chosen = html or text
    attachments = [
        {
            "@odata.type": "#microsoft.graph.fileAttachment",
            "name": part.get_filename(),
            "contentBytes": base64.b64encode(_payload(part)).decode("ascii"),
        }
        for part in parsed.iter_attachments()
    ]
    return {
        "subject": str(parsed.get("Subject", "")),
        "body": {
            "contentType": "HTML" if html is not None else "Text",
            "content": chosen.get_content() if chosen is not None else "",
        },
        "toRecipients": [{"emailAddress": {"address": r}} for r in recipients],
        "internetMessageId": message_id.strip(),
        "attachments": attachments,
    }


def _with_all_recipients(raw: bytes, message_id: str, recipients: list[str]) -> bytes:
    """Graph takes the recipients from the MIME headers: add a Bcc header for any recipient not named there."""
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
    if (headers.get("Message-ID") or "").strip() != message_id.strip():
        raise ValueError(f"the message's Message-ID header is not {message_id!r}")
    named = {
        addr.lower()
        for _, addr in email.utils.getaddresses([v for f in ("To", "Cc", "Bcc") for v in headers.get_all(f, [])])
    }
    missing = [r for r in recipients if r.lower() not in named]
    if not missing:
        return raw
    newline = b"\r\n" if b"\r\n" in raw[: raw.find(b"\n") + 1] else b"\n"
    return b"Bcc: " + ", ".join(missing).encode("utf-8") + newline + raw


def _payload(part: Any) -> bytes:
    """The decoded bytes of a MIME part (empty when it has none)."""
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""
