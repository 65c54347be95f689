"""The plans that really ran inside a function call.

auto_explain reports the plan of every statement inside the call as a
notice (in JSON); a test reads them, not a copy of the query.
"""

from __future__ import annotations

import json


def nested_plans(conn, query: str, params: tuple) -> list[dict]:
    plans: list[dict] = []

    def on_notice(diag) -> None:
        text = diag.message_primary or ""
        if text.startswith("duration:"):
            plans.append(json.loads(text.split("plan:", 1)[1]))

    conn.add_notice_handler(on_notice)
    conn.execute("LOAD 'auto_explain'")
    for setting, value in [("log_min_duration", "0"), ("log_nested_statements", "on"),
                           ("log_analyze", "on"), ("log_buffers", "on"),
                           ("log_format", "json"), ("log_level", "notice")]:
        conn.execute(f"SET auto_explain.{setting} = {value}")
    try:
        conn.execute(query, params)
    finally:
        conn.execute("SET auto_explain.log_min_duration = -1")
        conn.remove_notice_handler(on_notice)
    return plans


def walk(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from walk(child)
