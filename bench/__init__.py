"""Benchmarks of gridmgr against the raw tools, on a synthetic district (`python -m bench.run`).

The bench never touches the real database: it drops and recreates its own (`gridmgr_bench`)
on the same server and points Django at it before Django starts.
"""
