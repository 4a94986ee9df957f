"""What every map shares: the view's box and zoom, the base maps under it, the case colours."""
