"""The names of the request extensions the contract is read through (strings only, so the
modules that set them need not load the contract at import)."""

from __future__ import annotations

__all__ = ["FORM_BODY_EXTENSION", "JSON_BODY_EXTENSION", "OPERATION_EXTENSION", "PATH_EXTENSION"]

# Set by every generated ``_get_kwargs`` (overrides/templates/endpoint_module.py.jinja): the
# operation's generated module name, and its path arguments as str by argument name.
OPERATION_EXTENSION = "aigenstudio.operation"
PATH_EXTENSION = "aigenstudio.path"
# Set by the client's build_request (``_http/request_build.py``) to ``form_fields(data, files)``.
FORM_BODY_EXTENSION = "aigenstudio.form_body"
# Set by the client's build_request (``_http/request_build.py``) to the ``json=`` value of the request.
JSON_BODY_EXTENSION = "aigenstudio.json_body"
