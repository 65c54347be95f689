"""Tokens from an external identity provider: PostgREST checks them against the
provider's public keys (a JWK set) and reads the role from a claim of the
provider's choosing; the database takes the owner from sub as usual."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from conftest import dsn
from jobsapi.server.stack import postgrest_process

ROLE_CLAIM_KEY = ".app_metadata.jobsapi_role"
AUDIENCE = "jobsapi"


@pytest.fixture(scope="module")
def provider_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def idp_api(provider_key, pg_server, http_database, tmp_path_factory) -> Iterator[str]:
    """A second PostgREST over the test database, configured for the provider."""
    public = json.loads(RSAAlgorithm.to_jwk(provider_key.public_key()))
    jwks = json.dumps({"keys": [{**public, "kid": "k1", "alg": "RS256", "use": "sig"}]})
    db_uri = dsn(pg_server.host, pg_server.port, "jobsapi_http", user="authenticator")
    server = postgrest_process(db_uri, jwks, tmp_path_factory.mktemp("idp") / "postgrest.log",
                               role_claim_key=ROLE_CLAIM_KEY, audience=AUDIENCE)
    server.start()
    yield server.url
    server.stop()


def provider_token(key: rsa.RSAPrivateKey, role: str, sub: str, **claims: object) -> str:
    payload = {"sub": sub, "aud": AUDIENCE, "exp": int(time.time()) + 300,
               "app_metadata": {"jobsapi_role": role}, **claims}
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "k1"})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Prefer": "return=representation"}


def test_a_provider_token_submits_as_its_sub(api, idp_api, provider_key):
    token = provider_token(provider_key, "jobs_user", "carol@example.com")
    r = httpx.post(f"{idp_api}/jobs", json={"name": "report"}, headers=bearer(token))
    assert r.status_code == 201, r.text
    assert r.json()[0]["owner"] == "carol@example.com"
    r = httpx.get(f"{idp_api}/jobs?select=name,owner", headers=bearer(token))
    assert r.json() == [{"name": "report", "owner": "carol@example.com"}]


def test_a_provider_worker_token_claims_from_its_queues(api, idp_api, provider_key):
    user = provider_token(provider_key, "jobs_user", "carol@example.com")
    assert httpx.post(f"{idp_api}/jobs", json={"name": "x", "queue": "mail"},
                      headers=bearer(user)).status_code == 201
    worker = provider_token(provider_key, "jobs_worker", "mailer-1", queues=["mail"])
    r = httpx.post(f"{idp_api}/rpc/claim_jobs", json={"queues": ["mail"]},
                   headers=bearer(worker))
    assert r.status_code == 200, r.text
    assert [j["name"] for j in r.json()] == ["x"]


@pytest.mark.parametrize("case", ["other key", "wrong audience", "role at the top level",
                                  "shared secret"])
def test_tokens_the_provider_did_not_issue_are_401(api, idp_api, provider_key, case):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = {
        "other key": lambda: provider_token(other, "jobs_admin", "eve"),
        "wrong audience": lambda: provider_token(provider_key, "jobs_admin", "eve",
                                                 aud="elsewhere"),
        # Without the role where the provider puts it, the token is anon's.
        "role at the top level": lambda: jwt.encode(
            {"sub": "eve", "aud": AUDIENCE, "role": "jobs_admin"}, provider_key,
            algorithm="RS256", headers={"kid": "k1"}),
        "shared secret": lambda: api.token("jobs_admin", "eve"),
    }[case]()
    r = httpx.get(f"{idp_api}/jobs", headers=bearer(token))
    assert r.status_code == 401, r.text
    assert "message" in r.json()
