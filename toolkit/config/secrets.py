"""Secrets: from the environment or the system keyring, never from config.toml.

The keyring is asked at most once per run and name (`from_keyring`), and not at all where it could not answer:
importing `keyring` and letting it discover its backends (an entry-point scan, imports of every platform's
backend) costs 0.1–0.3 s, which an idle nightly would otherwise spend on every start. On Linux and other Unix
systems all of keyring's own stores (Secret Service, KWallet, libsecret) talk to the D-Bus session bus; without
one (`DBUS_SESSION_BUS_ADDRESS`), and without a backend named in `PYTHON_KEYRING_BACKEND` or keyring's
`keyringrc.cfg`, there is no store to ask. A keyring plug-in (such as keyrings.alt) on such a machine is used
once it is named there.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from toolkit.errors import ConfigError

SERVICE = "integrity-toolkit"
SECRETS = {
    "exchange": "INTEGRITY_EXCHANGE_PASSWORD",
    "graph": "INTEGRITY_GRAPH_CLIENT_SECRET",
    "reports": "INTEGRITY_REPORTS_PASSWORD",
    "identity": "INTEGRITY_IDENTITY_PASSWORD",
}
_LOOKED_UP: dict[tuple[str, str], str | None] = {}  # (name, PYTHON_KEYRING_BACKEND) -> value, for this run


def secret(name: str, *, required: bool = True) -> str | None:
    """A secret from the environment, else the system keyring (service 'integrity-toolkit'); never from config.toml."""
    variable = SECRETS[name]
    value = os.environ.get(variable)
    if value:
        return value
    value = from_keyring(variable)
    if value or not required:
        return value
    raise ConfigError(
        f"geheim {variable} ontbreekt.",
        hint=f"zet de omgevingsvariabele {variable}, of bewaar het in de sleutelbos: "
        f"keyring set integrity-toolkit {variable}.",
    )


def from_keyring(variable: str) -> str | None:
    """`variable` from the system keyring (service 'integrity-toolkit'), asked once per run; None when not there."""
    key = (variable, os.environ.get("PYTHON_KEYRING_BACKEND", ""))
    if key not in _LOOKED_UP:
        _LOOKED_UP[key] = _ask_keyring(variable) if keyring_can_answer() else None
    return _LOOKED_UP[key]


def keyring_can_answer() -> bool:
    """False only where keyring would find no store anyway (see the module docstring), decided without importing it."""
    if sys.platform in ("win32", "darwin"):
        return True
    if os.environ.get("PYTHON_KEYRING_BACKEND") or os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return True
    return _keyring_config().exists()


def _keyring_config() -> Path:
    """keyring's own configuration file on Linux and other Unix systems (keyring.util.platform_.config_root)."""
    root = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(root) / "python_keyring" / "keyringrc.cfg"


def _ask_keyring(variable: str) -> str | None:
    try:
        import keyring

        return keyring.get_password(SERVICE, variable)
    except Exception:  # noqa: BLE001 - no usable keyring backend on this machine means: not there
        return None
