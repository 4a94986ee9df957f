"""English: day, short month and year, 24-hour times (the district's clock), 1,234.5."""

SHORT_DATE_FORMAT = "j M Y"  # 2 Mar 2026
SHORT_DATETIME_FORMAT = "j M Y H:i"  # 2 Mar 2026 09:05
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
