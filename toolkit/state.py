"""The toolkit's own state in SQLite (WAL): send ledger, processed mail, pending register changes, job runs.

One transaction per unit of work: `with store.transaction() as db:` commits on success, rolls back on error.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from toolkit.files import make_private, private_dir, resource_error

SCHEMA = """
CREATE TABLE IF NOT EXISTS outgoing (
    key TEXT PRIMARY KEY,          -- purpose + recipient + cycle or case: stable
    message_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('sending', 'sent')),
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE TABLE IF NOT EXISTS processed_messages (
    message_key TEXT PRIMARY KEY,   -- backend + mailbox + Message-ID (or content hash)
    outcome TEXT NOT NULL,
    processed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pending_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workbook TEXT NOT NULL,          -- register key
    payload TEXT NOT NULL,           -- JSON list of cell updates
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS job_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    ok INTEGER NOT NULL,
    summary TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS kv (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS notified (
    key TEXT PRIMARY KEY,            -- legacy: items notified before the ledger recorded what a mail covers
    notified_at TEXT NOT NULL
);
"""


# Created on the first send that covers items, not on open: a preview on a state made before this table existed
# must not change the file.
ITEMS_SCHEMA = """
CREATE TABLE IF NOT EXISTS outgoing_items (
    item TEXT NOT NULL,              -- a finding, row or person a message covers (digests cover many)
    message_key TEXT NOT NULL,       -- outgoing.key
    PRIMARY KEY (item, message_key)
);
"""


def utcnow() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime | None = None) -> str:
    return (moment or utcnow()).isoformat(timespec="seconds")


@dataclass(frozen=True)
class PendingChange:
    id: int
    workbook: str
    payload: list[dict[str, Any]]
    reason: str
    created_at: str


@dataclass(frozen=True)
class JobRun:
    """One recorded run of a scheduled job (aware UTC datetimes)."""

    job: str
    started: datetime
    finished: datetime
    ok: bool
    summary: str


SCAN_PER_KEY = 2  # delivered_among: a ledger row read in a pass costs about half of a key looked up by index


class StateStore:
    """The SQLite state file. Cheap to open; safe for one writer at a time (WAL, busy timeout)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            private_dir(path.parent)
            self._db = sqlite3.connect(path, timeout=30, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode survives a killed process; only the 'sending' mark also needs to survive power loss
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise resource_error(path, exc) from exc
        make_private(path)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One unit of work: committed together or not at all."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self._fault(exc) from exc
        try:
            yield self._db
        except sqlite3.OperationalError as exc:
            self._rollback()
            raise self._fault(exc) from exc
        except BaseException:
            self._rollback()
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._rollback()
            raise self._fault(exc) from exc

    def _rollback(self) -> None:
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")

    def _fault(self, exc: sqlite3.OperationalError) -> Exception:
        """A full disk, read-only or vanished file as one Dutch sentence naming state.sqlite; other errors as they are."""
        text = str(exc).lower()
        if any(word in text for word in ("full", "readonly", "read-only", "unable to open", "disk i/o")):
            return resource_error(self.path, exc)
        return exc

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        return self._db.execute(sql, params)

    # -- send ledger ---------------------------------------------------------------------------
    def ledger_entry(self, key: str) -> sqlite3.Row | None:
        return self._db.execute("SELECT * FROM outgoing WHERE key = ?", (key,)).fetchone()

    def mark_sending(self, key: str, message_id: str, purpose: str, covers: tuple[str, ...] = ()) -> None:
        """Committed durably (fsync) before the message goes out: after any crash we know it may have been sent.

        `covers`: the items (findings, rows, people) the message is about; they count as delivered once it is sent.
        """
        self._db.execute("PRAGMA synchronous=FULL")
        try:
            self._mark_sending(key, message_id, purpose, covers)
        finally:
            self._db.execute("PRAGMA synchronous=NORMAL")

    def _items_table(self) -> bool:
        """Whether the covered-items table exists (it is made by the first send that needs it)."""
        found = self._db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outgoing_items'")
        return found.fetchone() is not None

    def _mark_sending(self, key: str, message_id: str, purpose: str, covers: tuple[str, ...]) -> None:
        if covers and not self._items_table():
            self._db.executescript(ITEMS_SCHEMA)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO outgoing (key, message_id, purpose, status, created_at) VALUES (?, ?, ?, 'sending', ?)"
                " ON CONFLICT(key) DO NOTHING",
                (key, message_id, purpose, _iso()),
            )
            if covers:
                db.executemany(
                    "INSERT OR IGNORE INTO outgoing_items (item, message_key) VALUES (?, ?)",
                    [(i, key) for i in covers],
                )

    def delivered_among(self, keys: list[str] | tuple[str, ...] | set[str]) -> set[str]:
        """Which of these message keys or covered items the ledger has as sent: one query for a whole run.

        Many keys against a ledger of about as many rows (the gifts check asks for every finding, each night):
        one pass over the ledger and a set intersection; a few keys: looked up by index, 500 at a time."""
        wanted = set(keys)
        if not wanted:
            return set()
        items = self._items_table()
        if self._ledger_rows(items) <= SCAN_PER_KEY * len(wanted):
            return self._all_delivered(items) & wanted
        found: set[str] = set()
        ordered = sorted(wanted)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT key FROM outgoing WHERE status = 'sent' AND key IN ({marks})"
            sql += f" UNION SELECT key FROM notified WHERE key IN ({marks})"
            if items:
                sql += (
                    " UNION SELECT i.item FROM outgoing_items i JOIN outgoing o ON o.key = i.message_key"
                    f" WHERE o.status = 'sent' AND i.item IN ({marks})"
                )
            rows = self._db.execute(sql, (*chunk, *chunk, *chunk) if items else (*chunk, *chunk))
            found.update(row[0] for row in rows)
        return found

    def _ledger_rows(self, items: bool) -> int:
        """About how many rows a pass over the ledger reads (rowids: no count, no scan)."""
        tables = ("outgoing", "notified", "outgoing_items") if items else ("outgoing", "notified")
        sql = " UNION ALL ".join(f"SELECT coalesce(max(rowid), 0) FROM {table}" for table in tables)
        return sum(row[0] for row in self._db.execute(sql))

    def _all_delivered(self, items: bool) -> set[str]:
        """Every key and covered item the ledger has as sent."""
        sql = "SELECT key FROM outgoing WHERE status = 'sent' UNION ALL SELECT key FROM notified"
        if items:
            sql += (
                " UNION ALL SELECT i.item FROM outgoing_items i JOIN outgoing o ON o.key = i.message_key"
                " WHERE o.status = 'sent'"
            )
        cursor = self._db.cursor()
        cursor.row_factory = None  # plain tuples: this reads every row of the ledger
        return {row[0] for row in cursor.execute(sql)}

    def interrupted_covering(self, items: list[str] | tuple[str, ...] | set[str]) -> list[sqlite3.Row]:
        """Ledger entries still 'sending' (a run died mid-send) that cover any of these items."""
        wanted = sorted(set(items))
        found: dict[str, sqlite3.Row] = {}
        if not self._items_table():
            return []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self._db.execute(
                "SELECT DISTINCT o.* FROM outgoing o JOIN outgoing_items i ON o.key = i.message_key"
                f" WHERE o.status = 'sending' AND i.item IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            found.update((row["key"], row) for row in rows)
        return list(found.values())

    def ledger_entries(self, keys: list[str]) -> dict[str, sqlite3.Row]:
        """The ledger rows of these keys (one query per 500 keys)."""
        found: dict[str, sqlite3.Row] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = self._db.execute(f"SELECT * FROM outgoing WHERE key IN ({','.join('?' * len(chunk))})", chunk)
            found.update((row["key"], row) for row in rows)
        return found

    def mark_sending_many(self, entries: list[tuple[str, str, str, tuple[str, ...]]]) -> None:
        """mark_sending for a group (key, message_id, purpose, covers): one durable commit (one fsync) for all."""
        if not entries:
            return
        if any(covers for *_, covers in entries) and not self._items_table():
            self._db.executescript(ITEMS_SCHEMA)
        self._db.execute("PRAGMA synchronous=FULL")
        try:
            with self.transaction() as db:
                now = _iso()
                db.executemany(
                    "INSERT INTO outgoing (key, message_id, purpose, status, created_at) VALUES (?, ?, ?, 'sending', ?)"
                    " ON CONFLICT(key) DO NOTHING",
                    [(key, mid, purpose, now) for key, mid, purpose, _ in entries],
                )
                items = [(item, key) for key, _, _, covers in entries for item in covers]
                if items:
                    db.executemany("INSERT OR IGNORE INTO outgoing_items (item, message_key) VALUES (?, ?)", items)
        finally:
            self._db.execute("PRAGMA synchronous=NORMAL")

    def unmark_sending(self, keys: list[str]) -> None:
        """Forget 'sending' marks of messages that were never handed to the backend (a stopped batch)."""
        if keys:
            items = self._items_table()
            with self.transaction() as db:
                if items:
                    db.executemany("DELETE FROM outgoing_items WHERE message_key = ?", [(k,) for k in keys])
                db.executemany("DELETE FROM outgoing WHERE key = ? AND status = 'sending'", [(k,) for k in keys])

    def mark_sent_many(self, keys: list[str]) -> None:
        if keys:
            with self.transaction() as db:
                now = _iso()
                db.executemany(
                    "UPDATE outgoing SET status = 'sent', sent_at = ? WHERE key = ?", [(now, k) for k in keys]
                )

    def mark_sent(self, key: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE outgoing SET status = 'sent', sent_at = ? WHERE key = ?", (_iso(), key))

    def sent_count(self, purpose: str | None = None) -> int:
        if purpose is None:
            row = self._db.execute("SELECT COUNT(*) FROM outgoing WHERE status = 'sent'").fetchone()
        else:
            row = self._db.execute(
                "SELECT COUNT(*) FROM outgoing WHERE status = 'sent' AND purpose = ?", (purpose,)
            ).fetchone()
        return int(row[0])

    # -- processed inbound mail ----------------------------------------------------------------
    def is_processed(self, message_key: str) -> bool:
        row = self._db.execute("SELECT 1 FROM processed_messages WHERE message_key = ?", (message_key,))
        return row.fetchone() is not None

    def mark_processed(self, message_key: str, outcome: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO processed_messages (message_key, outcome, processed_at) VALUES (?, ?, ?)",
                (message_key, outcome, _iso()),
            )

    def mark_processed_many(self, outcomes: list[tuple[str, str]]) -> None:
        """mark_processed for a whole pass in one transaction (one commit, not one per message)."""
        if not outcomes:
            return
        now = _iso()
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO processed_messages (message_key, outcome, processed_at) VALUES (?, ?, ?)",
                [(key, outcome, now) for key, outcome in outcomes],
            )

    # -- pending register changes --------------------------------------------------------------
    def add_pending(self, workbook: str, payload: list[dict[str, Any]], reason: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO pending_changes (workbook, payload, reason, created_at) VALUES (?, ?, ?, ?)",
                (workbook, json.dumps(payload, default=str), reason, _iso()),
            )

    def pending(self, workbook: str | None = None) -> list[PendingChange]:
        sql = "SELECT * FROM pending_changes" + (" WHERE workbook = ?" if workbook else "") + " ORDER BY id"
        rows = self._db.execute(sql, (workbook,) if workbook else ()).fetchall()
        return [
            PendingChange(r["id"], r["workbook"], json.loads(r["payload"]), r["reason"], r["created_at"]) for r in rows
        ]

    def drop_pending(self, ids: list[int]) -> None:
        with self.transaction() as db:
            db.executemany("DELETE FROM pending_changes WHERE id = ?", [(i,) for i in ids])

    # -- job runs (the scheduler's RunLog) -----------------------------------------------------
    def last_success(self, job: str) -> datetime | None:
        row = self._db.execute(
            "SELECT started_at FROM job_runs WHERE job = ? AND ok = 1 ORDER BY id DESC LIMIT 1", (job,)
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    def job_runs(self, job: str) -> list[JobRun]:
        """Every recorded run of `job`, oldest first."""
        rows = self._db.execute(
            "SELECT job, started_at, finished_at, ok, summary FROM job_runs WHERE job = ? ORDER BY id", (job,)
        ).fetchall()
        return [
            JobRun(r[0], datetime.fromisoformat(r[1]), datetime.fromisoformat(r[2]), bool(r[3]), r[4]) for r in rows
        ]

    def record_run(self, job: str, started: datetime, finished: datetime, ok: bool, summary: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO job_runs (job, started_at, finished_at, ok, summary) VALUES (?, ?, ?, ?, ?)",
                (job, _iso(started), _iso(finished), int(ok), summary),
            )

    # -- small key/value store (sync states, chain head) ---------------------------------------
    def get(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def items(self, prefix: str) -> list[tuple[str, str]]:
        """Every (key, value) whose key starts with `prefix`, in key order."""
        rows = self._db.execute(
            "SELECT key, value FROM kv WHERE substr(key, 1, ?) = ? ORDER BY key", (len(prefix), prefix)
        ).fetchall()
        return [(str(k), str(v)) for k, v in rows]

    def set(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                (key, value, _iso()),
            )
