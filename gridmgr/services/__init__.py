"""Use cases of gridmgr: assignment, coverage, plans, imports, reports."""
