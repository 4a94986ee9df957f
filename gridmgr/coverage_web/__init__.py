"""The coverage page (/coverage/): figures, blind spots and overlaps, snapshots and exports."""
