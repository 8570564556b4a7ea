"""API change review: what a new vendor spec changes on the wire, in the Python surface and in code.

Run through `make diff`; see cli.py. Nothing here is shipped with the client package.
"""
