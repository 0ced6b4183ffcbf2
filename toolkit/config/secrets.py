"""Secrets: from the environment or the system keyring, never from config.toml."""

from __future__ import annotations

import os

from toolkit.errors import ConfigError

SECRETS = {
    "exchange": "INTEGRITY_EXCHANGE_PASSWORD",
    "graph": "INTEGRITY_GRAPH_CLIENT_SECRET",
    "reports": "INTEGRITY_REPORTS_PASSWORD",
    "identity": "INTEGRITY_IDENTITY_PASSWORD",
}


def secret(name: str, *, required: bool = True) -> str | None:
    """A secret from the environment, else the system keyring (service 'integrity-toolkit'); never from config.toml."""
    variable = SECRETS[name]
    value = os.environ.get(variable)
    if value:
        return value
    value = _from_keyring(variable)
    if value or not required:
        return value
    raise ConfigError(
        f"geheim {variable} ontbreekt.",
        hint=f"zet de omgevingsvariabele {variable}, of bewaar het in de sleutelbos: "
        f"keyring set integrity-toolkit {variable}.",
    )


def _from_keyring(variable: str) -> str | None:
    try:
        import keyring

        return keyring.get_password("integrity-toolkit", variable)
    except Exception:  # noqa: BLE001 - no usable keyring backend on this machine means: not there
        return None
