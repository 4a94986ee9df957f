"""api package of gridmgr."""
