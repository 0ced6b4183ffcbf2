"""A loopback Microsoft Graph (mail) and Entra ID token endpoint over HTTPS on 127.0.0.1, backed by a MailStore.

msal only accepts https authorities, so the server speaks TLS with a throw-away CA written to a temporary
directory (`GraphServer.ca_file`); clients trust it through `[mail.graph] ca_bundle`.

Folders are the store's flat Maildirs: DIR/<mailbox>/<folder>/. The well-known folders (Inbox, Sent Items,
Drafts, Deleted Items, Archive) sit at the top; the parent of any other folder is kept in
DIR/<mailbox>/.graph-folders.json (a folder without an entry there is shown at the top level).

Run standalone: `python -m tests.loopback.graph --port P --store DIR`.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime as dt
import email
import email.policy
import email.utils
import itertools
import json
import re
import secrets
import shutil
import signal
import socket
import ssl
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from tests.loopback.store import INBOX, SENT, MailStore

DEFAULT_MAILBOX = "integriteit@woonpartners.example"
DEFAULT_PROCESSED = "Verwerkt"
SENDMAIL_LIMIT = 4 * 1024 * 1024  # Graph's request size limit for sendMail with MIME
WELL_KNOWN = {
    "inbox": INBOX,
    "sentitems": SENT,
    "drafts": "Drafts",
    "deleteditems": "Deleted Items",
    "archive": "Archive",
}
FAULT_KINDS = ("http_429", "http_503", "http_401", "reset")
DEFAULT_PAGE_SIZE = 10


# --- TLS -------------------------------------------------------------------------------------------------------


def write_tls_files(directory: Path) -> tuple[Path, Path, Path]:
    """Create a CA and a 127.0.0.1 server certificate signed by it; returns (ca.pem, cert.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Loopback Graph test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(_loopback_ip())]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    paths = (directory / "ca.pem", directory / "cert.pem", directory / "key.pem")
    paths[0].write_bytes(ca_cert.public_bytes(pem))
    paths[1].write_bytes(cert.public_bytes(pem))
    paths[2].write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )
    return paths


def _loopback_ip() -> Any:
    import ipaddress

    return ipaddress.ip_address("127.0.0.1")


# --- faults ----------------------------------------------------------------------------------------------------


@dataclass
class _Fault:
    kind: str
    remaining: int
    path_contains: str | None
    retry_after: int


class FaultQueue:
    """Faults to inject into the next matching requests, in the order pushed."""

    def __init__(self) -> None:
        self._faults: list[_Fault] = []
        self._lock = threading.Lock()

    def push(self, kind: str, count: int = 1, path_contains: str | None = None, retry_after: int = 1) -> None:
        """Queue `count` faults of `kind` (http_429, http_503, http_401, reset) for paths containing a text."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; use one of {FAULT_KINDS}")
        with self._lock:
            self._faults.append(_Fault(kind, count, path_contains, retry_after))

    def take(self, path: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.remaining > 0 and (fault.path_contains is None or fault.path_contains in path):
                    fault.remaining -= 1
                    return fault
            return None

    def pending(self) -> int:
        with self._lock:
            return sum(f.remaining for f in self._faults)


# --- ids -------------------------------------------------------------------------------------------------------


def _encode(prefix: str, text: str) -> str:
    return prefix + base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def _decode(prefix: str, value: str) -> str | None:
    if not value.startswith(prefix):
        return None
    body = value[len(prefix) :]
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None


def folder_id(folder: str) -> str:
    """The Graph id the server gives a store folder."""
    return _encode("fld-", folder)


def message_id(folder: str, key: str) -> str:
    """The Graph id the server gives a message: stable for a maildir key in a folder (changes on move)."""
    return _encode("msg-", f"{folder}\x00{key}")


def _split_message_id(value: str) -> tuple[str, str] | None:
    decoded = _decode("msg-", value)
    if decoded is None or "\x00" not in decoded:
        return None
    folder, key = decoded.split("\x00", 1)
    return folder, key


# --- the HTTP layer --------------------------------------------------------------------------------------------


class GraphError(Exception):
    """An error answer in Graph's shape: {"error": {"code", "message"}}."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def _json(status: int, payload: Any) -> Reply:
    return Reply(status, json.dumps(payload).encode("utf-8"))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def setup(self) -> None:
        self.request.settimeout(10)
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # headers and body go out separately
        self.request.do_handshake()
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        self._handle("POST")

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        app = self.server.app
        app.record(method, self.path)
        fault = app.faults.take(self.path)
        if fault is not None and fault.kind == "reset":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        reply = _fault_reply(fault) if fault is not None else app.dispatch(method, self.path, self.headers, body)
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)


def _fault_reply(fault: _Fault) -> Reply:
    if fault.kind == "http_401":
        return _json(401, {"error": {"code": "InvalidAuthenticationToken", "message": "Access token has expired."}})
    status, code = (429, "TooManyRequests") if fault.kind == "http_429" else (503, "ServiceUnavailable")
    reply = _json(status, {"error": {"code": code, "message": "Please retry after the indicated time."}})
    reply.headers["Retry-After"] = str(fault.retry_after)
    return reply


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    app: GraphServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # a client that drops the connection or rejects the certificate is not the server's problem


# --- the server ------------------------------------------------------------------------------------------------


class GraphServer:
    """Loopback Graph mail API + client-credentials token endpoint; use as a context manager."""

    def __init__(
        self,
        store_root: Path,
        tenant_id: str,
        client_id: str,
        client_secret: str,
        port: int = 0,
        mailboxes: tuple[str, ...] = (DEFAULT_MAILBOX,),
    ) -> None:
        self.store = MailStore(Path(store_root))
        self.tenant_id = tenant_id
        self.client_id = client_id
        self.client_secret = client_secret
        self.faults = FaultQueue()
        self.delta_supported = True
        self.requests: list[tuple[str, str]] = []
        self.token_requests = 0
        self.relayed: list[tuple[str, bytes]] = []  # (recipient, raw) for recipients without a local mailbox
        self._tokens: set[str] = set()
        self._delta_states: dict[str, frozenset[str]] = {}
        self._rounds: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.RLock()
        self._counter = itertools.count(1)
        for address in mailboxes:
            self.add_mailbox(address)
        self._tls_dir = Path(tempfile.mkdtemp(prefix="loopback-graph-tls-"))
        self.ca_file, cert, key = write_tls_files(self._tls_dir)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self._httpd = _HTTPServer(("127.0.0.1", port), _Handler)
        self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True, do_handshake_on_connect=False)
        self._httpd.app = self
        self.port: int = self._httpd.server_address[1]
        self._thread: threading.Thread | None = None

    # lifecycle

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def authority(self) -> str:
        return f"{self.base_url}/{self.tenant_id}"

    @property
    def graph_url(self) -> str:
        return f"{self.base_url}/v1.0"

    def start(self) -> GraphServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="loopback-graph", daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()
        shutil.rmtree(self._tls_dir, ignore_errors=True)

    def __enter__(self) -> GraphServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # test helpers

    def add_mailbox(self, address: str) -> None:
        """Make a mailbox known (with its Inbox and Sent Items)."""
        self.store.create_folder(address, INBOX)
        self.store.create_folder(address, SENT)

    def revoke_tokens(self) -> None:
        """Make every issued access token invalid (as if expired)."""
        with self._lock:
            self._tokens.clear()

    def forget_delta_tokens(self) -> None:
        """Drop every delta sync state, so old delta links answer 410 Gone."""
        with self._lock:
            self._delta_states.clear()

    def record(self, method: str, path: str) -> None:
        with self._lock:
            self.requests.append((method, path))

    # dispatch

    def dispatch(self, method: str, raw_path: str, headers: Any, body: bytes) -> Reply:
        parts = urlsplit(raw_path)
        segments = [unquote(s) for s in parts.path.split("/") if s]
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        try:
            if segments[:1] == ["v1.0"]:
                self._authorize(headers)
                return self._graph(method, segments[1:], query, headers, body)
            return self._identity(method, segments, body, headers)
        except GraphError as err:
            return _json(err.status, {"error": {"code": err.code, "message": err.message}})

    # identity platform

    def _identity(self, method: str, segments: list[str], body: bytes, headers: Any) -> Reply:
        if not segments or segments[0] != self.tenant_id:
            return _json(400, {"error": "invalid_tenant", "error_description": "AADSTS90002: Tenant not found."})
        rest = segments[1:]
        if method == "GET" and rest == ["v2.0", ".well-known", "openid-configuration"]:
            return _json(200, self._openid_configuration())
        if method == "POST" and rest == ["oauth2", "v2.0", "token"]:
            return self._token(body, headers)
        raise GraphError(404, "NotFound", "Unknown identity endpoint.")

    def _openid_configuration(self) -> dict[str, Any]:
        base = f"{self.base_url}/{self.tenant_id}"
        return {
            "issuer": f"{base}/v2.0",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "jwks_uri": f"{base}/discovery/v2.0/keys",
            "response_types_supported": ["code", "id_token", "token"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "tenant_region_scope": "EU",
        }

    def _token(self, body: bytes, headers: Any) -> Reply:
        with self._lock:
            self.token_requests += 1
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
        client_id, secret = _basic_credentials(headers.get("Authorization"))
        client_id = form.get("client_id", client_id)
        secret = form.get("client_secret", secret)
        if form.get("grant_type") != "client_credentials" or not form.get("scope", "").endswith("/.default"):
            return _json(400, {"error": "invalid_request", "error_description": "AADSTS900144: bad request."})
        if client_id != self.client_id:
            description = f"AADSTS700016: Application with identifier '{client_id}' was not found in the directory."
            return _json(400, {"error": "unauthorized_client", "error_description": description})
        if secret != self.client_secret:
            description = "AADSTS7000215: Invalid client secret provided."
            return _json(401, {"error": "invalid_client", "error_description": description, "error_codes": [7000215]})
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens.add(token)
        return _json(200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token})

    def _authorize(self, headers: Any) -> None:
        value = headers.get("Authorization") or ""
        token = value[7:] if value.startswith("Bearer ") else ""
        with self._lock:
            if token not in self._tokens:
                raise GraphError(401, "InvalidAuthenticationToken", "Access token is empty or invalid.")

    # graph

    def _graph(self, method: str, segments: list[str], query: dict[str, str], headers: Any, body: bytes) -> Reply:
        if len(segments) < 3 or segments[0] != "users":
            raise GraphError(400, "BadRequest", "Unsupported Graph path.")
        address = self._mailbox(segments[1])
        rest = segments[2:]
        if method == "POST" and rest == ["sendMail"]:
            return self._send_mail(address, headers, body)
        if rest[0] == "mailFolders":
            return self._folders(method, address, rest[1:], query, headers, body)
        if rest[0] == "messages" and len(rest) >= 2:
            return self._message(method, address, rest[1], rest[2:], body)
        raise GraphError(400, "BadRequest", "Unsupported Graph path.")

    def _mailbox(self, user: str) -> str:
        address = user.lower()
        if address not in self.store.mailboxes():
            raise GraphError(404, "ErrorInvalidUser", f"The requested user '{user}' is invalid.")
        return address

    def _folders(
        self, method: str, address: str, rest: list[str], query: dict[str, str], headers: Any, body: bytes
    ) -> Reply:
        if not rest:
            if method == "POST":
                return self._create_folder(address, "", body)
            return self._list_folders(address, "", query)
        folder = self._resolve_folder(address, rest[0])
        tail = rest[1:]
        if not tail and method == "GET":
            return _json(200, self._folder_json(address, folder))
        if tail == ["childFolders"]:
            if method == "POST":
                return self._create_folder(address, folder, body)
            return self._list_folders(address, folder, query)
        if tail == ["messages"] and method == "GET":
            return self._list_messages(address, folder, query, headers)
        if tail == ["messages", "delta"] and method == "GET":
            return self._delta(address, folder, query, headers)
        raise GraphError(400, "BadRequest", "Unsupported mailFolders path.")

    def _resolve_folder(self, address: str, ident: str) -> str:
        name = WELL_KNOWN.get(ident.lower()) or _decode("fld-", ident)
        if name is None or not self.store.has_folder(address, name):
            raise GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")
        return name

    # folder hierarchy

    def _parents_file(self, address: str) -> Path:
        return self.store.root / address / ".graph-folders.json"

    def _parents(self, address: str) -> dict[str, str]:
        path = self._parents_file(address)
        return json.loads(path.read_text("utf-8")) if path.exists() else {}

    def parent_of(self, address: str, folder: str) -> str:
        """The parent folder's name ('' for the top level)."""
        if folder in WELL_KNOWN.values():
            return ""
        return self._parents(address.lower()).get(folder, "")

    def _folder_json(self, address: str, folder: str) -> dict[str, Any]:
        parent = self.parent_of(address, folder)
        children = [f for f in self.store.folders(address) if f != folder and self.parent_of(address, f) == folder]
        count = len(self.store.keys(address, folder))
        return {
            "id": folder_id(folder),
            "displayName": folder,
            "parentFolderId": folder_id(parent) if parent else "fld-root",
            "childFolderCount": len(children),
            "unreadItemCount": count,
            "totalItemCount": count,
        }

    def _list_folders(self, address: str, parent: str, query: dict[str, str]) -> Reply:
        wanted = _filter_value(query.get("$filter", ""), "displayName")
        folders = [f for f in self.store.folders(address) if self.parent_of(address, f) == parent]
        if wanted is not None:
            folders = [f for f in folders if f.lower() == wanted.lower()]
        return _json(200, {"value": [self._folder_json(address, f) for f in folders]})

    def _create_folder(self, address: str, parent: str, body: bytes) -> Reply:
        name = str(_json_body(body).get("displayName") or "").strip()
        if not name or "/" in name or name.startswith("."):
            raise GraphError(400, "ErrorInvalidRequest", "displayName is missing or invalid.")
        with self._lock:
            if self.store.has_folder(address, name):
                raise GraphError(409, "ErrorFolderExists", "A folder with the specified name already exists.")
            self.store.create_folder(address, name)
            if parent:
                parents = self._parents(address)
                parents[name] = parent
                self._parents_file(address).write_text(json.dumps(parents, indent=1), "utf-8")
        return _json(201, self._folder_json(address, name))

    # messages

    def _message_json(self, address: str, folder: str, key: str, select: str | None) -> dict[str, Any]:
        raw = self.store.get(address, folder, key)
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        full = {
            "id": message_id(folder, key),
            "internetMessageId": (msg.get("Message-ID") or "").strip(),
            "subject": str(msg.get("Subject") or ""),
            "receivedDateTime": self._received(address, folder, key),
            "parentFolderId": folder_id(folder),
        }
        return _select(full, select)

    def _received(self, address: str, folder: str, key: str) -> str:
        directory = self.store.root / address / folder
        for sub in ("new", "cur"):
            for path in (directory / sub).glob(f"{key}*"):
                stamp = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
                return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
        return "1970-01-01T00:00:00Z"

    def _list_messages(self, address: str, folder: str, query: dict[str, str], headers: Any) -> Reply:
        wanted = _filter_value(query.get("$filter", ""), "internetMessageId")
        items = [self._message_json(address, folder, k, None) for k in self.store.keys(address, folder)]
        if wanted is not None:
            items = [i for i in items if i["internetMessageId"] == wanted]
        items = [_select(i, query.get("$select")) for i in items]
        skip = int(query.get("$skip") or 0)
        size = _page_size(query, headers)
        page = items[skip : skip + size]
        payload: dict[str, Any] = {"value": page}
        if skip + size < len(items):
            rest = {k: v for k, v in query.items() if k != "$skip"}
            rest["$skip"] = str(skip + size)
            base = f"{self.graph_url}/users/{quote(address)}/mailFolders/{folder_id(folder)}/messages"
            payload["@odata.nextLink"] = base + "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in rest.items())
        return _json(200, payload)

    def _delta(self, address: str, folder: str, query: dict[str, str], headers: Any) -> Reply:
        if not self.delta_supported:
            raise GraphError(400, "ErrorInvalidRequest", "Delta is not supported for this folder.")
        base = f"{self.graph_url}/users/{quote(address)}/mailFolders/{folder_id(folder)}/messages/delta"
        if "$skiptoken" in query:
            round_id, _, offset = query["$skiptoken"].partition(".")
            return self._delta_page(base, round_id, int(offset or 0), _page_size(query, headers))
        keys = self.store.keys(address, folder)
        current = {message_id(folder, k): k for k in keys}
        with self._lock:
            if "$deltatoken" in query:
                previous = self._delta_states.get(query["$deltatoken"])
                if previous is None:
                    raise GraphError(410, "SyncStateNotFound", "The sync state generation is not found.")
            else:
                previous = frozenset()
        changes = [
            self._message_json(address, folder, current[i], query.get("$select")) for i in current if i not in previous
        ]
        changes += [{"id": i, "@removed": {"reason": "deleted"}} for i in sorted(previous - current.keys())]
        round_id = f"r{next(self._counter)}"
        with self._lock:
            self._rounds[round_id] = changes
            self._delta_states[round_id] = frozenset(current)
        return self._delta_page(base, round_id, 0, _page_size(query, headers))

    def _delta_page(self, base: str, round_id: str, offset: int, size: int) -> Reply:
        with self._lock:
            changes = self._rounds.get(round_id)
        if changes is None:
            raise GraphError(410, "SyncStateNotFound", "The sync state generation is not found.")
        payload: dict[str, Any] = {"value": changes[offset : offset + size]}
        if offset + size < len(changes):
            payload["@odata.nextLink"] = f"{base}?$skiptoken={round_id}.{offset + size}"
        else:
            payload["@odata.deltaLink"] = f"{base}?$deltatoken={round_id}"
        return _json(200, payload)

    def _message(self, method: str, address: str, ident: str, tail: list[str], body: bytes) -> Reply:
        located = _split_message_id(ident)
        if located is None:
            raise GraphError(400, "ErrorInvalidIdMalformed", "Id is malformed.")
        folder, key = located
        try:
            raw = self.store.get(address, folder, key)
        except (KeyError, FileNotFoundError) as err:
            raise GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.") from err
        if method == "GET" and tail == ["$value"]:
            return Reply(200, raw, content_type="message/rfc822")
        if method == "GET" and not tail:
            return _json(200, self._message_json(address, folder, key, None))
        if method == "POST" and tail == ["move"]:
            target = self._resolve_folder(address, str(_json_body(body).get("destinationId") or ""))
            new_key = self.store.move(address, key, folder, target)
            return _json(201, self._message_json(address, target, new_key, None))
        if method == "POST" and tail == ["permanentDelete"]:
            self.store.delete(address, folder, key)
            return Reply(204)
        raise GraphError(400, "BadRequest", "Unsupported messages path.")

    # sending

    def _send_mail(self, address: str, headers: Any, body: bytes) -> Reply:
        if (headers.get("Content-Type") or "").startswith("application/json"):
            return self._send_json_mail(address, _json_body(body))
        if not (headers.get("Content-Type") or "").startswith("text/plain"):
            raise GraphError(400, "ErrorInvalidRequest", "This test server only accepts MIME (text/plain) sendMail.")
        if len(body) > SENDMAIL_LIMIT:
            raise GraphError(413, "ErrorRequestEntityTooLarge", "The request exceeds the 4 MB limit.")
        try:
            raw = base64.b64decode(body, validate=False)
        except binascii.Error as err:
            raise GraphError(
                400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content."
            ) from err
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        recipients = _addresses(msg, ("To", "Cc", "Bcc"))
        if not recipients:
            raise GraphError(400, "ErrorInvalidRecipients", "At least one recipient isn't valid.")
        self.store.deliver(address, raw, SENT)
        delivered = _without_bcc(raw) if msg.get("Bcc") else raw
        for recipient in recipients:
            if self._is_local(address, recipient):
                self.add_mailbox(recipient)
                self.store.deliver(recipient, delivered, INBOX)
            else:
                with self._lock:
                    self.relayed.append((recipient, delivered))
        return Reply(202)

    def _send_json_mail(self, address: str, request: dict[str, Any]) -> Reply:
        """The JSON form of sendMail: built into MIME like Exchange does; `saveToSentItems: false` keeps no copy."""
        from email.message import EmailMessage

        data = request.get("message") or {}
        recipients = [r["emailAddress"]["address"] for r in data.get("toRecipients") or []]
        if not recipients:
            raise GraphError(400, "ErrorInvalidRecipients", "At least one recipient isn't valid.")
        msg = EmailMessage()
        msg["From"] = address
        msg["To"] = ", ".join(recipients)
        msg["Subject"] = data.get("subject") or ""
        msg["Message-ID"] = data.get("internetMessageId") or f"<{len(self.relayed)}@loopback>"
        body = data.get("body") or {}
        subtype = "html" if str(body.get("contentType", "")).lower() == "html" else "plain"
        msg.set_content(body.get("content") or "", subtype=subtype)
        raw = msg.as_bytes()
        if request.get("saveToSentItems", True):
            self.store.deliver(address, raw, SENT)
        for recipient in recipients:
            if self._is_local(address, recipient):
                self.add_mailbox(recipient)
                self.store.deliver(recipient, raw, INBOX)
            else:
                with self._lock:
                    self.relayed.append((recipient, raw))
        return Reply(202)

    def _is_local(self, sender: str, recipient: str) -> bool:
        same_domain = recipient.rpartition("@")[2] == sender.rpartition("@")[2]
        return same_domain or recipient in self.store.mailboxes()


# --- small parsers ---------------------------------------------------------------------------------------------


def _basic_credentials(header: str | None) -> tuple[str | None, str | None]:
    if not header or not header.startswith("Basic "):
        return None, None
    from urllib.parse import unquote_plus

    decoded = base64.b64decode(header[6:]).decode("utf-8")
    user, _, password = decoded.partition(":")
    return unquote_plus(user), unquote_plus(password)


def _filter_value(expression: str, prop: str) -> str | None:
    """The quoted value in "<prop> eq '...'" (OData doubles a single quote inside), or None."""
    match = re.fullmatch(rf"\s*{prop}\s+eq\s+'((?:[^']|'')*)'\s*", expression)
    return match.group(1).replace("''", "'") if match else None


def _select(item: dict[str, Any], select: str | None) -> dict[str, Any]:
    if not select:
        return item
    fields = {"id", *(f.strip() for f in select.split(","))}
    return {k: v for k, v in item.items() if k in fields}


def _page_size(query: dict[str, str], headers: Any) -> int:
    match = re.search(r"odata\.maxpagesize=(\d+)", headers.get("Prefer") or "")
    value = query.get("$top") or (match.group(1) if match else None)
    return max(1, int(value)) if value else DEFAULT_PAGE_SIZE


def _json_body(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body or b"{}")
    except ValueError as err:
        raise GraphError(400, "BadRequest", "Body is not JSON.") from err
    return value if isinstance(value, dict) else {}


def _addresses(msg: email.message.Message, fields: tuple[str, ...]) -> list[str]:
    values = [v for name in fields for v in msg.get_all(name, [])]
    found = [addr.lower() for _, addr in email.utils.getaddresses(values) if addr]
    return list(dict.fromkeys(found))


def _without_bcc(raw: bytes) -> bytes:
    head, sep, body = raw.partition(b"\r\n\r\n") if b"\r\n\r\n" in raw else raw.partition(b"\n\n")
    lines: list[bytes] = []
    skipping = False
    for line in head.splitlines(keepends=True):
        if line[:1] in (b" ", b"\t") and skipping:
            continue
        skipping = line.lower().startswith(b"bcc:")
        if not skipping:
            lines.append(line)
    return b"".join(lines) + sep + body


# --- standalone ------------------------------------------------------------------------------------------------


def config_section(server: GraphServer, mailbox: str = DEFAULT_MAILBOX, processed: str = DEFAULT_PROCESSED) -> str:
    """The [mail.graph] TOML section that points the toolkit at this server."""
    lines = [
        "[mail.graph]",
        f'tenant_id = "{server.tenant_id}"',
        f'client_id = "{server.client_id}"',
        f'mailbox = "{mailbox}"',
        f'processed_folder = "{processed}"',
        f'authority = "{server.authority}"',
        f'graph_url = "{server.graph_url}"',
        f"ca_bundle = {json.dumps(str(server.ca_file))}",
    ]
    return "\n".join(lines)


def _iter_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Loopback Microsoft Graph mail server for tests.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--store", type=Path, required=True)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _iter_args(argv)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    tenant = f"tenant-{secrets.token_hex(4)}"
    client = f"client-{secrets.token_hex(4)}"
    with GraphServer(args.store, tenant, client, secrets.token_urlsafe(18), port=args.port) as server:
        sys.stdout.write(config_section(server) + "\n")
        sys.stdout.write(f"INTEGRITY_GRAPH_CLIENT_SECRET={server.client_secret}\n\n")
        sys.stdout.flush()
        while not stop.wait(0.2):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
