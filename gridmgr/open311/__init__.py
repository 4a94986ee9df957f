"""open311 package of gridmgr."""
