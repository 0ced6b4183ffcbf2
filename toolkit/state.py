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
    key TEXT PRIMARY KEY,            -- a finding or reminder that was notified once
    notified_at TEXT NOT NULL
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


class StateStore:
    """The SQLite state file. Cheap to open; safe for one writer at a time (WAL, busy timeout)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode survives a killed process; only the 'sending' mark also needs to survive power loss
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One unit of work: committed together or not at all."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        return self._db.execute(sql, params)

    # -- send ledger ---------------------------------------------------------------------------
    def ledger_entry(self, key: str) -> sqlite3.Row | None:
        return self._db.execute("SELECT * FROM outgoing WHERE key = ?", (key,)).fetchone()

    def mark_sending(self, key: str, message_id: str, purpose: str) -> None:
        """Committed durably (fsync) before the message goes out: after any crash we know it may have been sent."""
        self._db.execute("PRAGMA synchronous=FULL")
        try:
            self._mark_sending(key, message_id, purpose)
        finally:
            self._db.execute("PRAGMA synchronous=NORMAL")

    def _mark_sending(self, key: str, message_id: str, purpose: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO outgoing (key, message_id, purpose, status, created_at) VALUES (?, ?, ?, 'sending', ?)"
                " ON CONFLICT(key) DO NOTHING",
                (key, message_id, purpose, _iso()),
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

    # -- notify-once ---------------------------------------------------------------------------
    def was_notified(self, key: str) -> bool:
        return self._db.execute("SELECT 1 FROM notified WHERE key = ?", (key,)).fetchone() is not None

    def mark_notified(self, key: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO notified (key, notified_at) VALUES (?, ?)", (key, _iso()))
