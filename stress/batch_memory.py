"""Peak RSS of `zhner serve` while N connections each send a ~1 MiB batch at once (docs/OPERATIONS.md).

    python3 -m stress.batch_memory [--connections 32] [--workers 2] [--model models/default]

Starts the release binary on a kernel-picked loopback port with --max-connections N, reads its RSS after load,
then has N threads each POST /v1/entities/batch with 4 texts of 87,000 characters (≈ 1 MiB of UTF-8),
sampling /proc/PID/status every 10 ms until every answer is in. Prints one JSON line. Standard
library only, so it runs without the bench or stress virtual environments.
"""
import argparse
import json
import os
import random
import threading
import time
import urllib.request

from pytools import zhner_server
from pytools.memory import rss_kb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--model", default=os.path.join(ROOT, "models/default"))
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build/release/zhner"))
    args = ap.parse_args()

    # Text from the page's sample sentences, repeated: realistic characters, 87,000 per text.
    with open(os.path.join(ROOT, "docs/samples.txt"), encoding="utf-8") as f:
        sample = "".join(line.strip() for line in f if line.strip())
    text = (sample * (87_000 // len(sample) + 1))[:87_000]
    body = json.dumps({"texts": [text] * 4}, ensure_ascii=False).encode()

    with zhner_server.start(args.binary, args.model, "--workers", str(args.workers),
                            "--max-connections", str(args.connections)) as server:
        url = server.url.rstrip("/")
        after_load = rss_kb(server.pid)
        statuses, lock = [], threading.Lock()

        def client():
            req = urllib.request.Request(url + "/v1/entities/batch", data=body,
                                         headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=600) as r:
                    r.read()
                    code = r.status
            except urllib.error.HTTPError as e:
                code = e.code
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
        print(json.dumps({"connections": args.connections, "workers": args.workers, "body_bytes": len(body),
                          "rss_after_load_mb": round(after_load / 1024, 1), "rss_peak_mb": round(peak / 1024, 1),
                          "statuses": {str(c): statuses.count(c) for c in sorted(set(statuses))}}))


if __name__ == "__main__":
    main()
