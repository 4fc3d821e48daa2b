"""Soak: STRESS_SOAK_S seconds (default 600) of mixed traffic (short, long, streamed, batch and bad
requests) from a few client threads, sampling the server's RSS and open descriptors every 5 s.

Every request must get what its kind calls for (200; 503 with Retry-After when the queue is full;
the intended 4xx for the bad ones); RSS and descriptors must stay flat: their least-squares slope
after the first minute is reported and checked against small limits (allocator noise, not growth).
Writes stress/results/soak.json; exits 1 if a check fails.
"""
import json
import os
import random
import threading
import time

from . import harness

SECONDS = float(os.environ.get("STRESS_SOAK_S", "600"))
CLIENTS = 6
# Flat means: under 1 MB per 10 minutes of RSS growth; descriptors (which follow the connections
# open at each sample) without a trend, and the same number idle before and after.
MAX_RSS_SLOPE_KB_MIN = 100.0
MAX_FD_SLOPE_MIN = 0.5


def main():
    short, long = harness.texts()
    server = harness.Server(["--workers", "1", "--queue", "64", "--stream-piece-tokens", "64"])
    port = server.port
    bad = [
        # (what, method, path, body, headers, expected status, expected code)
        ("invalid JSON", "POST", "/v1/entities", b"{\"text\": ", {"Content-Type": "application/json"}, 400, "invalid_json"),
        ("invalid UTF-8", "POST", "/v1/entities", b"{\"text\": \"\xff\"}", {"Content-Type": "application/json"}, 400, "invalid_utf8"),
        ("wrong type", "POST", "/v1/entities/batch", b"{\"texts\": 3}", {"Content-Type": "application/json"}, 400, "wrong_type"),
        ("too long", "POST", "/v1/entities", json.dumps({"text": "a" * 100_001}).encode(), {"Content-Type": "application/json"}, 413, "text_too_long"),
        ("unknown route", "GET", "/v2/nothing", None, {}, 404, "not_found"),
        ("wrong method", "DELETE", "/v1/entities", None, {}, 405, "method_not_allowed"),
        ("not JSON", "POST", "/v1/entities", b"text=a", {"Content-Type": "text/plain"}, 415, "unsupported_media_type"),
    ]
    counts, errors, lock = {}, [], threading.Lock()
    stop = threading.Event()

    def record(kind, r, expected, code=None):
        ok = r["kind"] == "answered" and (
            (r["status"] == expected and (code is None or json.loads(r["body"])["error"]["code"] == code))
            or (r["status"] == 503 and r["headers"].get("retry-after") == "1"))
        if ok and kind == "stream" and r["status"] == 200:
            ok = json.loads(r["body"].decode().strip().split("\n")[-1]).get("done") is True
        with lock:
            key = f"{kind} {r.get('status', r['kind'])}"
            counts[key] = counts.get(key, 0) + 1
            if not ok:
                errors.append({"kind": kind, "outcome": r["kind"], "status": r.get("status"), "error": r.get("error"),
                               "body": r.get("body", b"")[:200].decode(errors="replace")})

    def client(seed):
        rnd = random.Random(seed)
        while not stop.is_set():
            x = rnd.random()
            if x < 0.5:
                record("short", harness.post_json(port, "/v1/entities", {"text": rnd.choice(short)}), 200)
            elif x < 0.6:
                record("long", harness.post_json(port, "/v1/entities", {"text": long}), 200)
            elif x < 0.7:
                record("stream", harness.post_json(port, "/v1/entities/stream", {"text": long}), 200)
            elif x < 0.85:
                record("batch", harness.post_json(port, "/v1/entities/batch", {"texts": rnd.sample(short, len(short)) * 4}), 200)
            else:
                what, method, path, body, headers, status, code = rnd.choice(bad)
                record("bad", harness.request(port, method, path, body, headers), status, code)
            time.sleep(rnd.uniform(0, 0.05))

    idle_fds = server.fds()
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CLIENTS)]
    start = time.monotonic()
    for t in threads:
        t.start()
    samples = []
    while time.monotonic() - start < SECONDS:
        samples.append((round(time.monotonic() - start, 1), server.rss_kb(), server.fds()))
        time.sleep(5)
    stop.set()
    for t in threads:
        t.join()
    time.sleep(1)
    idle_fds_after = server.fds()
    alive = server.alive()
    exit_code = server.stop()
    records = server.log_records()

    steady = [s for s in samples if s[0] >= 60] or samples
    rss_slope = harness.slope_per_minute([(t, r) for t, r, _ in steady])
    fd_slope = harness.slope_per_minute([(t, f) for t, _, f in steady])
    total = sum(counts.values())
    result = {
        "seconds": SECONDS, "clients": CLIENTS, "requests": total, "by_kind_and_status": dict(sorted(counts.items())),
        "errors": len(errors), "error_examples": errors[:5],
        "rss_kb": {"start": samples[0][1], "after_warmup": steady[0][1], "peak": max(r for _, r, _ in samples), "end": samples[-1][1],
                   "slope_kb_per_min": round(rss_slope, 2)},
        "fds": {"start": samples[0][2], "peak": max(f for _, _, f in samples), "end": samples[-1][2], "slope_per_min": round(fd_slope, 3),
                "idle_before": idle_fds, "idle_after": idle_fds_after},
        "aborted_in_log": sum(1 for r in records if r.get("aborted")), "log_lines": len(records),
        "samples": samples, "exit_code": exit_code,
    }
    checks = {
        "no errors beyond intended 4xx/503": not errors,
        "server up throughout": alive,
        "exit 0 on SIGTERM": exit_code == 0,
        "RSS flat": abs(rss_slope) <= MAX_RSS_SLOPE_KB_MIN,
        "descriptors flat": abs(fd_slope) <= MAX_FD_SLOPE_MIN and idle_fds_after == idle_fds,
        "one log line per request": len(records) == total,
    }
    result["checks"] = checks
    harness.save("soak", result)
    for k, v in checks.items():
        print(f"{'ok  ' if v else 'FAIL'} {k}")
    print({k: result[k] for k in ("requests", "errors", "rss_kb", "fds")})
    raise SystemExit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()
