"""Maintainer tooling (generation pipeline, API change review); never shipped."""
