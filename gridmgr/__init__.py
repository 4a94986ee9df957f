"""gridmgr: the Django service of the district grid manager."""
