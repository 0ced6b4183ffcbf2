"""The HTTP side of the Graph backend: settings, the msal token, and requests with retries and Dutch errors.

msal and requests are imported only when a session is made, never at toolkit start-up (see toolkit.mail.graph).
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from toolkit.errors import MailError

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
