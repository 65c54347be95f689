"""jobsapi: a database-first jobs API served by PostgREST."""

__version__ = "0.1.0"
