"""Refoulement Watch: document, verify, count and publish the forced return of North Koreans.

The public surface is deliberately small; everything else is reached through
:mod:`refwatch.services` (the one API that the CLI and the web application share).
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
