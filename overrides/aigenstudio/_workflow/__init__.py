"""Workflow helpers written against the resource facade: waiting, results, paging.

The catalog (``_catalog``) is built on them; they never import it.
"""
