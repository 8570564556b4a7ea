"""The version of the aigenstudio distribution, written only here (pyproject reads it)."""

__version__ = "0.1.0"
