"""Date and number formats of the two languages (settings.FORMAT_MODULE_PATH).

Only what differs from Django's own locale formats: the district writes dates as 2026-03-02
09:05 in Chinese (Django's default is 2026年3月2日) and groups thousands with commas in both
languages (areas in m²); English pages write 2 Mar 2026 09:05, on the 24-hour clock.
"""
