"""The territory: regions, layers, plans and their activation, zones and their edits, unit-grid
generation, region and zone imports, a unit's lineage across plans, the district's extent.

May import: access, errors, i18n, models, routing, validators.
"""
