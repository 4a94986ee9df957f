"""The case-work pages: issue list and map, the case sheet and its steps, the citizen report and tracking pages."""
