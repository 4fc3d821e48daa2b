"""HTTP benchmark (`make bench-http`): `zhner serve` against a Flask + transformers pipeline service
(flask_server.py) on the same weights, closed-loop clients on 127.0.0.1 only.

    bench/.venv/bin/python -m bench.http_bench [--quick] [--results FILE]

For each server and each number of concurrent clients (1, 8, 64 measured; then 128, 256, 512 to find how
many it serves without error), every client sends POST /v1/entities with an MSRA test sentence, waits for
the answer, and sends the next, for a fixed time; as with wrk, what completes inside that window counts
(requests still in flight at its end are awaited, so levels never overlap, and count only as errors if they
fail). Reported:
requests/s, p50/p99 latency, errors (non-200, connection errors, or no answer within --timeout s), and the server process's RSS (sampled every 0.1 s:
peak, and at the end of each level: "flat" means it does not grow with load). Capacity within 4 GB = the
largest client count with zero errors and peak RSS <= 4096 MB.

zhner serves the INT8 folder with its defaults (workers = cores, queue 64) for 1/8/64 clients; for the
ramp past 64 it is restarted with --queue 4096 --max-connections 4096, since with the defaults requests
beyond 64 waiting ones get 503 by design (backpressure), which would measure the configuration, not the
memory. Skipped with a note when this zhner has no `serve` command. The figures are merged into the
results JSON under "http".
"""
import argparse
import glob
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time

from pytools.memory import tree_rss_kb
from pytools.percentile import percentile
from pytools.zhner_server import Server, serve_command

from .engines import common

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work")

MEMORY_BUDGET_MB = 4096


def log(msg):
    print(f"[bench-http {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def start_server(name, cmd, env=None):
    """A server (zhner or Flask) that prints its serving line within 5 minutes; stderr to work/logs/."""
    os.makedirs(os.path.join(WORK, "logs"), exist_ok=True)
    return Server(cmd, env=env, log=os.path.join(WORK, "logs", f"http-{name}.log"), timeout=300)


def client(host, port, texts, start, stop_at, timeout, out):
    conn = None
    i = start
    while time.perf_counter() < stop_at:
        body = json.dumps({"text": texts[i % len(texts)]}, ensure_ascii=False).encode()
        i += 1
        t = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, port, timeout=timeout)
            conn.request("POST", "/v1/entities", body, {"Content-Type": "application/json"})
            resp = conn.getresponse()
            data = resp.read()
            ok = resp.status == 200 and b'"entities"' in data
            out.append((time.perf_counter() - t, ok, resp.status, time.perf_counter()))
            if resp.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except Exception as e:  # timeouts, resets, refused connections: all errors
            out.append((time.perf_counter() - t, False, type(e).__name__, time.perf_counter()))
            if conn is not None:
                conn.close()
            conn = None
    if conn is not None:
        conn.close()


def level(server, clients, texts, seconds, timeout):
    results = [[] for _ in range(clients)]
    samples = []
    done = threading.Event()

    def sampler():
        while not done.is_set():
            samples.append(tree_rss_kb(server.proc.pid))
            time.sleep(0.1)

    sampling = threading.Thread(target=sampler, daemon=True)
    sampling.start()
    t0 = time.perf_counter()
    stop_at = t0 + seconds
    threads = [threading.Thread(target=client, args=(server.host, server.port, texts, c * 997, stop_at, timeout,
                                                     results[c]), daemon=True) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()  # requests still in flight at stop_at are awaited (so levels never overlap), not counted
    done.set()
    sampling.join()
    elapsed = seconds
    every = [r for rs in results for r in rs]
    flat = [r for r in every if r[3] <= stop_at]
    ok = [r[0] for r in flat if r[1]]
    # Errors count over every request sent, the awaited ones included: a request that times out or is
    # refused after the window still failed.
    errors = [r[2] for r in every if not r[1]]
    kinds = {}
    for e in errors:
        kinds[str(e)] = kinds.get(str(e), 0) + 1

    def pct(p):
        return 1000 * percentile(ok, p) if ok else None

    return {"clients": clients, "seconds": elapsed, "requests": len(every), "ok": len(ok),
            "req_per_s": len(ok) / elapsed, "p50_ms": pct(50), "p99_ms": pct(99), "errors": len(errors),
            "error_kinds": kinds, "rss_peak_mb": max(samples) / 1024 if samples else None,
            "rss_end_mb": tree_rss_kb(server.proc.pid) / 1024}


def run_server(name, make, texts, plan):
    """Measured levels on the default server, then the capacity ramp (possibly on a second server)."""
    out = {"levels": [], "ramp": []}
    server = make(False)
    out["ready_s"] = server.ready_s
    out["rss_idle_mb"] = tree_rss_kb(server.proc.pid) / 1024
    try:
        level(server, 1, texts, min(3, plan["seconds"]), plan["timeout"])  # warm-up, not reported
        for c in plan["levels"]:
            r = level(server, c, texts, plan["seconds"], plan["timeout"])
            out["levels"].append(r)
            log(f"{name} {c:>3} clients: {r['req_per_s']:.1f} req/s, p99 {r['p99_ms'] or 0:.0f} ms, "
                f"{r['errors']} errors, RSS peak {r['rss_peak_mb']:.0f} MB")
    finally:
        server.stop()
    server = make(True)
    try:
        level(server, 1, texts, 1, plan["timeout"])
        for c in plan["ramp"]:
            r = level(server, c, texts, plan["ramp_seconds"], plan["timeout"])
            out["ramp"].append(r)
            log(f"{name} ramp {c:>3} clients: {r['req_per_s']:.1f} req/s, p99 {r['p99_ms'] or 0:.0f} ms, "
                f"{r['errors']} errors, RSS peak {r['rss_peak_mb']:.0f} MB")
            if r["errors"] or r["rss_peak_mb"] > MEMORY_BUDGET_MB:
                break
    finally:
        server.stop()
    served = [r["clients"] for r in out["levels"] + out["ramp"]
              if r["errors"] == 0 and r["rss_peak_mb"] <= MEMORY_BUDGET_MB]
    failed = [r["clients"] for r in out["levels"] + out["ramp"]
              if r["errors"] or r["rss_peak_mb"] > MEMORY_BUDGET_MB]
    # The largest count below the first failure; "+" when even the last tried level passed.
    limit = min(failed) if failed else None
    ok = [c for c in served if limit is None or c < limit]
    out["clients_within_4gb"] = max(ok) if ok else 0
    out["clients_within_4gb_open_ended"] = limit is None
    return out


def has_serve(zhner):
    res = subprocess.run([zhner, "serve", "--help"], capture_output=True, text=True)
    return res.returncode == 0 and "Usage: zhner serve" in res.stdout + res.stderr


def default_results():
    files = sorted(f for f in glob.glob(os.path.join(HERE, "results", f"*-{socket.gethostname()}.json")))
    return files[-1] if files else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--zhner", default=os.environ.get("ZHNER_BIN", os.path.join(ROOT, ".build/release/zhner")))
    ap.add_argument("--results", help="results JSON to add the figures to (default: this host's latest)")
    ap.add_argument("--seconds", type=float, help="per measured level (default 15; quick 3)")
    ap.add_argument("--timeout", type=float, default=30.0, help="a request unanswered this long is an error")
    args = ap.parse_args()
    zhner = os.path.abspath(args.zhner)
    if not os.path.exists(zhner) or not has_serve(zhner):
        log(f"note: {zhner} has no `serve` command (yet): the HTTP benchmark is skipped")
        return 0
    model = os.path.join(WORK, "models/random-bert")
    model_int8 = os.path.join(WORK, "models/random-bert-zhner-int8")
    inputs = os.path.join(WORK, "inputs/msra_test.txt")
    for path in (model, model_int8, inputs):
        if not os.path.exists(path):
            raise SystemExit(f"missing {path}: run `make bench` (or bench.run) first, it prepares the models")
    texts = common.read_lines(inputs)
    q = args.quick
    plan = {"levels": [1, 8, 64], "ramp": [64, 128] if q else [128, 256, 512],
            "seconds": args.seconds or (3 if q else 15), "ramp_seconds": 3 if q else 10, "timeout": args.timeout}

    def zhner_server(ramp):
        cmd = serve_command(zhner, model_int8, "--host", "127.0.0.1", "--workers", "2")
        if ramp:
            cmd += ["--queue", "4096", "--max-connections", "4096"]
        return start_server("zhner" + ("-ramp" if ramp else ""), cmd)

    def flask_server(ramp):
        env = dict(os.environ, OMP_NUM_THREADS="2", TOKENIZERS_PARALLELISM="false")
        return start_server("flask" + ("-ramp" if ramp else ""),
                            [sys.executable, os.path.join(HERE, "flask_server.py"), model, "--threads", "2"], env=env)

    http = {"plan": plan, "loadavg_start": [round(x, 2) for x in os.getloadavg()],
            "zhner_flags": "--workers 2 (defaults otherwise); ramp: --queue 4096 --max-connections 4096",
            "flask": "Flask threaded server, transformers pipeline (FP32, aggregation first), one lock, 2 torch threads",
            "servers": {}}
    for name, make in (("zhner", zhner_server), ("flask", flask_server)):
        http["servers"][name] = run_server(name, make, texts, plan)
    http["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]

    path = args.results or default_results()
    if q and not args.results:
        path = os.path.join(HERE, "results", f"http-quick-{socket.gethostname()}.json")
    results = {}
    if path and os.path.exists(path):
        with open(path) as f:
            results = json.load(f)
    path = path or os.path.join(HERE, "results", f"{time.strftime('%Y-%m-%d')}-{socket.gethostname()}.json")
    results["http"] = http
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(results, f, indent=1, ensure_ascii=False)
        f.write("\n")
    log(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
