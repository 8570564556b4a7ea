"""The request path: settings, auth, request ids, checks, the sending transport (deadlines,
retries, size caps, typed errors) and the response checks."""
