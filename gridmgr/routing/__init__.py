"""Routing: a point to its zones, owner chain, region and department (point, the hot path); the
bulk router; binary COPY writing (copy_binary); receipt sets; issue file import and export;
categories; the parties answering for a case.

May import: errors, i18n, models.
"""
