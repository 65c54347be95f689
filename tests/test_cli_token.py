"""`jobsapi token`: tokens the running instance accepts, with the claims each role needs."""

from __future__ import annotations

import jwt
import pytest

from jobsapi import cli

SECRET = "s" * 48


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv("JOBSAPI_JWT_SECRET", SECRET)


def mint(capsys, *args: str) -> dict:
    assert cli.main(["token", *args]) == 0
    return jwt.decode(capsys.readouterr().out.strip(), SECRET, algorithms=["HS256"])


def test_a_user_token_names_role_and_sub_and_expires(capsys):
    claims = mint(capsys, "--role", "jobs_user", "--sub", "alice", "--ttl", "60")
    assert claims["role"] == "jobs_user" and claims["sub"] == "alice"
    assert "exp" in claims and "queues" not in claims


def test_a_worker_token_carries_its_queues(capsys):
    claims = mint(capsys, "--role", "jobs_worker", "--sub", "w1", "--queues", "mail, etl")
    assert claims["queues"] == ["mail", "etl"]
    assert mint(capsys, "--role", "jobs_worker", "--sub", "w1", "--queues", "*")["queues"] == ["*"]


def test_a_worker_token_without_queues_is_refused(capsys):
    assert cli.main(["token", "--role", "jobs_worker", "--sub", "w1"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "--queues" in captured.err


def test_ttl_zero_means_no_expiry(capsys):
    assert "exp" not in mint(capsys, "--role", "jobs_admin", "--sub", "root", "--ttl", "0")
