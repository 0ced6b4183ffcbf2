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
    with pytest.raises(ConfigError, match=r"regel 5, sleutel 'organisation\.director': ontbreekt"):
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


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("[organisation]", "[organisation", 5, "een sectienaam moet eindigen met ']'"),
        (
            'name = "Woonpartners"',
            "name = Woonpartners",
            6,
            "ongeldige waarde (een tekst hoort tussen aanhalingstekens)",
        ),
        ("limit = 25.0 ", "limit = 25.0 euro ", None, "na de waarde mag op dezelfde regel niets meer staan"),
        ("backups_keep = 10 ", "backups_keep = 10\nbackups_keep = 11 ", None, "deze sleutel heeft al een waarde"),
    ],
)
def test_a_toml_syntax_error_is_dutch_with_its_line(
    bare_workspace: Path, old: str, new: str, line: int | None, words: str
) -> None:
    """A TOML syntax error names the file and its line number and says what is wrong in Dutch (no tomllib English)."""
    path = bare_workspace / "config.toml"
    edit(path, old, new)
    last = new.split("\n")[-1].strip()  # the error is on the line the edit ends with
    lines = path.read_text(encoding="utf-8").splitlines()
    expected = line or next(n for n, text in enumerate(lines, start=1) if text.startswith(last))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert f"{path}, regel {expected}: geen geldige TOML: {words}" in message, message
    assert "Expected" not in message and "Invalid" not in message and "Cannot" not in message


def test_every_config_problem_is_told_at_once_with_file_line_and_key(bare_workspace: Path) -> None:
    """Three mistakes in one config.toml come in one error: each with the file, its own line number and the key."""
    path = bare_workspace / "config.toml"
    edit(path, 'hr = "hr@woonpartners.example"', 'hr = "hr-at-woonpartners"')
    edit(path, "limit = 25.0", 'limit = "veel"')
    edit(path, "include_rvc = true", "include_rvc = true\ninclude_rvk = false")
    lines = path.read_text(encoding="utf-8").splitlines()

    def line_of(start: str) -> int:
        return next(n for n, text in enumerate(lines, start=1) if text.startswith(start))

    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "3 problemen" in message
    for start, key in (("hr =", "organisation.hr"), ("limit =", "gifts.limit"), ("include_rvk", "raffle.include_rvk")):
        assert f"config.toml, regel {line_of(start)}, sleutel '{key}'" in message, message
    assert "geen geldig e-mailadres" in message and "moet een getal zijn" in message and "onbekende sleutel" in message


def test_key_lines_follow_tables_dotted_keys_and_multiline_values() -> None:
    """The key-to-line scan knows tables, dotted and quoted keys, and skips multi-line strings and arrays."""
    from toolkit.config.toml_lines import key_lines, line_of

    text = '[a]\nx = 1\ny = """\nz = 2\n"""\nlist = [\n  "q",\n]\n[a.b]\n"quoted key" = 3\nc.d = 4\n'
    lines = key_lines(text)
    assert lines["a"] == 1 and lines["a.x"] == 2 and lines["a.y"] == 3 and "a.z" not in lines
    assert lines["a.list"] == 6 and lines["a.b"] == 9 and lines["a.b.quoted key"] == 10 and lines["a.b.c.d"] == 11
    assert line_of(lines, "a.b.missing") == 9 and line_of(lines, "elders.x") is None


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
