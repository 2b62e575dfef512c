"""`make bench-report`: the meeting report (Uppsikt PDF) rendered anew, in one process.

What the first reader after a change waits for: the stored file is removed before every run,
so each one makes the whole report (queries, template, WeasyPrint layout, tagged PDF). Reports
CPU time (``time.process_time``: steady on a shared machine, where wall-clock time is not) and
wall-clock time per render (median and 95th percentile), the number of pages, and the peak
resident memory of the process (VmHWM, as for a gunicorn worker: the app, its caches and the
render). ``--profile`` writes a pyinstrument profile of one more render. Then the same report
served from the stored file (CPU and wall time), as a reader gets it once the scheduler, or an
earlier reader, has made it.

    .venv/bin/python bench/report.py --database sqlite:////path/to/national.sqlite3
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import prepare_database  # noqa: E402
from bench.run import percentile  # noqa: E402


def peak_memory_mb() -> float:
    status = Path("/proc/self/status").read_text()
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else 0.0


def page_count(body: bytes) -> int:
    import io

    import pikepdf  # a dev dependency, as the tests read the PDF back with it

    with pikepdf.open(io.BytesIO(body)) as pdf:
        return len(pdf.pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", help="a prepared database URL (else the national set)")
    parser.add_argument("--code", default="2062", help="the kommun (default Mora)")
    parser.add_argument("--reader", default="bench-reader@example.se")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--query", default="", help="filters, e.g. 'attention=1'")
    parser.add_argument("--profile", help="write a pyinstrument profile here (.html or .txt)")
    parser.add_argument("-o", "--output", default="bench/results/report.json")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="coop-report-bench-"))
    uri = args.database
    if not uri:
        uri = f"sqlite:///{workdir / 'bench.sqlite3'}"
        print(f"Building the national data set in {uri} …", flush=True)
        prepare_database(uri, scale="national")

    from sqlalchemy import select

    from coop_tracker import create_app
    from coop_tracker.extensions import db
    from coop_tracker.users.models import User

    reports = workdir / "reports"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": uri, "REPORT_DIR": str(reports), "SECRET_KEY": "bench"}
    )
    client = app.test_client()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == args.reader))
        if user is None:
            print(f"No user {args.reader} in {uri}", file=sys.stderr)
            return 2
        session_id = user.get_id()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True
    path = f"/municipalities/{args.code}/oversight.pdf" + (f"?{args.query}" if args.query else "")
    html_path = path.replace("oversight.pdf", "oversight/report")

    def render() -> tuple[float, float, bytes]:
        shutil.rmtree(reports, ignore_errors=True)  # a report not made before
        cpu, wall = time.process_time(), time.perf_counter()
        response = client.get(path)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        return cpu * 1000, wall * 1000, response.data

    render()  # warm-up: templates compiled, fonts loaded, as in a worker that has served one
    cpu_ms, wall_ms, body = [], [], b""
    for _ in range(args.repeat):
        cpu, wall, body = render()
        cpu_ms.append(cpu)
        wall_ms.append(wall)
    pages = page_count(body)
    html_ms = []
    for _ in range(5):
        started = time.process_time()
        client.get(html_path)
        html_ms.append((time.process_time() - started) * 1000)
    # The same report again, from the stored file (as after the scheduler made it): the
    # report's HTML is built to find the file by its content, then the file is served.
    client.get(path)
    stored_cpu, stored_wall = [], []
    for _ in range(args.repeat):
        cpu, wall = time.process_time(), time.perf_counter()
        response = client.get(path)
        stored_cpu.append((time.process_time() - cpu) * 1000)
        stored_wall.append((time.perf_counter() - wall) * 1000)
        if response.data != body:
            raise RuntimeError("the stored report differs from the one made")
    results: dict[str, Any] = {
        "path": path,
        "pages": pages,
        "bytes": len(body),
        "runs": args.repeat,
        "cpu_median_ms": statistics.median(cpu_ms),
        "cpu_p95_ms": percentile(cpu_ms, 95),
        "wall_median_ms": statistics.median(wall_ms),
        "wall_p95_ms": percentile(wall_ms, 95),
        "html_cpu_median_ms": statistics.median(html_ms),
        "stored_cpu_median_ms": statistics.median(stored_cpu),
        "stored_cpu_p95_ms": percentile(stored_cpu, 95),
        "stored_wall_median_ms": statistics.median(stored_wall),
        "stored_wall_p95_ms": percentile(stored_wall, 95),
        "peak_memory_mb": peak_memory_mb(),
        "target_p95_ms": 2000,
        "target_memory_mb": 300,
    }
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.002)
        shutil.rmtree(reports, ignore_errors=True)
        profiler.start()
        client.get(path)
        profiler.stop()
        out = Path(args.profile)
        out.write_text(
            profiler.output_html() if out.suffix == ".html" else profiler.output_text(color=False)
        )
        print(f"Profile written to {out}")
    print(
        f"Report {path}: {pages} pages, {len(body) / 1024:.0f} KiB\n"
        f"  CPU   median {results['cpu_median_ms']:7.0f} ms  p95 {results['cpu_p95_ms']:7.0f} ms"
        f"  (target p95 2000 ms)\n"
        f"  wall  median {results['wall_median_ms']:7.0f} ms"
        f"  p95 {results['wall_p95_ms']:7.0f} ms\n"
        f"  HTML report CPU median {results['html_cpu_median_ms']:.0f} ms\n"
        f"  served from the stored file: CPU median {results['stored_cpu_median_ms']:.0f} ms"
        f"  p95 {results['stored_cpu_p95_ms']:.0f} ms; wall median"
        f" {results['stored_wall_median_ms']:.0f} ms  p95 {results['stored_wall_p95_ms']:.0f} ms\n"
        f"  peak memory of the process {results['peak_memory_mb']:.0f} MB (target ≤ 300)"
    )
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2))
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
