"""The user's verdicts on candidate pairs, in SQLite (WAL mode, one connection per call)."""

from __future__ import annotations

import re
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .storage import gnt_home

VERDICTS = ("to check", "supported", "refuted")
DATABASE = "curation.sqlite"
MAX_NOTE = 5_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS verdicts (
    regulator TEXT NOT NULL,
    target    TEXT NOT NULL,
    verdict   TEXT NOT NULL,
    note      TEXT NOT NULL DEFAULT '',
    pmids     TEXT NOT NULL DEFAULT '',
    dataset   TEXT NOT NULL DEFAULT '',
    run_id    TEXT NOT NULL DEFAULT '',
    updated   REAL NOT NULL,
    user      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (regulator, target)
)"""
COLUMNS = ("regulator", "target", "verdict", "note", "pmids", "dataset", "run_id", "updated",
           "user")


@dataclass
class Verdict:
    regulator: str
    target: str
    verdict: str
    note: str
    pmids: str
    dataset: str
    run_id: str
    updated: float
    user: str = ""  # who gave it (the login name on a shared server, else the OS account)


def parse_pmids(text: str) -> str:
    """Normalise PMIDs typed as '123, 456 789' to '123,456,789'; refuse anything else."""
    tokens = [t for t in re.split(r"[\s,;]+", text.strip()) if t]
    bad = [t for t in tokens if not re.fullmatch(r"\d{1,9}", t)]
    if bad:
        raise ValueError(f"PMIDs are numbers of up to 9 digits; {bad[0][:20]!r} is not one")
    return ",".join(dict.fromkeys(tokens))


class VerdictStore:
    """Verdicts keyed by (regulator, target); survives restarts."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else gnt_home() / DATABASE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)
            present = {row[1] for row in db.execute("PRAGMA table_info(verdicts)")}
            if "user" not in present:  # a database of an earlier version
                db.execute("ALTER TABLE verdicts ADD COLUMN user TEXT NOT NULL DEFAULT ''")

    @classmethod
    def existing(cls, path: Path | str | None = None) -> VerdictStore | None:
        """The store when its database file exists (a reader never creates one)."""
        path = Path(path) if path is not None else gnt_home() / DATABASE
        return cls(path) if path.is_file() else None

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA busy_timeout = 30000")
        return db

    def set(self, regulator: str, target: str, verdict: str, note: str = "", pmids: str = "",
            *, dataset: str = "", run_id: str = "", user: str = "") -> Verdict:
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}")
        if len(note) > MAX_NOTE:
            raise ValueError(f"the note is longer than {MAX_NOTE} characters")
        row = Verdict(regulator, target, verdict, note, parse_pmids(pmids), dataset, run_id,
                      time.time(), user)
        with closing(self._connect()) as db, db:
            db.execute(f"INSERT OR REPLACE INTO verdicts ({', '.join(COLUMNS)}) VALUES "
                       f"({', '.join('?' * len(COLUMNS))})",
                       tuple(getattr(row, c) for c in COLUMNS))
        return row

    def get(self, regulator: str, target: str) -> Verdict | None:
        with closing(self._connect()) as db:
            found = db.execute(f"SELECT {', '.join(COLUMNS)} FROM verdicts WHERE regulator = ? "
                               "AND target = ?",
                               (regulator, target)).fetchone()
        return Verdict(*found) if found else None

    def delete(self, regulator: str, target: str) -> None:
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM verdicts WHERE regulator = ? AND target = ?",
                       (regulator, target))

    def table(self) -> pd.DataFrame:
        """Every verdict, newest first; `updated` as readable UTC time."""
        with closing(self._connect()) as db:
            table = pd.read_sql_query("SELECT * FROM verdicts ORDER BY updated DESC", db)
        table["updated"] = pd.to_datetime(table["updated"], unit="s").dt.strftime(
            "%Y-%m-%d %H:%M:%S")
        return table
