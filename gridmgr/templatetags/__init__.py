"""Template filters: bilingual data and labels in the active language.

May import: i18n, models.
"""
