"""The test database: a private PostgreSQL cluster from Debian's server binaries, or SQLite.

The suite runs on PostgreSQL whenever /usr/lib/postgresql/<version>/bin holds `initdb` and
`postgres` (Debian's `postgresql` package); FLOWCAST_TEST_DATABASE=postgres|sqlite forces
one. A DATABASE_URL that already names a PostgreSQL server is used as it is.

The cluster is started like the embedded broker (pipelines.dev.embedded): `initdb` into a
temporary folder, `postgres` on a free loopback port with its unix socket in that folder,
stopped by PID at the end and the folder removed. PostgreSQL refuses to run as root: as
root, both run as Debian's `postgres` user (or `nobody`), who owns the folder.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import stat
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

import psycopg

from pipelines.dev.embedded import EmbeddedService, EmbeddedServiceError

SERVER_ROOT = Path("/usr/lib/postgresql")
CHOICE = "FLOWCAST_TEST_DATABASE"
SUPERUSER = "flowcast"
DATABASE = "flowcast"  # the test database is test_flowcast, created by Django
INITDB_TIMEOUT = 120.0


def server_bin_dir() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin with `initdb` and `postgres`, if any."""
    found = [
        (int(bindir.parent.name), bindir)
        for bindir in SERVER_ROOT.glob("*/bin")
        if bindir.parent.name.isdigit()
        and (bindir / "initdb").is_file()
        and (bindir / "postgres").is_file()
    ]
    return max(found)[1] if found else None


def wants_private_cluster(configured_engine: str) -> bool:
    """Whether the suite should start its own cluster instead of using `configured_engine`."""
    choice = os.environ.get(CHOICE, "").strip().lower()
    if choice not in ("", "postgres", "sqlite"):
        raise ValueError(f"{CHOICE} must be postgres or sqlite, got {choice!r}")
    if configured_engine.endswith("postgresql") or choice == "sqlite":
        return False
    if server_bin_dir() is None:
        if choice == "postgres":
            raise EmbeddedServiceError(
                f"{CHOICE}=postgres, but no initdb and postgres in {SERVER_ROOT}/<version>/bin: "
                "apt-get install postgresql"
            )
        return False
    return True


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL naming the database of `settings_dict`, for child processes."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = quote(settings_dict["USER"], safe="")
    password = quote(settings_dict["PASSWORD"], safe="")
    host, port, name = settings_dict["HOST"], settings_dict["PORT"], settings_dict["NAME"]
    return f"postgres://{user}:{password}@{host}:{port}/{quote(name, safe='')}"


class PostgresCluster(EmbeddedService):
    """A throwaway cluster: initdb'd on start, fast shut down and deleted on stop."""

    name = "postgres"

    def __init__(self, bindir: Path | None = None) -> None:
        bindir = bindir or server_bin_dir()
        if bindir is None:
            raise EmbeddedServiceError(f"no PostgreSQL server binaries in {SERVER_ROOT}")
        self.bindir = bindir
        self.password = secrets.token_hex(16)
        self.account = _server_account()
        self._folder: Path | None = None  # made by start(), removed by stop()
        # A workdir given, so EmbeddedService neither makes nor removes one of its own.
        super().__init__(workdir=tempfile.gettempdir())

    @property
    def data_dir(self) -> Path:
        return self.workdir / "data"

    def settings(self, name: str = DATABASE) -> dict[str, str]:
        """The DATABASES keys that point Django at database `name` of this cluster."""
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": SUPERUSER,
            "PASSWORD": self.password,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
        }

    def start(self) -> PostgresCluster:
        parent = _parent_folder(self.account)
        self.workdir = self._folder = Path(tempfile.mkdtemp(prefix="flowcast-pg-", dir=parent))
        try:
            if self.account:
                os.chown(self.workdir, *self.account)
            self._initdb()
        except BaseException:
            self.stop()
            raise
        return super().start()

    def stop(self) -> None:
        if self.process is not None:
            # SIGINT is the server's fast shutdown: it ends open sessions. EmbeddedService's
            # SIGTERM alone would be a smart shutdown, which waits for every client to leave.
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGINT)
        super().stop()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def command(self) -> list[str]:
        settings = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.workdir),
            # Every daphne and worker a test starts holds a small connection pool.
            "max_connections": "300",
            # A cluster that is deleted at the end needs no durability.
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
        }
        options = [arg for key, value in settings.items() for arg in ("-c", f"{key}={value}")]
        server = [str(self.bindir / "postgres"), "-D", str(self.data_dir), "-p", str(self.port)]
        return [*self._as_account(), *server, *options]

    def probe(self) -> None:
        conninfo = self.settings("postgres")
        psycopg.connect(
            host=conninfo["HOST"],
            port=conninfo["PORT"],
            user=conninfo["USER"],
            password=conninfo["PASSWORD"],
            dbname=conninfo["NAME"],
            connect_timeout=1,
        ).close()

    def _initdb(self) -> None:
        password_file = self.workdir / "password"
        password_file.write_text(self.password)
        if self.account:
            os.chown(password_file, *self.account)
        argv = [
            *self._as_account(),
            str(self.bindir / "initdb"),
            *("-D", str(self.data_dir), "-U", SUPERUSER, "--pwfile", str(password_file)),
            *("--auth", "scram-sha-256", "--encoding", "UTF8", "--locale", "C.UTF-8"),
            "--no-sync",
        ]
        try:
            result = subprocess.run(
                argv,
                cwd=self.workdir,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=INITDB_TIMEOUT,
            )
        finally:
            password_file.unlink()
        if result.returncode != 0:
            raise EmbeddedServiceError(
                f"initdb failed (status {result.returncode})\n"
                f"  command: {subprocess.list2cmdline(argv)}\n"
                f"  output:\n{(result.stdout + result.stderr).rstrip()}"
            )

    def _as_account(self) -> list[str]:
        """The argv prefix that runs a command as the cluster's account (none if not root)."""
        if self.account is None:
            return []
        uid, gid = self.account
        return ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--"]


def _parent_folder(account: tuple[int, int] | None) -> str:
    """Where the cluster's folder goes: the temp dir, unless the server's account could not
    reach it (a private TMPDIR) or the socket's path would be too long for Unix (107 bytes)."""
    base = Path(tempfile.gettempdir())
    hidden = account is not None and not all(
        folder.stat().st_mode & stat.S_IXOTH for folder in (base, *base.parents)
    )
    return "/tmp" if hidden or len(str(base)) > 64 else str(base)


def _server_account() -> tuple[int, int] | None:
    """(uid, gid) the server runs as when we are root; None: run as ourselves."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(name)
            return entry.pw_uid, entry.pw_gid
    raise EmbeddedServiceError(
        "PostgreSQL refuses to run as root, and there is no postgres or nobody user to run it as"
    )
