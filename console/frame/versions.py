"""A department's published 目录 and 台账 versions (kind catalog or ledger): each kept whole with who and when,
listed, downloaded, and published by a job; restoring one makes a new version."""

from __future__ import annotations

import sqlite3

from console.frame import errors
from console.frame.requests import Console, Visit
from console.state.inputs import Files
from console.store import audit
from console.store.audit import now_text

KINDS = {"catalog": "目录", "ledger": "台账"}


def listed(console: Console, kind: str, slug: str, limit: int = 30) -> list[sqlite3.Row]:
    """Return the department's newest versions of kind, newest first; a failed one with why (its job's words)."""
    return console.db.execute(
        "SELECT v.id, v.ext, v.sha256, v.user, v.created_at, v.note, v.state, v.job_id, "
        "CASE WHEN v.state = 'failed' THEN COALESCE(j.message, '') ELSE '' END AS reason "
        "FROM catalog_versions v LEFT JOIN jobs j ON j.id = v.job_id "
        "WHERE v.department = ? AND v.kind = ? ORDER BY v.id DESC LIMIT ?",
        (slug, kind, limit),
    ).fetchall()


def publish(
    console: Console, visit: Visit, kind: str, slug: str, content: bytes, ext: str, sha: str, note: str,
    before: Files | None = None,
) -> int:  # fmt: skip
    """Keep content as the department's new version of kind and queue its publishing; return the job's id.

    before: the files as they were when the request has already written content (a 台账), put back if the
    publish fails or is cut off."""
    job_id = queue_publish(console, visit, kind, slug, content, ext, sha, note, before)
    console.jobs.queue(job_id)
    return job_id


def queue_publish(
    console: Console, visit: Visit, kind: str, slug: str, content: bytes, ext: str, sha: str, note: str,
    before: Files | None = None,
) -> int:  # fmt: skip
    """The version, its job and the audit row in one transaction (or the caller's); return the job's id,
    not yet queued: queue it once the transaction is committed."""
    with console.db.transaction():
        cursor = console.db.execute(
            "INSERT INTO catalog_versions (department, kind, ext, sha256, content, user, created_at, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (slug, kind, ext, sha, content, visit.user.name, now_text(), note),
        )
        version = int(cursor.lastrowid or 0)
        job_id = console.jobs.add(console.db, kind, slug, visit.user.name, {"version": version}, before)
        console.db.execute("UPDATE catalog_versions SET job_id = ? WHERE id = ?", (job_id, version))
        detail = f"{KINDS[kind]}第 {version} 版（{note}），SHA-256 {sha}，任务 {job_id}"
        audit.log(console.db, visit.user.name, visit.address, "publish", slug, detail)
    return job_id


def keep(
    console: Console, user: str, kind: str, slug: str, content: bytes, ext: str, sha: str, note: str
) -> int:
    """Keep content, found in place rather than published through the console, as a version; return its number."""
    cursor = console.db.execute(
        "INSERT INTO catalog_versions (department, kind, ext, sha256, content, user, created_at, note, state) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'found')",
        (slug, kind, ext, sha, content, user, now_text(), note),
    )
    return int(cursor.lastrowid or 0)


def found(console: Console, kind: str, slug: str, version_id: str) -> dict[str, object]:
    """Return one version of the department's kind; a 404 page when there is none."""
    row = console.db.execute(
        "SELECT * FROM catalog_versions WHERE id = ? AND department = ? AND kind = ?",
        (int(version_id) if version_id.isdigit() else -1, slug, kind),
    ).fetchone()
    if row is None:
        raise errors.not_found("这个版本")
    return dict(row)


def content_of(version: dict[str, object]) -> bytes:
    content = version["content"]
    assert isinstance(content, bytes)  # a BLOB column
    return content


def file_name(slug: str, kind: str, version: dict[str, object]) -> str:
    """Return the name a version is downloaded under: department, kind and number."""
    return f"{slug}-{KINDS[kind]}-第{version['id']}版.{version['ext']}"
