"""web package of gridmgr."""
