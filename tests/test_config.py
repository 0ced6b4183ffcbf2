"""config.toml: read once into frozen dataclasses; every problem names the file and the key."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from toolkit.config import load_config, secret
from toolkit.errors import ConfigError


def write_config(root: Path, text: str) -> Path:
    path = root / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in config"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_default_config_loads_with_paths_relative_to_the_file(bare_workspace: Path) -> None:
    """The shipped config.toml is valid and resolves paths against its own folder."""
    config = load_config(bare_workspace / "config.toml")
    assert config.registers_dir == bare_workspace.resolve() / "registers"
    assert config.mail.backend == "folder"
    assert config.gifts.limit == 25.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.gifts.limit = 30  # type: ignore[misc]


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("backups_keep = 10", "backups_keep = 10\nbackup_keep = 3", "registers.backup_keep"),
        ("limit = 25.0", 'limit = "veel"', "gifts.limit"),
        ("max_reminders = 2", 'max_reminders = "twee"', "suppliers.max_reminders"),
        ('hr = "hr@woonpartners.example"', 'hr = "hr-at-woonpartners"', "organisation.hr"),
        ('backend = "folder"', 'backend = "smtp"', "backend"),
        ("include_rvc = true", 'include_rvc = "nee"', "raffle.include_rvc"),
        ('nightly_at = "02:00"', 'nightly_at = "25:99"', "scheduler.nightly_at"),
        ('registers = "registers"', 'registers = "bestaat-niet"', "paths.registers"),
        ('timezone = "Europe/Amsterdam"', 'timezone = "Mars/Olympus"', "organisation.timezone"),
    ],
)
def test_bad_values_name_file_and_key(bare_workspace: Path, old: str, new: str, key: str) -> None:
    """An unknown key, a wrong type, a bad address or a missing path names the file and the key."""
    path = bare_workspace / "config.toml"
    edit(path, old, new)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message
    assert key in message


def test_missing_required_key_is_named(bare_workspace: Path) -> None:
    """Leaving out a required key says which one and where to add it."""
    path = bare_workspace / "config.toml"
    edit(path, 'director = "directeur@woonpartners.example"', "")
    with pytest.raises(ConfigError, match=r"organisation\.director' ontbreekt"):
        load_config(path)


def test_exchange_backend_needs_its_section(bare_workspace: Path) -> None:
    """Choosing the exchange backend without [mail.exchange] is a config error naming the section."""
    path = bare_workspace / "config.toml"
    edit(path, 'backend = "folder"', 'backend = "exchange"')
    with pytest.raises(ConfigError, match=r"\[mail\.exchange\]"):
        load_config(path)


def test_missing_file_and_broken_toml_are_clear(tmp_path: Path) -> None:
    """A missing config file and invalid TOML are errors that say what to do."""
    with pytest.raises(ConfigError, match="integrity init"):
        load_config(tmp_path / "config.toml")
    broken = write_config(tmp_path, "[organisation\nname = 1")
    with pytest.raises(ConfigError, match="geen geldige TOML"):
        load_config(broken)


def test_secrets_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A secret is read from its environment variable; a missing one names the variable."""
    monkeypatch.setenv("INTEGRITY_EXCHANGE_PASSWORD", "geheim")
    assert secret("exchange") == "geheim"
    monkeypatch.delenv("INTEGRITY_EXCHANGE_PASSWORD")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    with pytest.raises(ConfigError, match="INTEGRITY_EXCHANGE_PASSWORD"):
        secret("exchange")


def test_secret_keys_are_refused_in_config(bare_workspace: Path) -> None:
    """A password written into config.toml is an unknown key, not silently used."""
    path = bare_workspace / "config.toml"
    edit(path, "[mail.folder]", '[mail.folder]\npassword = "geheim"')
    with pytest.raises(ConfigError, match="mail.folder.password"):
        load_config(path)
