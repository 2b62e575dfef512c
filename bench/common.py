"""Shared pieces of the benchmark and load runs: data set-up, a server, an HTTP client."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
FLASK = [str(VENV_BIN / "flask"), "--app", "coop_tracker"]
PASSWORD = "matning-losenord-2026"  # noqa: S105 - a throwaway benchmark account


def env_for(database_uri: str) -> dict[str, str]:
    env = dict(os.environ)
    env["COOP_TRACKER_SQLALCHEMY_DATABASE_URI"] = database_uri
    env.setdefault("COOP_TRACKER_SECRET_KEY", "bench-secret")
    return env


def flask(args: list[str], database_uri: str, stdin: str | None = None) -> tuple[float, str]:
    """Run a flask command; return (seconds, output)."""
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 - our own command line
        FLASK + args,
        cwd=ROOT,
        env=env_for(database_uri),
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return elapsed, result.stdout.strip()


def prepare_database(
    database_uri: str, *, scale: str = "national", seed: int = 1
) -> dict[str, Any]:
    """Migrate, seed, load demo data and bench users; return timings and a token."""
    timings: dict[str, Any] = {}
    timings["db_upgrade_s"], _ = flask(["db", "upgrade"], database_uri)
    timings["seed_s"], _ = flask(["seed"], database_uri)
    timings["demo_s"], summary = flask(
        ["demo", "--scale", scale, "--seed", str(seed)], database_uri
    )
    timings["demo_summary"] = summary
    for email, role, code in (
        ("bench-admin@example.se", "admin", None),
        ("bench-editor@example.se", "editor", "2062"),
        ("bench-reader@example.se", "reader", "2062"),
    ):
        args = ["users", "create", "--email", email, "--name", email.split("@")[0], "--role", role]
        if code:
            args += ["--municipality", code]
        flask(args, database_uri, stdin=PASSWORD + "\n")
    _, token = flask(["users", "token", "bench-admin@example.se"], database_uri)
    timings["token"] = token.splitlines()[-1]
    return timings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """gunicorn serving the app; stopped on exit."""

    database_uri: str
    workers: int = 2
    port: int = field(default_factory=free_port)
    log_path: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(VENV_BIN / "gunicorn"),
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--access-logfile",
                "/dev/null",
                "--error-logfile",
                str(self.log_path) if self.log_path else "-",
                "--log-level",
                "warning",
                "--timeout",
                "120",
                "coop_tracker:create_app()",
            ],
            cwd=ROOT,
            env=env_for(self.database_uri),
            # The application's own log (a 500's traceback, "database is locked") goes to the
            # same file as gunicorn's when one is given.
            stderr=self.log_path.open("ab") if self.log_path else None,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                status, _ = Client("127.0.0.1", self.port).get("/healthz")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        out = subprocess.run(  # noqa: S603
            ["/usr/bin/pgrep", "-P", str(self.process.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        return [int(pid) for pid in out.split()]

    def peak_worker_memory_mb(self) -> float:
        """The largest VmHWM (peak resident set) among the workers."""
        peaks = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"VmHWM:\s+(\d+) kB", status)
            if match:
                peaks.append(int(match.group(1)) / 1024)
        return max(peaks, default=0.0)

    def __exit__(self, *exc: Any) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


class Client:
    """A keep-alive HTTP client with a cookie jar, enough for logging in and browsing."""

    def __init__(self, host: str, port: int, token: str | None = None) -> None:
        self.host, self.port = host, port
        self.connection = http.client.HTTPConnection(host, port, timeout=120)
        self.cookies: dict[str, str] = {}
        self.token = token

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Accept": "text/html,application/json"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(extra or {})
        return headers

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=self._headers(headers))
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
                if attempt:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def get(self, path: str) -> tuple[int, bytes]:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, bytes]:
        body = urllib.parse.urlencode(fields).encode()
        return self.request(
            "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )

    def send_json(self, method: str, path: str, payload: Any) -> tuple[int, bytes]:
        return self.request(
            method, path, json.dumps(payload).encode(), {"Content-Type": "application/json"}
        )

    def login(self, email: str, password: str = PASSWORD) -> None:
        _, page = self.get("/login")
        match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
        token = match.group(1).decode() if match else ""
        status, _ = self.post_form(
            "/login", {"email": email, "password": password, "csrf_token": token}
        )
        if status not in (302, 303):
            raise RuntimeError(f"login as {email} failed with {status}")


class MailSink:
    """An SMTP server on loopback (aiosmtpd, a dev dependency) that counts what arrives."""

    def __init__(self) -> None:
        self.received = 0
        self.controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.received += 1
        return "250 OK"

    def start(self) -> tuple[str, str]:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())
        self.controller.start()
        return "127.0.0.1", str(self.controller.port)

    def take(self) -> int:
        count, self.received = self.received, 0
        return count

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
