"""The loopback Graph server itself: token endpoint, mail endpoints, delta paging, faults, standalone mode."""

from __future__ import annotations

import base64
import signal
import socket
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.loopback.graph import GraphServer, message_id
from tests.loopback.store import INBOX, SENT
from toolkit.mail.graph import GraphBackend, GraphSettings

MAILBOX = "integriteit@woonpartners.example"
TENANT = "tenant-loopback"
CLIENT = "client-loopback"
SECRET = "geheim-123"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[GraphServer]:
    with GraphServer(tmp_path / "store", TENANT, CLIENT, SECRET) as srv:
        yield srv


@pytest.fixture
def http(server: GraphServer) -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.verify = str(server.ca_file)
        session.trust_env = False  # REQUESTS_CA_BUNDLE in the environment would override verify
        yield session


@pytest.fixture
def auth(server: GraphServer, http: requests.Session) -> dict[str, str]:
    token = request_token(server, http, SECRET).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def request_token(server: GraphServer, http: requests.Session, secret: str) -> requests.Response:
    form = {
        "grant_type": "client_credentials",
        "client_id": CLIENT,
        "client_secret": secret,
        "scope": f"{server.base_url}/.default",
    }
    return http.post(f"{server.authority}/oauth2/v2.0/token", data=form)


def user_url(server: GraphServer) -> str:
    return f"{server.graph_url}/users/{MAILBOX}"


def message(n: int, to: str = "jan@woonpartners.example", extra: str = "") -> bytes:
    return (
        f"Message-ID: <m{n}@test.example>\r\nFrom: {MAILBOX}\r\nTo: {to}\r\n{extra}Subject: {n}\r\n\r\nTekst\r\n"
    ).encode()


def pages(http: requests.Session, url: str, headers: dict[str, str]) -> tuple[list[list[dict[str, Any]]], str]:
    """Every page of one delta round and its final delta link."""
    found = []
    while True:
        page = http.get(url, headers=headers).json()
        found.append(page["value"])
        if "@odata.deltaLink" in page:
            return found, page["@odata.deltaLink"]
        url = page["@odata.nextLink"]


def test_discovery_and_token_endpoint_check_the_client_secret(server: GraphServer, http: requests.Session) -> None:
    """The OpenID configuration names the token endpoint, which issues a token only for the right secret."""
    config = http.get(f"{server.authority}/v2.0/.well-known/openid-configuration").json()
    assert config["token_endpoint"] == f"{server.authority}/oauth2/v2.0/token"
    good = request_token(server, http, SECRET)
    assert good.status_code == 200 and good.json()["token_type"] == "Bearer"
    bad = request_token(server, http, "fout")
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_client"
    other_tenant = http.get(f"{server.base_url}/elders/v2.0/.well-known/openid-configuration")
    assert other_tenant.status_code == 400


def test_graph_requires_an_issued_bearer_token(server: GraphServer, http: requests.Session, auth: dict) -> None:
    """Graph answers 401 without a token or with a revoked one, 200 with a valid one."""
    url = f"{user_url(server)}/mailFolders/inbox"
    assert http.get(url).status_code == 401
    assert http.get(url, headers={"Authorization": "Bearer verzonnen"}).status_code == 401
    assert http.get(url, headers=auth).json()["displayName"] == INBOX
    server.revoke_tokens()
    assert http.get(url, headers=auth).status_code == 401


def test_unknown_mailbox_is_404(server: GraphServer, http: requests.Session, auth: dict) -> None:
    """A mailbox that doesn't exist answers 404 ErrorInvalidUser, like Graph."""
    response = http.get(f"{server.graph_url}/users/niemand@woonpartners.example/mailFolders/inbox", headers=auth)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "ErrorInvalidUser"


def test_send_mail_saves_a_copy_and_delivers(server: GraphServer, http: requests.Session, auth: dict) -> None:
    """MIME sendMail stores the exact bytes in Sent Items, delivers locally without Bcc, relays the rest."""
    raw = message(1, to="jan@woonpartners.example, extern@elders.example", extra="Bcc: hr@woonpartners.example\r\n")
    response = http.post(
        f"{user_url(server)}/sendMail", data=base64.b64encode(raw), headers={**auth, "Content-Type": "text/plain"}
    )
    assert response.status_code == 202
    assert server.store.all_messages(MAILBOX, SENT) == [raw]
    assert server.store.all_messages("jan@woonpartners.example", INBOX) == [
        raw.replace(b"Bcc: hr@woonpartners.example\r\n", b"")
    ]
    assert b"Bcc" not in server.store.all_messages("hr@woonpartners.example", INBOX)[0]
    assert [r for r, _ in server.relayed] == ["extern@elders.example"]


def test_send_mail_refuses_json_and_oversized_bodies(server: GraphServer, http: requests.Session, auth: dict) -> None:
    """sendMail answers 400 to a JSON body (only MIME is served) and 413 above 4 MB."""
    as_json = http.post(f"{user_url(server)}/sendMail", json={"message": {}}, headers=auth)
    assert as_json.status_code == 400
    big = base64.b64encode(message(1) + b"x" * 3_200_000)
    too_big = http.post(f"{user_url(server)}/sendMail", data=big, headers={**auth, "Content-Type": "text/plain"})
    assert too_big.status_code == 413
    assert server.store.all_messages(MAILBOX, SENT) == []


def test_messages_filter_and_raw_value(server: GraphServer, http: requests.Session, auth: dict) -> None:
    """$filter on internetMessageId finds one message; its $value is the stored MIME byte for byte."""
    for n in range(3):
        server.store.deliver(MAILBOX, message(n), SENT)
    url = f"{user_url(server)}/mailFolders/sentitems/messages"
    found = http.get(url, params={"$filter": "internetMessageId eq '<m1@test.example>'"}, headers=auth).json()
    assert [m["internetMessageId"] for m in found["value"]] == ["<m1@test.example>"]
    raw = http.get(f"{user_url(server)}/messages/{found['value'][0]['id']}/$value", headers=auth)
    assert raw.content == message(1)
    none = http.get(url, params={"$filter": "internetMessageId eq '<x''y@test.example>'"}, headers=auth).json()
    assert none["value"] == []


def test_delta_pages_then_reports_additions_and_removals(
    server: GraphServer, http: requests.Session, auth: dict
) -> None:
    """A delta round pages with nextLink; the delta link then reports a moved message as removed and a new one."""
    keys = [server.store.deliver(MAILBOX, message(n)) for n in range(12)]
    headers = {**auth, "Prefer": "odata.maxpagesize=5"}
    found, link = pages(http, f"{user_url(server)}/mailFolders/inbox/messages/delta", headers)
    assert [len(p) for p in found] == [5, 5, 2]
    assert [m["id"] for p in found for m in p] == [message_id(INBOX, k) for k in keys]
    target = http.post(
        f"{user_url(server)}/mailFolders/inbox/childFolders", json={"displayName": "Verwerkt"}, headers=auth
    ).json()["id"]
    moved = http.post(
        f"{user_url(server)}/messages/{message_id(INBOX, keys[0])}/move", json={"destinationId": target}, headers=auth
    )
    assert moved.status_code == 201 and moved.json()["parentFolderId"] == target
    assert server.store.all_messages(MAILBOX, "Verwerkt") == [message(0)]
    new_key = server.store.deliver(MAILBOX, message(99))
    changes, _ = pages(http, link, headers)
    flat = [m for p in changes for m in p]
    assert {"id": message_id(INBOX, keys[0]), "@removed": {"reason": "deleted"}} in flat
    assert [m["id"] for m in flat if "@removed" not in m] == [message_id(INBOX, new_key)]
    server.forget_delta_tokens()
    assert http.get(link, headers=auth).status_code == 410


def test_child_folders_are_created_once_and_filtered(server: GraphServer, http: requests.Session, auth: dict) -> None:
    """A child folder of the Inbox is created once (then 409), found by displayName, absent from the top level."""
    url = f"{user_url(server)}/mailFolders/inbox/childFolders"
    created = http.post(url, json={"displayName": "Verwerkt"}, headers=auth)
    assert created.status_code == 201
    assert http.post(url, json={"displayName": "Verwerkt"}, headers=auth).status_code == 409
    found = http.get(url, params={"$filter": "displayName eq 'verwerkt'"}, headers=auth).json()["value"]
    assert [f["id"] for f in found] == [created.json()["id"]]
    top = http.get(f"{user_url(server)}/mailFolders", headers=auth).json()["value"]
    assert "Verwerkt" not in [f["displayName"] for f in top]
    assert server.store.has_folder(MAILBOX, "Verwerkt")


def test_faults_are_injected_for_matching_paths(server: GraphServer, http: requests.Session, auth: dict) -> None:
    """Queued faults hit only matching paths, once each: 429 with Retry-After, then a dropped connection."""
    url = f"{user_url(server)}/mailFolders/inbox"
    server.faults.push("http_429", path_contains="/mailFolders/inbox", retry_after=7)
    server.faults.push("reset", path_contains="/mailFolders/inbox")
    assert http.get(f"{user_url(server)}/mailFolders/sentitems", headers=auth).status_code == 200
    throttled = http.get(url, headers=auth)
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "7"
    with pytest.raises(requests.ConnectionError):
        http.get(url, headers=auth)
    assert http.get(url, headers=auth).status_code == 200
    with pytest.raises(ValueError):
        server.faults.push("http_418")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_standalone_module_prints_config_serves_and_stops_on_sigterm(tmp_path: Path) -> None:
    """`python -m tests.loopback.graph` prints TOML, NAME=value and a blank line, serves it, exits 0 on SIGTERM."""
    port = free_port()
    command = [sys.executable, "-m", "tests.loopback.graph", "--port", str(port), "--store", str(tmp_path / "s")]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)
    try:
        assert process.stdout is not None
        lines = []
        while (line := process.stdout.readline()) not in ("\n", ""):
            lines.append(line)
        toml_lines = [line for line in lines if "=" not in line or not line.split("=", 1)[0].isupper()]
        graph = tomllib.loads("".join(toml_lines))["mail"]["graph"]
        name, _, secret = lines[-1].strip().partition("=")
        assert name == "INTEGRITY_GRAPH_CLIENT_SECRET" and secret
        assert graph["graph_url"] == f"https://127.0.0.1:{port}/v1.0"
        settings = GraphSettings(**graph)
        with GraphBackend(settings, secret, None) as backend:
            assert MAILBOX in backend.check()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
