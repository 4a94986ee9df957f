"""Coverage: blind spots, overlaps and border crossings (analysis); the cache; report tables and
files (PDF, XLSX, GeoPackage, HTML map); export jobs; and the /coverage/ page.

May import: access, conf, errors, i18n, models, pages, territory, viewport.
"""
