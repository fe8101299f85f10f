"""256 concurrent connections against `satudata serve` (granian, real worker processes) on
loopback: requests/s, p50/p99 and errors per endpoint next to the trivial /api/v1/status.

    .venv/bin/python bench/load.py                      # SQLite, 20 s per endpoint
    .venv/bin/python bench/load.py --database-url postgres://postgres@127.0.0.1:5432/perf
    .venv/bin/python bench/load.py --duration 5 --rows 20000 --datasets 500   # quick look

It builds its own data folder: the demo deployment, a published release of --rows rows (the
12-column table of bench/datasets_upload.py) and --datasets published datasets, then starts
the server on a free loopback port. The load comes from wrk when it is installed (apt-get
install wrk), else from a small asyncio HTTP/1.1 keep-alive client in this file. Every run
is bounded by --duration per endpoint; only 127.0.0.1 is ever contacted.

The first pass runs with the public response cache on (the default: anonymous answers are
cached per data version); the second restarts the server with SATUDATA_PUBLIC_CACHE_SECONDS=0
and measures the API endpoints cold, so every request does its database work.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import redirect_stdout
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).parent))
from common import percentile, say, scratch_dir, setup_django  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GOAL_RATIO = 0.5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_data(args) -> dict:
    """Demo data, a published release and many datasets; the paths to request."""
    setup_django(args.database_url)
    from django.core.management import call_command

    from satudata.accounts.models import Agency, User
    from satudata.regions.models import Region

    with redirect_stdout(io.StringIO()):
        call_command("demo", no_serve=True)
    import datasets_upload as data
    from satudata.datasets import services

    custodian = User.objects.filter(role="custodian", is_active=True).first()
    agency = Agency.objects.order_by("pk").first()
    codes = list(
        Region.objects.filter(level=4, code__startswith="62.").values_list("code", flat=True)[:500]
    )
    dataset = data.bench_dataset(agency, custodian, slug="beban", title="Data beban uji")
    path = scratch_dir() / "beban.csv"
    data.make_csv(path, codes, args.rows)
    release = services.upload_release(custodian, dataset, path=path, fmt="csv", year=2024)
    assert release.status == "valid", release.report["problems"][:3]
    data.publish(custodian, dataset)
    data.build_catalog(agency, args.datasets)
    # An audited write after the bulk-created catalog, so cached answers see it.
    dataset.refresh_from_db()  # publish() moved a fresh copy through the workflow
    services.update_dataset(custodian, dataset, description="Dataset untuk uji beban.")
    search = urlencode(
        {"q": "data puskesmas", "rows": 10, "facet.field": '["organization","groups"]'}
    )
    store = urlencode(
        {
            "resource_id": str(release.uuid),
            "filters": json.dumps({"kode_wilayah": codes[7]}),
            "sort": "jumlah desc",
            "limit": 20,
        }
    )
    return {
        "status (trivial)": "/api/v1/status",
        "portal home": "/",
        "catalog search": "/data/?q=puskesmas",
        "dataset page": f"/data/{dataset.slug}/",
        "package_search": f"/api/3/action/package_search?{search}",
        "datastore_search": f"/api/3/action/datastore_search?{store}",
        "population statistics": "/api/v1/statistics/population?region=62.01",
    }


class Server:
    def __init__(self, args, env: dict, port: int):
        self.base = f"http://127.0.0.1:{port}"
        command = [str(Path(sys.executable).with_name("satudata")), "serve"]
        command += ["--host", "127.0.0.1", "--port", str(port)]
        if args.workers:
            command += ["--workers", str(args.workers)]
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - our own command, no shell
            command, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server stopped: {self.output()[-2000:]}")
            try:
                with urllib.request.urlopen(self.base + "/api/v1/status", timeout=2) as r:  # noqa: S310 - loopback
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit("the server did not answer within 60 s")

    def get_status(self, path: str) -> int:
        try:
            with urllib.request.urlopen(self.base + path, timeout=30) as r:  # noqa: S310 - loopback
                return r.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def run_wrk(url: str, connections: int, duration: int) -> dict:
    wrk = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency"]
    out = subprocess.run(  # noqa: S603 - wrk from PATH against loopback
        [*wrk, url],
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+(?:us|ms|s|m))\s*$", out, re.M))
    if "99" not in lat:  # no request finished: wrk prints no distribution
        say(out.strip())
        lat = {"50": "0ms", "99": "0ms"}
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(non2xx.group(1)) if non2xx else 0
    return {"rate": rate, "p50": _ms(lat["50"]), "p99": _ms(lat["99"]), "errors": errors}


async def _client(host, port, path, stop_at, latencies, errors):
    request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: */*\r\n\r\n".encode()
    reader = writer = None
    while time.monotonic() < stop_at:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            started = time.monotonic()
            writer.write(request)
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            status = int(head.split(b" ", 2)[1])
            headers = head.decode("latin-1").lower()
            length = re.search(r"\r\ncontent-length:\s*(\d+)", headers)
            if length:
                await reader.readexactly(int(length.group(1)))
            elif "transfer-encoding: chunked" in headers:
                while True:
                    size = int((await reader.readline()).strip() or b"0", 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            latencies.append(time.monotonic() - started)
            if status >= 400:
                errors[0] += 1
            if "connection: close" in headers:
                writer.close()
                writer = None
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            errors[0] += 1
            if writer is not None:
                writer.close()
            writer = None
    if writer is not None:
        writer.close()


def run_asyncio(url: str, connections: int, duration: int) -> dict:
    match = re.match(r"http://([^:/]+):(\d+)(/.*)", url)
    host, port, path = match.group(1), int(match.group(2)), match.group(3)
    latencies: list[float] = []
    errors = [0]

    async def main():
        stop_at = time.monotonic() + duration
        await asyncio.gather(
            *(_client(host, port, path, stop_at, latencies, errors) for _ in range(connections))
        )

    started = time.monotonic()
    asyncio.run(main())
    elapsed = time.monotonic() - started
    ms = [s * 1000 for s in latencies] or [0.0]
    return {
        "rate": len(latencies) / elapsed,
        "p50": statistics.median(ms),
        "p99": percentile(ms, 99),
        "errors": errors[0],
    }


def load_pass(server: Server, paths: dict, args, label: str) -> None:
    tool = run_wrk if shutil.which("wrk") and not args.asyncio else run_asyncio
    say(f"-- {label}: {args.connections} connections, {args.duration} s each, {tool.__name__}")
    results = {}
    for path in paths.values():  # warm every worker's imports, connections and caches
        for _ in range(2 * (args.workers or os.cpu_count() or 2)):
            server.get_status(path)
    tool(server.base + paths["status (trivial)"], args.connections, 2)
    for name, path in paths.items():
        status = server.get_status(path)
        if status == 404 and name == "population statistics":
            say(f"{name}: skipped ({path} answers 404: not on this branch)")
            continue
        if status != 200:
            say(f"{name}: {path} answers {status}, measured anyway")
        results[name] = tool(server.base + path, args.connections, args.duration)
        r = results[name]
        base = results["status (trivial)"]["rate"]
        ratio = r["rate"] / base if base else 0
        goal = ""
        if name in ("package_search", "datastore_search"):
            met = ratio >= GOAL_RATIO and r["errors"] == 0
            goal = f" (goal >= {GOAL_RATIO:.0%} and 0 errors: {'met' if met else 'NOT met'})"
        say(
            f"{name:<22} {r['rate']:8.0f} req/s  p50 {r['p50']:7.1f} ms  p99 {r['p99']:7.1f} ms  "
            f"errors {r['errors']}  vs status {base:.0f} req/s: {ratio:.0%}{goal}"
        )
    log = server.output()
    for needle in ("database is locked", "Traceback", "Internal Server Error"):
        if needle in log:
            say(f"server log contains {needle!r} {log.count(needle)} times")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the release")
    parser.add_argument("--datasets", type=int, default=5000)
    parser.add_argument("--connections", type=int, default=256)
    parser.add_argument("--duration", type=int, default=20, help="seconds per endpoint")
    parser.add_argument("--workers", type=int, default=0, help="default: satudata serve's")
    parser.add_argument("--asyncio", action="store_true", help="use the Python client, not wrk")
    parser.add_argument("--no-cold", action="store_true", help="skip the cache-off pass")
    parser.add_argument("--cold-only", action="store_true", help="only the cache-off pass")
    args = parser.parse_args()
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    started = time.monotonic()
    paths = build_data(args)
    from django.db import connection

    connection.close()
    say(
        f"data ready in {time.monotonic() - started:.0f} s ({connection.vendor}, "
        f"{args.rows:,}-row release, {args.datasets:,} datasets)"
    )
    env = dict(os.environ)
    if not args.cold_only:
        server = Server(args, env, free_port())
        try:
            load_pass(server, paths, args, "public cache on (default)")
        finally:
            server.stop()
    if args.no_cold:
        return
    env["SATUDATA_PUBLIC_CACHE_SECONDS"] = "0"
    cold = {k: paths[k] for k in ("status (trivial)", "package_search", "datastore_search")}
    server = Server(args, env, free_port())
    try:
        load_pass(server, cold, args, "public cache off (cold: every request queries)")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
