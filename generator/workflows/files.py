"""File writes every front door shares: a file replaced whole or not at all, and a spreadsheet row written as
text (never a formula)."""

from __future__ import annotations

from generator.atomic import replacing
from generator.spreadsheet import append_row

__all__ = ["append_row", "replacing"]
