"""The request pipeline and its guards: locale, request ids and JSON logs, security headers, the
input guard, login lockout, rate limits. Open311's error document is the one front part it uses.

May import: conf, errors, i18n, models, open311, validators.
"""
