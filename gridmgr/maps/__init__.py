"""The map page of the browser app: the district, its layers, issues and coverage."""
