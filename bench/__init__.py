"""Throughput benchmark of jobsapi: `python -m bench` (or `make bench`).

Every figure is printed with its ratio to a ceiling measured in the same run
on the same machine, so the numbers travel between machines as ratios.
"""


class BenchError(RuntimeError):
    """A measurement could not be taken; the message says why."""
