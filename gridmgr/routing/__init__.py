"""Routing: a point to its zones, owner chain, region and department; the bulk router, receipts, issue import and export."""
