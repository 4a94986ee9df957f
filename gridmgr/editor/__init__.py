"""The zone editor: drafts of a plan, drawing, cutting, splitting and merging zones, owners in
bulk, search, the preview and activation summary; its page and JSON endpoints.

May import: access, coverage, errors, i18n, maps, models, pages, territory, validators, viewport.
"""
