"""The district map (/map/): zones in the view, vector tiles, regions, stations, cases, blind spots
and overlaps; the search box and a zone's panel.

May import: access, coverage, errors, i18n, models, pages, territory, viewport.
"""
