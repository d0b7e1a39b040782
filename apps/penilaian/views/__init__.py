"""Pages of the penilaian: ``worksheet`` (the unit's list, detail page, worksheet, evidence and
workbook) and ``review`` (the TPI set-up, queue and review). Thin shells: the id goes through
``access`` first, then one form and one service call; the page data comes from ``pages``."""
