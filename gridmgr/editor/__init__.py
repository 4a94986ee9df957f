"""The zone editor: draw, cut, split, merge zones of a draft plan and assign their owners."""
