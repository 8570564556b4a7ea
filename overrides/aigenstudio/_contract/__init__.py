"""The compiled contract: routes, request/response schemas and the checks built on them."""
