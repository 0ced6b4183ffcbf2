"""The loopback EWS server itself: authentication, fault injection and the standalone command."""

from __future__ import annotations

import base64
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import requests

from tests.loopback.ews import EwsServer

USER = "integriteit@woonpartners.example"
FIND_INBOX = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"'
    ' xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"'
    ' xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><s:Body>'
    '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>'
    '<m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds></m:FindItem>'
    "</s:Body></s:Envelope>"
)


def post(server: EwsServer, password: str) -> requests.Response:
    token = base64.b64encode(f"{USER}:{password}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "Content-Type": "text/xml; charset=utf-8"}
    return requests.post(server.url, data=FIND_INBOX.encode(), headers=headers, timeout=5)


def test_basic_credentials_are_checked(tmp_path: Path) -> None:
    """A wrong password gets 401 with a Basic challenge; the right one gets a SOAP answer with the server version."""
    with EwsServer(tmp_path, {USER: "goed"}) as server:
        server.store.create_folder(USER, "Inbox")
        refused = post(server, "fout")
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"].startswith("Basic")
        answered = post(server, "goed")
        assert answered.status_code == 200
        assert b"ServerVersionInfo" in answered.content
        assert b'TotalItemsInView="0"' in answered.content
        assert server.operations == ["FindItem"]


def test_faults_apply_to_their_operation_and_count(tmp_path: Path) -> None:
    """A fault limited to an operation hits only that operation, as many times as pushed."""
    with EwsServer(tmp_path, {USER: "pw"}) as server:
        server.store.create_folder(USER, "Inbox")
        server.faults.push("http_503", count=2, operation="FindItem", retry_after=7)
        server.faults.push("server_busy", operation="CreateItem", back_off_ms=250)
        first, second, third = (post(server, "pw") for _ in range(3))
        assert (first.status_code, first.headers["Retry-After"]) == (503, "7")
        assert second.status_code == 503
        assert third.status_code == 200
        assert server.faults.pending() == 1


def test_reset_closes_without_answer(tmp_path: Path) -> None:
    """The reset fault drops the connection without any HTTP response."""
    with EwsServer(tmp_path, {USER: "pw"}) as server:
        server.faults.push("reset")
        with pytest.raises(requests.ConnectionError):
            post(server, "pw")


def test_only_loopback_addresses_are_accepted(tmp_path: Path) -> None:
    """The server refuses to bind anywhere but 127.0.0.1."""
    with pytest.raises(ValueError, match="127.0.0.1"):
        EwsServer(tmp_path, {USER: "pw"}, host="0.0.0.0")


def test_standalone_prints_toml_and_secret_then_exits_on_sigterm(tmp_path: Path) -> None:
    """`python -m tests.loopback.ews` prints a [mail.exchange] section, the password line and a blank line."""
    command = [sys.executable, "-m", "tests.loopback.ews", "--port", "0", "--store", str(tmp_path / "store")]
    repo = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen(command, cwd=repo, stdout=subprocess.PIPE, text=True)
    try:
        lines = []
        while (line := proc.stdout.readline()) not in ("\n", ""):
            lines.append(line)
        *section, secret = lines
        config = tomllib.loads("".join(section))["mail"]["exchange"]
        name, _, password = secret.strip().partition("=")
        assert name == "INTEGRITY_EXCHANGE_PASSWORD"
        assert config["endpoint"].startswith("http://127.0.0.1:")
        assert (config["username"], config["auth"], config["processed_folder"]) == (USER, "basic", "Verwerkt")
        token = base64.b64encode(f"{config['username']}:{password}".encode()).decode()
        answer = requests.post(
            config["endpoint"], data=FIND_INBOX.encode(), headers={"Authorization": f"Basic {token}"}, timeout=5
        )
        assert answer.status_code == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
