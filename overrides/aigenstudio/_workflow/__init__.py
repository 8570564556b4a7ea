"""Workflow helpers written against the resource facade: waiting, results, paging, catalogs."""
