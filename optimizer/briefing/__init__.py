"""Briefing exports: a 16:9 PowerPoint deck with native charts and an XLSX workbook of the package."""

from optimizer.briefing.content import Briefing
from optimizer.briefing.deck import build_deck, write_deck
from optimizer.briefing.workbook import write_workbook

__all__ = ["Briefing", "build_deck", "write_deck", "write_workbook"]
