"""Problem lists as stored with an upload (JSON) and shown in one table."""

from __future__ import annotations

from dataclasses import asdict

from console.work import ProblemRow


def problem_report(problems: list[ProblemRow]) -> dict[str, object]:
    return {"problems": [asdict(p) for p in problems]}
