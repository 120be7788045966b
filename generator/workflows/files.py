"""Files every front door takes in and writes: an uploaded workbook with active content refused, a file replaced
whole or not at all, and a spreadsheet row written as text (never a formula)."""

from __future__ import annotations

from generator.active_content import active_content, refusal
from generator.atomic import replacing
from generator.spreadsheet import append_row

__all__ = ["active_content", "append_row", "refusal", "replacing"]
