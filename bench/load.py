"""`make load`: gunicorn with 4 workers, 50 concurrent clients for 60 s, 90 % reads and 10 % edits.

Runs once on SQLite and once on PostgreSQL (when reachable). Reports throughput, p95 and errors;
an error is any 5xx, connection failure or "database is locked" in the server log. Each client
edits its own agreements, so a 409 would be a real lost-update bug and is counted as an error.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Client, Server, prepare_database  # noqa: E402
from bench.run import percentile  # noqa: E402

READS = [
    "/agreements/?page={page}",
    "/agreements/?phase=active&sort=-start_on&page={page}",
    "/agreements/{agreement}",
    "/municipalities/{code}",
    "/",
    "/api/v1/agreements?page={page}&per_page=50",
    "/api/v1/agreements/{agreement}",
]
CODES = ["2062", "2034", "2039", "2021", "2023", "0180", "1480", "1280", "2480", "0380"]


def worker(
    index: int,
    port: int,
    token: str,
    cookies: dict[str, str],
    ids: list[int],
    stop: float,
    out: list[dict[str, Any]],
) -> None:
    rng = random.Random(index)
    web = Client("127.0.0.1", port)
    # One logged-in session shared by every client: fifty logins from one address in a second
    # would (rightly) trip the login rate limit.
    web.cookies = dict(cookies)
    api = Client("127.0.0.1", port, token=token)
    own = ids[index::50][:20] or ids[:1]
    while time.time() < stop:
        started = time.perf_counter()
        kind = "read"
        try:
            if rng.random() < 0.10:
                kind = "edit"
                agreement = rng.choice(own)
                status, body = api.get(f"/api/v1/agreements/{agreement}")
                version = json.loads(body)["version"]
                status, body = api.send_json(
                    "PATCH",
                    f"/api/v1/agreements/{agreement}",
                    {"version": version, "cost_note": f"Belastningstest {index} {time.time()}"},
                )
            else:
                path = rng.choice(READS).format(
                    page=rng.randint(1, 100), agreement=rng.choice(ids), code=rng.choice(CODES)
                )
                client = api if path.startswith("/api/") else web
                status, body = client.get(path)
            error = status >= 500 or (kind == "edit" and status != 200)
        except Exception as exc:  # noqa: BLE001 - every failure is counted
            status, error = 0, True
            body = str(exc).encode()
        out.append(
            {
                "kind": kind,
                "status": status,
                "error": error,
                "ms": (time.perf_counter() - started) * 1000,
                "detail": body[:200].decode(errors="replace") if error else "",
            }
        )


def run(database_uri: str, token: str, seconds: int, clients: int) -> dict[str, Any]:
    log = Path(tempfile.mkstemp(prefix="coop-load-", suffix=".log")[1])
    with Server(database_uri, workers=4, log_path=log) as server:
        browser = Client("127.0.0.1", server.port)
        browser.login("bench-editor@example.se")
        probe = Client("127.0.0.1", server.port, token=token)
        _, body = probe.get("/api/v1/agreements?per_page=200&phase=active")
        ids = [item["id"] for item in json.loads(body)["items"]]
        if len(ids) < clients:
            raise RuntimeError("the load run needs an active agreement per client")
        results: list[dict[str, Any]] = []
        stop = time.time() + seconds
        threads = [
            threading.Thread(
                target=worker,
                args=(i, server.port, token, browser.cookies, ids, stop, results),
            )
            for i in range(clients)
        ]
        started = time.time()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.time() - started
    locked = "database is locked" in log.read_text() if log.exists() else False
    times = [r["ms"] for r in results]
    errors = [r for r in results if r["error"]]
    return {
        "requests": len(results),
        "throughput_rps": len(results) / elapsed,
        "p95_ms": percentile(times, 95) if times else None,
        "median_ms": statistics.median(times) if times else None,
        "edits": sum(1 for r in results if r["kind"] == "edit"),
        "errors": len(errors),
        "error_samples": errors[:5],
        "database_locked": locked,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--scale", default="national")
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/coop_load"
    )
    parser.add_argument("-o", "--output", default="bench/results/load.json")
    args = parser.parse_args()
    report: dict[str, Any] = {}
    workdir = Path(tempfile.mkdtemp(prefix="coop-load-"))
    targets = {"sqlite": f"sqlite:///{workdir / 'load.sqlite3'}"}
    if args.postgres and _reset_postgres(args.postgres):
        targets["postgresql"] = args.postgres
    for name, uri in targets.items():
        print(f"== {name}: preparing {args.scale} data …", flush=True)
        setup = prepare_database(uri, scale=args.scale)
        print(f"== {name}: {args.clients} clients for {args.seconds} s", flush=True)
        report[name] = run(uri, setup["token"], args.seconds, args.clients)
        r = report[name]
        print(
            f"   {r['requests']} requests, {r['throughput_rps']:.0f} req/s,"
            f" p95 {r['p95_ms']:.0f} ms, {r['edits']} edits, {r['errors']} errors,"
            f" locked: {r['database_locked']}",
            flush=True,
        )
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 0 if all(r["errors"] == 0 and not r["database_locked"] for r in report.values()) else 1


def _reset_postgres(url: str) -> bool:
    """Recreate the load database; False (with a message) when PostgreSQL is not reachable."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = target.set(database="postgres")
    try:
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}"'))
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
        engine.dispose()
    except Exception as error:  # noqa: BLE001
        print(f"PostgreSQL not reachable ({error}); skipping the PostgreSQL run.")
        return False
    return True


if __name__ == "__main__":
    raise SystemExit(main())
