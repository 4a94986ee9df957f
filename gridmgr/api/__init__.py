"""The REST API (/api/): regions, layers, plans and zones, cases and their steps, coverage, scores, tokens.

A front: thin views over the domain packages.

May import: access, casework, coverage, editor, errors, i18n, models, routing, scores, server, territory, validators.
"""
