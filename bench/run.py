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
import threading
import time
from datetime import date, datetime, timedelta
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
    # The default report, made in advance by the scheduler's job (run before the pages).
    ("Uppsikt PDF", "/municipalities/2062/oversight.pdf", "reader", 2000),
    # The same report for a selection never asked for before (a new "changes since" date each
    # time): what a reader of a filtered report waits for, and the first reader after a change
    # before the scheduler's next run.
    ("Uppsikt PDF, made anew", "/municipalities/2062/oversight.pdf?since={fresh}", "reader", 2000),
    ("Network page", "/network", "editor", 150),
    ("Graph JSON, whole country", "/api/v1/graph", "api", 500),
    ("Similar kommuner (API)", "/api/v1/municipalities/2062/similar", "api", 150),
    ("API agreement list", "/api/v1/agreements?page=5&per_page=50", "api", 100),
    ("API agreement", "/api/v1/agreements/{agreement}", "api", 100),
]

# Pages timed while another client edits agreements, one edit a second (issue #17: any edit
# used to drop every worker's network and the next view paid the whole rebuild).
PAGES_UNDER_EDITS: list[tuple[str, str, str, float]] = [
    ("Graph JSON, whole country, edits going on", "/api/v1/graph", "api", 500),
    ("Network page, whole country, edits going on", "/network", "editor", 500),
]
EDIT_INTERVAL_S = 1.0
EDITS_FOR_S = 30.0


class Editor(threading.Thread):
    """Edits agreements through the API once a second until stopped, in a fixed rotation of
    what editors do: a cost note (three times), a title, and an area added or taken away
    (which changes the network itself)."""

    def __init__(self, client: Client, ids: list[int]) -> None:
        super().__init__(daemon=True)
        self.client, self.ids = client, ids
        self.stopped = threading.Event()
        self.edits = 0
        self.failures = 0

    def run(self) -> None:
        number = 0
        while not self.stopped.wait(EDIT_INTERVAL_S):
            number += 1
            agreement = self.ids[number % len(self.ids)]
            status, body = self.client.get(f"/api/v1/agreements/{agreement}")
            if status != 200:
                self.failures += 1
                continue
            current = json.loads(body)
            change: dict[str, Any] = {"version": current["version"]}
            kind = number % 5
            if kind == 3:
                change["title"] = f"{current['title'].split(' (')[0]} (ändrad {number})"
            elif kind == 4:
                areas = list(current["areas"])
                change["areas"] = (
                    [a for a in areas if a != "kultur"] if "kultur" in areas else [*areas, "kultur"]
                ) or ["kultur"]
            else:
                change["cost_note"] = f"Mätning {number} {time.time()}"
            status, _ = self.client.send_json("PATCH", f"/api/v1/agreements/{agreement}", change)
            if status == 200:
                self.edits += 1
            else:
                self.failures += 1

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=30)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def fresh_paths(path: str) -> Any:
    """The path, or with {fresh} a different date each time (a report not made before)."""
    day = date(2024, 1, 1)
    while True:
        day += timedelta(days=1)
        yield path.replace("{fresh}", day.isoformat())


def measure(client: Client, path: str, repeat: int, seconds: float = 0.0) -> dict[str, Any]:
    """``repeat`` timed requests, and more until ``seconds`` have passed."""
    paths = fresh_paths(path)
    status, _ = client.get(next(paths))
    for _ in range(2):  # warm-up
        client.get(next(paths))
    times: list[float] = []
    started_all = time.perf_counter()
    while len(times) < repeat or time.perf_counter() - started_all < seconds:
        target = next(paths)
        started = time.perf_counter()
        status, _ = client.get(target)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "status": status,
        "median_ms": statistics.median(times),
        "p95_ms": percentile(times, 95),
        "n": len(times),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--scale", default="national")
    parser.add_argument("--database", help="reuse a prepared database URL (skips set-up)")
    parser.add_argument("--token", help="API token for --database")
    parser.add_argument("-o", "--output", default="bench/results/latest.json")
    parser.add_argument(
        "--only", help="time only the pages whose name contains this text (and the bare page)"
    )
    parser.add_argument("--no-commands", action="store_true", help="skip the command timings")
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

    # The web workers and the scheduler's job share one report folder, new for the run.
    os.environ["COOP_TRACKER_REPORT_DIR"] = str(workdir / "reports")
    # What the scheduler does after a change (or each morning): the default report of every
    # kommun with users made in advance. "Uppsikt PDF" below is then the stored file.
    seconds, out = flask(["reports", "render"], uri)
    results["reports_made_in_advance"] = {"seconds": seconds, "output": out}
    print(f"  scheduler's report job: {out.splitlines()[-1] if out else ''}", flush=True)

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
            if args.only and bare is not None and args.only.casefold() not in name.casefold():
                continue
            row = {
                "name": name,
                "path": path.replace("{agreement}", agreement),
                "target_p95_ms": target,
            }
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
        _, body = clients["api"].get("/api/v1/agreements?phase=active&per_page=50&page=3")
        editable = [item["id"] for item in json.loads(body)["items"]]
        for name, path, who, target in PAGES_UNDER_EDITS:
            if args.only and args.only.casefold() not in name.casefold():
                continue
            editor = Editor(Client("127.0.0.1", server.port, token=token), editable)
            editor.start()
            row = {"name": name, "path": path, "target_p95_ms": target}
            try:
                # At least 30 s, so that some 30 edits fall inside the timed requests.
                row.update(measure(clients[who], path, args.repeat, seconds=EDITS_FOR_S))
            finally:
                editor.stop()
            row["edits_during_run"] = editor.edits
            row["failed_edits"] = editor.failures
            row["ratio_to_bare"] = row["p95_ms"] / bare if bare else None
            row["meets_target"] = row["status"] == 200 and row["p95_ms"] <= target
            results["pages"].append(row)
            flag = "ok " if row["meets_target"] else "MISS"
            print(
                f"  {flag} {name:45s} {row['status']} median {row['median_ms']:7.1f} ms  "
                f"p95 {row['p95_ms']:7.1f} ms  ({editor.edits} edits, "
                f"{editor.failures} failed)",
                flush=True,
            )
        results["peak_worker_memory_mb"] = server.peak_worker_memory_mb()
        print(f"  peak worker memory {results['peak_worker_memory_mb']:.0f} MB (target ≤ 300)")

    if args.no_commands:
        return _write(results, args.output)
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
    return _write(results, args.output)


def _write(results: dict[str, Any], path: str) -> int:
    output = Path(path)
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
