"""The built wheel is the whole application: installed into a fresh virtual environment outside
the checkout, it migrates a database, serves pages in both languages and its static files.

To stay offline and fast, the wheel is built without build isolation and installed without its
dependencies; the fresh environment borrows the dependencies (only those) from the running one
through a path entry. Everything of coop_tracker itself comes from the wheel: the test checks
that the package it imports lives inside the new environment.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest

from coop_tracker import PROJECT_ROOT

PASSWORD = "ett-langt-och-ovanligt-losenord-2026"


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet"]
        + ["--wheel-dir", str(out), str(PROJECT_ROOT)],
        cwd=out,
    )
    (built,) = out.glob("coop_tracker-*.whl")
    return built


def test_the_wheel_carries_templates_static_migrations_translations_and_checklists(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = [
        "coop_tracker/templates/base.html",
        "coop_tracker/templates/errors/error.html",
        "coop_tracker/static/favicon.svg",
        "coop_tracker/migrations/env.py",
        "coop_tracker/migrations/alembic.ini",
        "coop_tracker/translations/en/LC_MESSAGES/messages.mo",
        "coop_tracker/checklists/data/before.toml",
        "coop_tracker/demo/data/agreements.toml",
        "coop_tracker/demo/data/national.toml",
        "coop_tracker/gunicorn_conf.py",
    ]
    assert [name for name in expected if name not in names] == []
    versions = {n for n in names if n.startswith("coop_tracker/migrations/versions/")}
    in_checkout = {p.name for p in (PROJECT_ROOT / "migrations" / "versions").glob("*.py")}
    assert {Path(n).name for n in versions} == in_checkout
    vendored = {n for n in names if n.startswith("coop_tracker/static/vendor/")}
    assert vendored, "vendored front-end files missing"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_installed_wheel_migrates_and_serves_from_any_directory(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
        ).stdout.strip()
    )
    # Dependencies only: the running environment's site-packages, after the new one's own.
    (site / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
        + ["--no-deps", "--no-index", str(wheel)]
    )

    workdir = tmp_path / "elsewhere"  # neither the checkout nor the venv
    workdir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COOP_TRACKER_", "PYTHON"))}
    env |= {
        "COOP_TRACKER_INSTANCE_PATH": str(tmp_path / "instance"),
        "COOP_TRACKER_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "COOP_TRACKER_INSTANCE_ID": "test-installation",
    }
    flask = [str(python), "-m", "flask", "--app", "coop_tracker"]

    where = _run(
        [str(python), "-c", "import coop_tracker; print(coop_tracker.__file__)"],
        cwd=workdir,
        env=env,
    ).stdout.strip()
    assert where.startswith(str(venv)), where

    upgraded = _run([*flask, "upgrade"], cwd=workdir, env=env)
    assert "290 kommuner" in upgraded.stdout
    _run(
        [*flask, "users", "create", "--email", "admin@example.se", "--name", "Admin"]
        + ["--role", "admin"],
        cwd=workdir,
        env=env,
        input=PASSWORD + "\n",
    )

    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [str(python), "-m", "gunicorn", "-c", "python:coop_tracker.gunicorn_conf"]
        + ["--workers", "1", "--bind", f"127.0.0.1:{port}", "coop_tracker:create_app()"],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(path: str) -> tuple[int, str]:
        try:
            with opener.open(base + path, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body = get("/healthz")
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        assert status == 200, body
        assert get("/readyz")[0] == 200

        status, login = get("/login")
        assert status == 200 and "Logga in" in login
        assert get("/static/favicon.svg")[0] == 200
        token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
        form = urllib.parse.urlencode(
            {"email": "admin@example.se", "password": PASSWORD, "csrf_token": token}
        ).encode()
        with opener.open(base + "/login", data=form, timeout=60) as response:
            start = response.read().decode()
        assert response.status == 200 and "Logga ut" in start

        # The compiled English catalogue came with the wheel.
        status, english = get("/sprak/en?next=/")
        assert status == 200 and '<html lang="en">' in english
        assert "Log out" in english and "Logga ut" not in english
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    # The access log (the app's own) named each request with its request id.
    assert re.search(
        r'\[[0-9a-f]{32}\] coop_tracker\.access: 127\.0\.0\.1 "GET /login" 200', output
    )


_IMPORTED = """
import importlib, json, pkgutil, sys
import coop_tracker
from coop_tracker import create_app
create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
for info in pkgutil.walk_packages(coop_tracker.__path__, "coop_tracker."):
    importlib.import_module(info.name)
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


# Imported only when present (inside ``try: … except ImportError``) by a dependency, so not
# needed by the installed application: flask-smorest's YAML output of the OpenAPI document,
# Mako's (Alembic's templates) syntax highlighting of its error pages.
OPTIONAL_IMPORTS = {"yaml", "pygments"}


def _declared_closure() -> set[str]:
    """Every distribution the package's own requirements bring, transitively, with the extras
    each requirement asks for (``fonttools[woff]`` brings brotli)."""
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    seen: set[tuple[str, str]] = set()
    todo: list[tuple[str, str]] = [("coop-tracker", "")]
    while todo:
        name, extra = todo.pop()
        if (name, extra) in seen:
            continue
        seen.add((name, extra))
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for line in requires:
            requirement = Requirement(line)
            if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
                continue
            dist = canonicalize_name(requirement.name)
            todo.append((dist, ""))
            todo.extend((dist, wanted) for wanted in requirement.extras)
    return {name for name, _extra in seen}


def test_every_library_the_app_imports_is_a_declared_dependency():
    """The wheel installs only what pyproject declares: a library the app imports that comes
    only with the dev tools (Authlib's Flask client needs requests, and Authlib does not
    declare it) would make the installed application fail at its first command."""
    from importlib import metadata

    from packaging.utils import canonicalize_name

    out = subprocess.run(
        [sys.executable, "-c", _IMPORTED], capture_output=True, text=True, check=True
    ).stdout
    modules = json.loads(out.strip().splitlines()[-1])
    owners = metadata.packages_distributions()
    declared = _declared_closure()
    missing = sorted(
        {
            canonicalize_name(dist)
            for module in modules
            if module not in sys.stdlib_module_names
            and module not in ("coop_tracker", "_distutils_hack")  # setuptools' site hook
            and module not in OPTIONAL_IMPORTS
            for dist in owners.get(module, [])
        }
        - declared
    )
    assert missing == []
