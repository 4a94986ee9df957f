"""The evaluation scoreboard (综合评价): measures of the closed loop per unit over a period, its
workbook, its page and charts.

May import: access, errors, i18n, models, pages, territory, validators.
"""
