"""The case-work pages: issue list and map, the case sheet and its steps, the citizen report and
tracking pages.

May import: access, casework, errors, i18n, models, pages, routing, server, validators, viewport.
"""
