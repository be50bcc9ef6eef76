"""A PostgreSQL server of our own in a folder: `initdb`, then `pg_ctl start` listening only
on a Unix socket in that folder (no TCP port to collide with, nobody else's to reach). The
tests start one per run, and `make relay` one to try the relay with.
"""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
from pathlib import Path

DATABASE = "inbox_relay"


class PostgresMissing(RuntimeError):
    """No PostgreSQL server programs on this machine (initdb, pg_ctl)."""


def server_programs() -> tuple[str, str] | None:
    """initdb and pg_ctl: on the PATH, else in Debian's versioned folder."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return initdb, pg_ctl
    for version in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (version / "initdb").exists() and (version / "pg_ctl").exists():
            return str(version / "initdb"), str(version / "pg_ctl")
    return None


def server_user() -> str | None:
    """Who runs the server: PostgreSQL refuses root, so as root another user does (Debian's
    `postgres`, else `nobody`); None: whoever runs this."""
    if os.geteuid() != 0:
        return None
    import pwd

    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise PostgresMissing("as root, PostgreSQL needs a user of its own (postgres or nobody)")


class LocalPostgres:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.socket_dir = folder / "socket"
        self.log = folder / "postgres.log"
        self.user = server_user()

    @property
    def role(self) -> str:
        return self.user or getpass.getuser()

    @property
    def dsn(self) -> str:
        return f"host={self.socket_dir} dbname={DATABASE} user={self.role}"

    def _run(self, args: list[str]) -> None:
        env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
        done = subprocess.run(args, capture_output=True, env=env, user=self.user, check=False)
        if done.returncode != 0:
            said = (done.stderr or done.stdout).decode(errors="replace").strip()
            raise RuntimeError(f"{Path(args[0]).name} failed: {said[-500:]}")

    def _own(self) -> None:
        if self.user is None:
            return
        import pwd

        entry = pwd.getpwnam(self.user)
        for path in (self.folder, self.data, self.socket_dir):
            if path.exists():
                os.chown(path, entry.pw_uid, entry.pw_gid)

    def start(self) -> str:
        """Starts it (made first if the folder is new) and gives its connection string."""
        programs = server_programs()
        if programs is None:
            raise PostgresMissing("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
        initdb, pg_ctl = programs
        if self.running():
            return self.dsn  # left running by a run that was killed: carry on with it
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        self._own()
        fresh = not (self.data / "PG_VERSION").exists()
        if fresh:
            init = [initdb, "-D", str(self.data), "-A", "trust", "-E", "UTF8", "--no-sync"]
            self._run([*init, "-U", self.role])
        options = (
            f"-c listen_addresses='' -c unix_socket_directories='{self.socket_dir}' "
            "-c fsync=off -c max_connections=100"
        )
        start = [pg_ctl, "-D", str(self.data), "-l", str(self.log), "-o", options, "-w"]
        self._run([*start, "-t", "30", "start"])
        if fresh:
            self._create_database()
        return self.dsn

    def _create_database(self) -> None:
        import psycopg

        admin = f"host={self.socket_dir} dbname=postgres user={self.role}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")

    def running(self) -> bool:
        programs = server_programs()
        if programs is None or not (self.data / "postmaster.pid").exists():
            return False
        status = subprocess.run(
            [programs[1], "-D", str(self.data), "status"],
            capture_output=True,
            check=False,
            user=self.user,
        )
        return status.returncode == 0

    def stop(self) -> None:
        programs = server_programs()
        if programs is None or not (self.data / "postmaster.pid").exists():
            return
        subprocess.run(
            [programs[1], "-D", str(self.data), "-m", "fast", "-w", "stop"],
            capture_output=True,
            check=False,
            user=self.user,
        )
