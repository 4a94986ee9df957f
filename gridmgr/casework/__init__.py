"""Case work: the closed loop of a case (loop, lifecycle), reporting one (report), idempotency keys,
the working calendar, escalation, notifications, duplicates and repeats, photos, the timeline.
Its pages are in casework.web.

May import: access, errors, i18n, models, routing, validators.
"""
