"""The transport chain: settings, auth, request ids, checks, retries, reading limits, typed errors."""
