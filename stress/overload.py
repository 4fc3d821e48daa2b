"""Overload: offers 10x what the workers can serve for STRESS_OVERLOAD_S seconds (default 60).

1. Measures capacity: one client, back to back, for a few seconds (the worker is then never idle
   and never shared), giving requests/s.
2. Offers 10x that rate open-loop (a request is sent every 1/rate seconds whatever the answers),
   each request on a new connection, from a pool of client threads.
3. Checks: every answer is 200 or 503 with Retry-After; no connection dropped; the process is up;
   p99 latency of the admitted (200) requests stays under the queue's bound; RSS stays under the
   budget the configuration implies and returns to within 10 % of idle afterwards.
Writes stress/results/overload.json; exits 1 if a check fails.
"""
import os
import queue
import threading
import time

from pytools.percentile import percentile

from . import harness

SECONDS = float(os.environ.get("STRESS_OVERLOAD_S", "60"))
FACTOR = 10
WORKERS, QUEUE, MAX_CONN, MAX_BODY = 1, 64, 256, 1 << 20
CLIENT_THREADS = 96


def main():
    short, long = harness.texts()
    text = long[:600]
    server = harness.Server(["--workers", str(WORKERS), "--queue", str(QUEUE), "--max-connections", str(MAX_CONN),
                             "--max-body-bytes", str(MAX_BODY)])
    for _ in range(20):  # warm-up: first requests allocate the workspaces and buffers
        harness.post_json(server.port, "/v1/entities", {"text": text})
    time.sleep(1)
    idle_rss = server.rss_kb()

    # Capacity: back to back on one connection at a time.
    n, t0 = 0, time.monotonic()
    service = []
    while time.monotonic() - t0 < 5:
        r = harness.post_json(server.port, "/v1/entities", {"text": text})
        assert r["kind"] == "answered" and r["status"] == 200, r
        service.append(r["seconds"])
        n += 1
    capacity = n / (time.monotonic() - t0)
    rate = FACTOR * capacity
    # Memory the configuration allows beyond idle: every queued or running request's body (twice:
    # bytes and parsed text) and libmicrohttpd's per-connection buffers.
    budget_kb = idle_rss + ((QUEUE + WORKERS) * MAX_BODY * 2 + MAX_CONN * 64 * 1024) // 1024
    # An admitted request waits for at most the queue ahead of it, then runs.
    mean_service = sum(service) / len(service)
    p99_bound = (QUEUE + WORKERS + 1) * mean_service * 2

    tickets = queue.Queue()
    results, lock = [], threading.Lock()
    late = [0]

    def client():
        while True:
            due = tickets.get()
            if due is None:
                return
            if time.monotonic() - due > 0.5:
                late[0] += 1
            r = harness.post_json(server.port, "/v1/entities", {"text": text})
            with lock:
                results.append(r)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(CLIENT_THREADS)]
    for t in threads:
        t.start()
    rss_peak, samples = idle_rss, []
    start = time.monotonic()
    next_sample, sent = start, 0
    while True:
        now = time.monotonic()
        if now - start >= SECONDS:
            break
        due = start + sent / rate
        if due <= now:
            tickets.put(due)
            sent += 1
            continue
        if now >= next_sample:
            rss = server.rss_kb()
            rss_peak = max(rss_peak, rss)
            samples.append((round(now - start, 1), rss, server.fds()))
            next_sample += 1
        time.sleep(min(due - now, 0.01))
    for _ in threads:
        tickets.put(None)
    for t in threads:
        t.join()
    rss_peak = max(rss_peak, server.rss_kb())
    time.sleep(5)
    after_rss = server.rss_kb()
    health = harness.request(server.port, "GET", "/healthz")
    alive = server.alive()
    exit_code = server.stop()

    answered = [r for r in results if r["kind"] == "answered"]
    statuses = {}
    for r in answered:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    ok = [r["seconds"] for r in answered if r["status"] == 200]
    no_retry_after = sum(1 for r in answered if r["status"] == 503 and r["headers"].get("retry-after") != "1")
    dropped = [r for r in results if r["kind"] != "answered"]
    p99 = percentile(ok, 99)
    result = {
        "seconds": SECONDS, "workers": WORKERS, "queue": QUEUE, "capacity_rps": round(capacity, 1),
        "offered_rps": round(rate, 1), "requests": len(results), "late_starts": late[0], "statuses": statuses,
        "dropped": len(dropped), "dropped_examples": [d.get("error") for d in dropped[:5]],
        "503_without_retry_after": no_retry_after,
        "admitted_latency_s": {"p50": percentile(ok, 50), "p99": p99, "max": max(ok) if ok else None,
                               "bound": round(p99_bound, 3)},
        "rss_kb": {"idle": idle_rss, "peak": rss_peak, "after": after_rss, "budget": budget_kb},
        "samples": samples, "healthy_after": health.get("status") == 200 and alive, "exit_code": exit_code,
    }
    checks = {
        "only 200 and 503": set(statuses) <= {200, 503},
        "every 503 has Retry-After": no_retry_after == 0,
        "no connection dropped": not dropped,
        "healthy afterwards": result["healthy_after"],
        "exit 0 on SIGTERM": exit_code == 0,
        "p99 of admitted under the queue bound": p99 is not None and p99 <= p99_bound,
        "peak RSS under budget": rss_peak <= budget_kb,
        "RSS back within 10 % of idle": after_rss <= idle_rss * 1.10,
    }
    result["checks"] = checks
    harness.save("overload", result)
    for k, v in checks.items():
        print(f"{'ok  ' if v else 'FAIL'} {k}")
    print({k: result[k] for k in ("capacity_rps", "offered_rps", "requests", "statuses", "dropped", "admitted_latency_s", "rss_kb")})
    raise SystemExit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()
