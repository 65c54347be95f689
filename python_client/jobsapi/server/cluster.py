"""A private PostgreSQL cluster in a folder, run as the `postgres` user.

PostgreSQL refuses to run as root, so when we are root every server command
goes through `runuser -u postgres`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import SetupError

PG_MAJOR = "15"
DEFAULT_BINDIR = f"/usr/lib/postgresql/{PG_MAJOR}/bin"  # Debian's postgresql-15


def pg_bindir() -> Path:
    """The directory holding initdb and pg_ctl, or SetupError saying how to get them."""
    candidates = [os.environ.get("PG_BINDIR"), DEFAULT_BINDIR]
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        candidates.append(out.stdout.strip())
    for candidate in candidates:
        if candidate and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    raise SetupError(
        f"PostgreSQL {PG_MAJOR} server binaries (initdb, pg_ctl) were not found.\n"
        f"Install them with: apt-get install postgresql-{PG_MAJOR}\n"
        "or point PG_BINDIR at their directory, or set DATABASE_URL to use a running server."
    )


def has_pg_cron() -> bool:
    """Whether pg_cron's library is installed for these server binaries
    (Debian's postgresql-15-cron)."""
    try:
        return (pg_bindir().parent / "lib" / "pg_cron.so").exists()
    except SetupError:
        return False


def pg_cron_settings(database: str) -> dict[str, str]:
    """Server settings that load pg_cron for one database, where it is
    installed; its jobs run in background workers, so they need no login."""
    if not has_pg_cron():
        return {}
    return {"shared_preload_libraries": "pg_cron", "cron.database_name": database,
            "cron.use_background_workers": "on", "max_worker_processes": "16"}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _give_to_postgres(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


@dataclass
class Cluster:
    """A PostgreSQL data directory and the server running on it."""

    datadir: Path
    port: int
    password_file: Path | None = None  # superuser password; trust auth when None

    @property
    def logfile(self) -> Path:
        return self.datadir / "server.log"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = _as_postgres([str(pg_bindir() / args[0]), *args[1:]])
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if check and proc.returncode != 0:
            raise SetupError(f"{' '.join(args[:2])} failed:\n{proc.stdout}{proc.stderr}")
        return proc

    def initialized(self) -> bool:
        return (self.datadir / "PG_VERSION").exists()

    def init(self) -> None:
        """Create the data directory (once)."""
        if self.initialized():
            return
        self.datadir.mkdir(parents=True, exist_ok=True)
        self.datadir.chmod(0o700)
        _give_to_postgres(self.datadir)
        args = ["initdb", "-D", str(self.datadir), "-U", "postgres", "-E", "UTF8",
                "--locale=C.UTF-8", "--no-sync"]
        if self.password_file:
            shared = self.datadir.parent / ".initdb-pwfile"
            shutil.copy(self.password_file, shared)
            _give_to_postgres(shared)
            args += ["--auth=scram-sha-256", f"--pwfile={shared}"]
        else:
            args += ["--auth=trust"]
        try:
            proc = subprocess.run(_as_postgres([str(pg_bindir() / "initdb"), *args[1:]]),
                                  capture_output=True, text=True)
        finally:
            (self.datadir.parent / ".initdb-pwfile").unlink(missing_ok=True)
        if proc.returncode != 0:
            hint = ""
            if "Permission denied" in proc.stderr:
                hint = (f"\nThe postgres user must be able to reach {self.datadir}; "
                        "check the permissions of its parent folders.")
            raise SetupError(f"initdb failed:\n{proc.stdout}{proc.stderr}{hint}")

    def running(self) -> bool:
        return self.initialized() and self._run("pg_ctl", "status", "-D", str(self.datadir),
                                                 check=False).returncode == 0

    def start(self, settings: dict[str, str] | None = None) -> None:
        """Start the server on 127.0.0.1:port unless it already runs."""
        if self.running():
            return
        if port_is_open(self.port):
            raise SetupError(f"port {self.port} is taken by another program; "
                             "set JOBSAPI_PG_PORT to another port")
        options = {
            "port": str(self.port),
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.datadir),
            **(settings or {}),
        }
        opts = " ".join(f"-c {key}={value}" for key, value in options.items())
        self._run("pg_ctl", "start", "-D", str(self.datadir), "-l", str(self.logfile),
                  "-w", "-t", "60", "-o", opts)

    def stop(self) -> None:
        if self.running():
            self._run("pg_ctl", "stop", "-D", str(self.datadir), "-m", "fast", "-w")

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not port_is_open(self.port):
            if time.monotonic() > deadline:
                raise SetupError(f"PostgreSQL did not open port {self.port}; see {self.logfile}")
            time.sleep(0.1)
