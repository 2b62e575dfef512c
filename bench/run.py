"""`make bench`: build the national data set and measure real pages over real HTTP.

Reports median and 95th percentile per page, and each page as a ratio to a bare page with the
same layout and no data access (the accessibility statement) measured in the same run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Client, MailSink, Server, flask, prepare_database  # noqa: E402

# (name, path, who, target p95 in ms). {agreement} is replaced by a real agreement id.
PAGES: list[tuple[str, str, str, float]] = [
    ("Bare page (layout, no data)", "/tillganglighet", "editor", 150),
    ("Start page", "/", "editor", 150),
    (
        "Agreement list: filtered, sorted, page 50",
        "/agreements/?phase=active&sort=-start_on&page=50",
        "editor",
        150,
    ),
    ("Agreement list: free text", "/agreements/?q=milj%C3%B6", "editor", 150),
    ("Agreement detail", "/agreements/{agreement}", "editor", 150),
    ("Municipality page", "/municipalities/2062", "editor", 150),
    ("Municipality list", "/municipalities/", "editor", 150),
    ("Uppsikt page", "/municipalities/2062/oversight", "reader", 150),
    ("Uppsikt PDF", "/municipalities/2062/oversight.pdf", "reader", 2000),
    ("Network page", "/network", "editor", 150),
    ("Graph JSON, whole country", "/api/v1/graph", "api", 500),
    ("Similar kommuner (API)", "/api/v1/municipalities/2062/similar", "api", 150),
    ("API agreement list", "/api/v1/agreements?page=5&per_page=50", "api", 100),
    ("API agreement", "/api/v1/agreements/{agreement}", "api", 100),
]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def measure(client: Client, path: str, repeat: int) -> dict[str, Any]:
    status, _ = client.get(path)
    for _ in range(2):  # warm-up
        client.get(path)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        status, _ = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "status": status,
        "median_ms": statistics.median(times),
        "p95_ms": percentile(times, 95),
        "n": repeat,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--scale", default="national")
    parser.add_argument("--database", help="reuse a prepared database URL (skips set-up)")
    parser.add_argument("--token", help="API token for --database")
    parser.add_argument("-o", "--output", default="bench/results/latest.json")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="coop-bench-"))
    results: dict[str, Any] = {"pages": [], "commands": []}
    if args.database:
        uri, token = args.database, args.token
    else:
        uri = f"sqlite:///{workdir / 'bench.sqlite3'}"
        print(f"Building the {args.scale} data set in {uri} …", flush=True)
        setup = prepare_database(uri, scale=args.scale)
        token = setup.pop("token")
        results["setup"] = setup
        print(f"  {setup['demo_summary']} ({setup['demo_s']:.1f} s)", flush=True)

    with Server(uri, workers=2) as server:
        clients = {
            "editor": Client("127.0.0.1", server.port),
            "reader": Client("127.0.0.1", server.port),
            "api": Client("127.0.0.1", server.port, token=token),
        }
        clients["editor"].login("bench-editor@example.se")
        clients["reader"].login("bench-reader@example.se")
        _, body = clients["api"].get("/api/v1/agreements?municipality=2062&per_page=1")
        items = json.loads(body)["items"]
        agreement = str(items[0]["id"]) if items else "1"
        bare = None
        for name, path, who, target in PAGES:
            row = {"name": name, "path": path.format(agreement=agreement), "target_p95_ms": target}
            row.update(measure(clients[who], row["path"], args.repeat))
            if bare is None:
                bare = row["p95_ms"]
            row["ratio_to_bare"] = row["p95_ms"] / bare if bare else None
            row["meets_target"] = row["status"] == 200 and row["p95_ms"] <= target
            results["pages"].append(row)
            flag = "ok " if row["meets_target"] else "MISS"
            print(
                f"  {flag} {name:45s} {row['status']} median {row['median_ms']:7.1f} ms  "
                f"p95 {row['p95_ms']:7.1f} ms  ×{row['ratio_to_bare']:.1f}",
                flush=True,
            )
        results["peak_worker_memory_mb"] = server.peak_worker_memory_mb()
        print(f"  peak worker memory {results['peak_worker_memory_mb']:.0f} MB (target ≤ 300)")

    import_file = workdir / "import-5000.csv"
    try:
        make_import_file(uri, workdir, import_file, rows=5000)
    except RuntimeError as error:  # the import row then reports the failure
        print(f"  could not build the import file: {error}", flush=True)
    sink = MailSink()  # the sweep sends real e-mail over SMTP to a local sink
    os.environ["COOP_TRACKER_MAIL_SERVER"], os.environ["COOP_TRACKER_MAIL_PORT"] = sink.start()
    for name, command, target in commands(workdir, import_file):
        try:
            seconds, _out = flask(command, uri)
            if command[:2] == ["reminders", "send-due"]:
                name = f"{name}: {_out.splitlines()[-1] if _out else ''}"
            row = {
                "name": name,
                "seconds": seconds,
                "target_s": target,
                "meets_target": seconds <= target,
            }
        except RuntimeError as error:
            row = {
                "name": name,
                "error": str(error)[:500],
                "target_s": target,
                "meets_target": False,
            }
        results["commands"].append(row)
        if name.startswith("Reminder sweep"):
            row["emails_received"] = sink.take()
        shown = f"{row['seconds']:.1f} s" if "seconds" in row else "FAILED"
        print(f"  {'ok ' if row['meets_target'] else 'MISS'} {name:45s} {shown}", flush=True)

    sink.stop()
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"Results written to {output}")
    return 0


def commands(workdir: Path, import_file: Path) -> list[tuple[str, list[str], float]]:
    """The command-line measurements (name, flask arguments, target seconds)."""
    return [
        # The first sweep over the national data plans every deadline and sends the whole
        # backlog (every reminder already due, some 2,000 digests); the second is the next
        # day's ordinary sweep: plan again (nothing new) and send what fell due.
        ("Reminder sweep, first run (backlog)", ["reminders", "send-due"], 10),
        (
            "Reminder sweep, next day",
            ["reminders", "send-due", "--today", tomorrow()],
            10,
        ),
        (
            "XLSX export of everything",
            ["exchange", "export", "--format", "xlsx", "-o", str(workdir / "all.xlsx")],
            15,
        ),
        ("Import of 5,000 new agreements (CSV)", ["exchange", "import", str(import_file)], 30),
    ]


def tomorrow() -> str:
    """The next day in Sweden (the sweep's own calendar)."""
    from zoneinfo import ZoneInfo

    return (datetime.now(ZoneInfo("Europe/Stockholm")).date() + timedelta(days=1)).isoformat()


def make_import_file(uri: str, workdir: Path, target: Path, rows: int) -> None:
    """A CSV of ``rows`` new agreements in the exchange format: the first rows of a full CSV
    export with fresh external ids and no Samverkanskollen id, so each row creates one."""
    export = workdir / "all.csv"
    flask(["exchange", "export", "--format", "csv", "-o", str(export)], uri)
    with export.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        header = next(reader)
        external, own_id = header.index("Externt id"), header.index("Id")
        with target.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out, delimiter=";")
            writer.writerow(header)
            for number, row in enumerate(reader, start=1):
                if number > rows:
                    break
                row[external], row[own_id] = f"BENCH-{number:05d}", ""
                writer.writerow(row)


if __name__ == "__main__":
    raise SystemExit(main())
