"""Uploads and their problem reports are kept for a set time (JIAOZAO_CONSOLE_UPLOAD_DAYS) and then deleted
when the console starts, so the database does not grow with every file ever checked (issue 18 item 6: 574 MB).

Published versions are kept apart (catalog_versions) and are not touched; an upload being accepted is kept.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from console.store import audit
from console.store.db import SharedConnection


def delete_old_uploads(db: SharedConnection, days: int, now: str) -> int:
    """Delete uploads older than days before now (YYYY-MM-DD HH:MM:SS); return how many, recorded in the audit log."""
    cutoff = (datetime.strptime(now, "%Y-%m-%d %H:%M:%S") - timedelta(days=days)).strftime(
        "%Y-%m-%d %H:%M:%S"
    )
    gone = db.execute("DELETE FROM uploads WHERE created_at < ? AND state != 'accepting'", (cutoff,)).rowcount
    if gone:
        audit.log(
            db, "系统", "", "delete_old_uploads", "", f"删除 {cutoff} 以前的上传 {gone} 个（保留 {days} 天）"
        )
    return int(gone)


def database_size(path: object) -> str:
    """Return the console database's size on disk in words (with its write-ahead log)."""
    from pathlib import Path

    total = sum(p.stat().st_size for p in (Path(str(path)), Path(f"{path}-wal")) if p.is_file())
    return f"{total / 1024 / 1024:.1f} MB"
