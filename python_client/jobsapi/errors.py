"""Exceptions of jobsapi."""


class SetupError(RuntimeError):
    """Something the local stack needs is missing; the message says how to get it."""
