"""Tests of webhooks: receiving them (``aigenstudio/_webhooks.py``) and asking for them (the
``webhook_url`` rule, ``aigenstudio/_contract/public_url.py``).

Convention: a file is named for the module it tests (``test_public_url.py`` for
``_contract/public_url.py``), or for the piece of a module it tests when the module has
several (``test_verify.py`` and ``test_verify_edges.py`` for ``verify_webhook``,
``test_deduplicator.py`` for ``WebhookDeduplicator``); ``find tests -name 'test_<stem>*'``
finds a module's tests. ``signing.py`` signs deliveries the documented way, independently of
the code under test.
"""
