"""Case work pages: the issue list and map, the case sheet with its actions, citizen reports."""
