"""The GeoReport v2 API (/open311/): services, requests, API keys.

A front: thin views over the case service.

May import: casework, errors, i18n, models, routing, validators.
"""
