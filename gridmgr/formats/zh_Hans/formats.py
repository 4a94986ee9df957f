"""Simplified Chinese: ISO-like dates (as in the district's forms and exports), 1,234.5."""

SHORT_DATE_FORMAT = "Y-m-d"  # 2026-03-02
SHORT_DATETIME_FORMAT = "Y-m-d H:i"  # 2026-03-02 09:05
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
