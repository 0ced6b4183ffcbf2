"""The whole hand-written mail corpus goes through the one sorter production runs (toolkit.inbox.classify, via the
pipeline's read_inbound on a real Maildir); every message lands where expected.toml says."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest

from toolkit.inbox.classify import Classified, Kind
from toolkit.inbox.pipeline import read_inbound
from toolkit.mail.backend import InboundRef
from toolkit.mail.folder import FolderBackend
from toolkit.mailsort import ReplyKind, find_case_number, find_supplier_reference

CORPUS = Path(__file__).parent / "corpus" / "mail"
EXPECTED: dict[str, dict] = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))
FILES = sorted(CORPUS.glob("*.eml"))
KINDS = ("onbestelbaar", "automatisch", "bevestigd", "vraag")


class _Ws:
    """Just what read_inbound uses of a workspace: the mail backend (the real folder backend on the corpus)."""

    def __init__(self) -> None:
        self.backend = FolderBackend(CORPUS, {"corpus": CORPUS})


def _read(name: str) -> Classified:
    return read_inbound(_Ws(), InboundRef("corpus", f"{name}.eml")).item  # type: ignore[arg-type]


def _kind(item: Classified) -> str:
    """The corpus' four kinds: machine kinds as they are, a person's message as confirmation or question."""
    if item.kind is Kind.PERSON:
        return "bevestigd" if item.reply_kind is ReplyKind.CONFIRMATION else "vraag"
    return item.kind.value


def _sorted(name: str) -> Classified:
    return _read(name)


def test_corpus_and_table_match() -> None:
    """Every .eml has an expected row and every row has an .eml; the corpus is big enough to mean something."""
    assert {path.stem for path in FILES} == set(EXPECTED)
    assert len(FILES) >= 30


def test_counts_add_up() -> None:
    """Each message is sorted into exactly one kind, and the per-kind counts equal the expected table's counts."""
    actual = Counter(_kind(_read(path.stem)) for path in FILES)
    expected = Counter(row["kind"] for row in EXPECTED.values())
    assert actual == expected
    assert sum(actual.values()) == len(FILES)
    assert set(actual) == set(KINDS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_message_sorted_as_expected(name: str) -> None:
    """The message gets the kind recorded for it in expected.toml."""
    assert _kind(_sorted(name)) == EXPECTED[name]["kind"]


@pytest.mark.parametrize(
    "name", sorted(n for n, row in EXPECTED.items() if "own_contains" in row or "own_excludes" in row)
)
def test_own_words_keep_reply_and_drop_quote(name: str) -> None:
    """own_words keeps the sender's text and drops the quoted original (which itself asks for 'akkoord')."""
    own = _sorted(name).own_text
    for fragment in EXPECTED[name].get("own_contains", []):
        assert fragment in own
    for fragment in EXPECTED[name].get("own_excludes", []):
        assert fragment not in own


@pytest.mark.parametrize("name", sorted(n for n, row in EXPECTED.items() if "recipients" in row))
def test_bounce_recipients_and_permanence(name: str) -> None:
    """A bounce names the failed recipients in lower case and says whether the failure is permanent."""
    bounce = _sorted(name).bounce
    assert bounce is not None
    assert list(bounce.recipients) == EXPECTED[name]["recipients"]
    assert bounce.permanent is EXPECTED[name]["permanent"]
    assert bounce.reason.startswith("onbestelbaar" if bounce.permanent else "vertraagd")


@pytest.mark.parametrize("name", sorted(n for n, row in EXPECTED.items() if "reference" in row or "case" in row))
def test_references_found_in_subject_and_text(name: str) -> None:
    """The supplier reference and case number are found (or rightly not found) in subject plus text."""
    parsed = _sorted(name).mail
    haystack = f"{parsed.subject}\n{parsed.text}"
    row = EXPECTED[name]
    if "reference" in row:
        expected = None if row["reference"] == "none" else row["reference"]
        assert find_supplier_reference(parsed.subject) == expected
    if "case" in row:
        assert find_case_number(haystack) == row["case"]


@pytest.mark.parametrize(
    "name", sorted(n for n, row in EXPECTED.items() if {"subject", "from_name", "attachments"} & set(row))
)
def test_decoded_headers_and_attachments(name: str) -> None:
    """RFC 2047 subjects and names, and RFC 2231 attachment names, come out decoded."""
    parsed = _sorted(name).mail
    row = EXPECTED[name]
    if "subject" in row:
        assert parsed.subject == row["subject"]
    if "from_name" in row:
        assert parsed.from_name == row["from_name"]
    if "attachments" in row:
        assert [a.filename for a in parsed.attachments] == row["attachments"]
        assert all(a.payload.startswith(b"%PDF") for a in parsed.attachments)
