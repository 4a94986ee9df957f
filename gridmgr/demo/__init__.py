"""The demo district (Beijing Dongcheng): regions, zones, owners, accounts, issues and sixty days
of history. Only the command line imports it.

May import: casework, errors, i18n, models, routing, territory.
"""
