"""The command line: each command parses its arguments, calls one domain function and prints.

May import: access, casework, coverage, demo, errors, i18n, models, open311, routing, territory, validators.
"""
