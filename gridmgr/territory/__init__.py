"""The territory: regions, layers, plans and their zones, unit-grid generation, zone edits, imports."""
