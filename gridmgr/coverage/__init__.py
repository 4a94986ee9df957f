"""Coverage: blind spots, overlaps and border crossings (analysis, over the zones read by zones);
the cache, the one path of the page, its exports and /api/coverage/; report tables and files
(PDF, XLSX, GeoPackage, HTML map); export jobs; and the /coverage/ page.

May import: access, conf, errors, i18n, models, pages, territory, viewport.
"""
