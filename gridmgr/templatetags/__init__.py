"""Template tags of gridmgr."""
