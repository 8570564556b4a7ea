"""Tests that the API key and other secrets stay where they belong.

Convention: a file is named for the module it tests -- ``test_api_key.py`` for
``_core/api_key.py``, ``test_redaction.py`` for ``_core/redaction.py``, ``test_settings.py`` for
the rules of ``_http/settings.py`` on where the key may be sent -- so ``find tests -name
'test_<stem>.py'`` finds a module's tests. ``leaks.py`` holds the checks they share.
"""
