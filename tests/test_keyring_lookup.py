"""The keyring is asked only where it can answer, once per run, and a run that writes audit lines still signs them."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fixtures.fixed_keyring import AUDIT_KEY

REPO = Path(__file__).resolve().parent.parent
RUN = """
import json, sys
from pathlib import Path
from toolkit.audit import AuditTrail

trail = AuditTrail(Path(sys.argv[1]))
trail.record("job.nightly", actor="test", ok=1)
trail.record("job.nightly", actor="test", ok=1)
line = json.loads(Path(sys.argv[1]).read_text().splitlines()[-1])
print(json.dumps({"keyring": "keyring" in sys.modules, "ok": trail.verify().ok, "hash": line["hash"], "mac": line["mac"]}))
"""


def run(tmp_path: Path, **env: str) -> dict[str, object]:
    """Two audit lines in a fresh process whose environment is only `env` (plus what Python needs)."""
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "SYSTEMROOT", "LANG")}
    child_env = {**base, "PYTHONPATH": str(REPO), "INTEGRITY_ANCHOR_DIR": str(tmp_path / "anker"), **env}
    child_env.setdefault("XDG_CONFIG_HOME", str(tmp_path / "config"))
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(tmp_path / "audit.jsonl")],
        cwd=REPO,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


def test_without_a_session_bus_or_keyring_setting_keyring_is_not_even_imported(tmp_path: Path) -> None:
    """No D-Bus session, no PYTHON_KEYRING_BACKEND, no keyringrc.cfg: the key comes from the anchor folder, keyring stays unloaded."""
    if sys.platform in ("win32", "darwin"):
        return  # there the platform's own store can always answer
    outcome = run(tmp_path)
    assert outcome["keyring"] is False and outcome["ok"] is True
    key = bytes.fromhex((tmp_path / "anker" / "audit.key").read_text().strip())
    assert outcome["mac"] == hmac.new(key, str(outcome["hash"]).encode(), hashlib.sha256).hexdigest()


def test_a_named_keyring_backend_supplies_the_audit_key(tmp_path: Path) -> None:
    """With PYTHON_KEYRING_BACKEND set, the key in that keyring signs the lines (and no audit.key file is made)."""
    outcome = run(tmp_path, PYTHON_KEYRING_BACKEND="tests.fixtures.fixed_keyring.FixedKeyring")
    assert outcome["keyring"] is True and outcome["ok"] is True
    expected = hmac.new(AUDIT_KEY.encode(), str(outcome["hash"]).encode(), hashlib.sha256).hexdigest()
    assert outcome["mac"] == expected
    assert not (tmp_path / "anker" / "audit.key").exists()


def test_a_keyringrc_or_a_session_bus_means_keyring_is_asked(tmp_path: Path) -> None:
    """keyring's own config file, or a D-Bus session bus, sends the lookup to keyring (which finds no key here)."""
    rc = tmp_path / "config" / "python_keyring" / "keyringrc.cfg"
    rc.parent.mkdir(parents=True)
    rc.write_text("[backend]\ndefault-keyring=keyring.backends.null.Keyring\n")
    assert run(tmp_path)["keyring"] is True
    bus = run(tmp_path, XDG_CONFIG_HOME=str(tmp_path / "leeg"), DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent")
    assert bus["keyring"] is True and bus["ok"] is True
