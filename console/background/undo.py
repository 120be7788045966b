"""What a publish's input files held before it wrote them, kept in the console's database until its job ends:
a console killed in the middle of a publish puts them back when it starts again (see jobs.JobQueue.start)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from console.state import inputs


def keep(db: sqlite3.Connection, job_id: int, files: inputs.Files) -> None:
    """Keep the files as they were before job_id writes them."""
    db.executemany(
        "INSERT OR REPLACE INTO job_files (job_id, path, content) VALUES (?, ?, ?)",
        [(job_id, str(path), content) for path, content in files.items()],
    )


def kept(db: sqlite3.Connection, job_id: int) -> inputs.Files:
    rows = db.execute("SELECT path, content FROM job_files WHERE job_id = ?", (job_id,)).fetchall()
    return {Path(row["path"]): row["content"] for row in rows}


def forget(db: sqlite3.Connection, job_id: int) -> None:
    """The job has ended: its files stay as they are now."""
    db.execute("DELETE FROM job_files WHERE job_id = ?", (job_id,))


def put_back(db: sqlite3.Connection, job_id: int) -> bool:
    """Put back the files an unfinished job wrote; return False when some were left to a later job.

    A file a later job still waiting in the queue has written since (a 台账 is written when accepted) is left
    as that job wrote it: that job publishes it.
    """
    files = kept(db, job_id)
    mine = {path: content for path, content in files.items() if not _written_later(db, job_id, path)}
    inputs.put_back(mine)
    forget(db, job_id)
    return len(mine) == len(files)


def _written_later(db: sqlite3.Connection, job_id: int, path: Path) -> bool:
    return (
        db.execute(
            "SELECT 1 FROM job_files JOIN jobs ON jobs.id = job_files.job_id WHERE job_files.path = ? "
            "AND job_files.job_id > ? AND jobs.state IN ('queued', 'running')",
            (str(path), job_id),
        ).fetchone()
        is not None
    )
