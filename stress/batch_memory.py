"""Peak RSS of `zhner serve` while N connections each send a ~1 MiB batch at once (docs/OPERATIONS.md).

    python3 -m stress.batch_memory [--connections 32] [--workers 2] [--model models/default]
                                   [--text samples|jing] [--non-reading S] [--max-memory SIZE]

Starts the release binary on a kernel-picked loopback port with --max-connections N (and
--max-memory when given), reads its RSS after load, then has N clients each POST
/v1/entities/batch with 4 texts of 87,000 characters (≈ 1 MiB of UTF-8), sampling /proc/PID/status
every 10 ms until every answer is in. `--text jing` sends "京" repeated, the worst case for the
answer's size (every character an entity: ≈ 25× the body). `--non-reading S`: the clients send their
request and read nothing for S seconds (the answers pile up unread), then read the status line and
hang up. Two seconds after the last client, RSS is read again (`rss_after_mb`: the allocator should
have given the burst back). Prints one JSON line. Standard library only, so it runs without the
bench or stress virtual environments.
"""
import argparse
import json
import os
import random
import socket
import threading
import time

from pytools import zhner_server
from pytools.memory import rss_kb, status_kb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHARACTERS = 87_000


def batch_body(kind):
    """4 texts of CHARACTERS code points: the page's sample sentences repeated, or "京" repeated."""
    if kind == "jing":
        text = "京" * CHARACTERS
    else:
        with open(os.path.join(ROOT, "docs/samples.txt"), encoding="utf-8") as f:
            sample = "".join(line.strip() for line in f if line.strip())
        text = (sample * (CHARACTERS // len(sample) + 1))[:CHARACTERS]
    return json.dumps({"texts": [text] * 4}, ensure_ascii=False).encode()


def post(host, port, body, hold_s):
    """POST the batch on a raw socket; after hold_s seconds without reading, the status code from
    the answer's first line (0 if the server closed first). Reads the whole answer unless holding."""
    with socket.create_connection((host, port), timeout=600) as s:
        s.sendall(b"POST /v1/entities/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
        time.sleep(hold_s)
        first = s.recv(64)
        if not hold_s:
            while s.recv(1 << 16):
                pass
    return int(first.split(b" ")[1]) if first.startswith(b"HTTP/1.1 ") else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--model", default=os.path.join(ROOT, "models/default"))
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build/release/zhner"))
    ap.add_argument("--text", choices=["samples", "jing"], default="samples")
    ap.add_argument("--non-reading", type=float, default=0, metavar="S",
                    help="clients read nothing for S seconds after sending")
    ap.add_argument("--max-memory", help="passed to zhner serve --max-memory")
    args = ap.parse_args()

    body = batch_body(args.text)
    extra = ["--max-memory", args.max_memory] if args.max_memory else []
    with zhner_server.start(args.binary, args.model, "--workers", str(args.workers),
                            "--max-connections", str(args.connections), *extra) as server:
        after_load = rss_kb(server.pid)
        statuses, lock = [], threading.Lock()

        def client():
            code = post(server.host, server.port, body, args.non_reading)
            with lock:
                statuses.append(code)

        threads = [threading.Thread(target=client) for _ in range(args.connections)]
        random.shuffle(threads)
        for t in threads:
            t.start()
        peak = after_load
        while any(t.is_alive() for t in threads):
            peak = max(peak, rss_kb(server.pid))
            time.sleep(0.01)
        time.sleep(2)
        hwm = status_kb(server.pid, ("VmHWM",))["VmHWM"]
        after = rss_kb(server.pid)
        print(json.dumps({"connections": args.connections, "workers": args.workers, "text": args.text,
                          "non_reading_s": args.non_reading, "max_memory": args.max_memory,
                          "body_bytes": len(body), "rss_after_load_mb": round(after_load / 1024, 1),
                          "rss_peak_mb": round(max(peak, hwm) / 1024, 1), "rss_after_mb": round(after / 1024, 1),
                          "statuses": {str(c): statuses.count(c) for c in sorted(set(statuses))}}))


if __name__ == "__main__":
    main()
