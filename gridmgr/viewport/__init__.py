"""What every map shares: the view's box and zoom (view), the base maps under it (basemaps), the
case colours (palette). Maps, case work, coverage and the editor draw in a view through it, so
they need not import each other.

May import: errors, i18n, models.
"""
