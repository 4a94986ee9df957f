"""Coverage: blind spots, overlaps and border crossings; the cache, report tables and files, export jobs and the /coverage/ page."""
