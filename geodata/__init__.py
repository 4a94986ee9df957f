"""Pure geometry for gridmgr: no Django, no database, no requests."""
