"""The request pipeline and its guards: locale, request ids and logs, security headers, input guard, login lockout, rate limits."""
