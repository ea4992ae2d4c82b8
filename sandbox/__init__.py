"""The Voice360 sandbox: a simulated call centre behind the Voice360 REST API v3.

The spec is docs/sandbox.md.
"""
