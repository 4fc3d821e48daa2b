"""The red-team scenarios of issue 20 against one or more `zhner serve` binaries, side by side.

    python3 -m stress.red_team [--long-chars N] BINARY [BINARY ...]

Each binary (e.g. a build of the base commit, then the current one) runs every scenario on its own
server (`STRESS_MODEL`, default models/default); one table per scenario, a column per binary:
  - abandoned: 20 streams of ~100 000 characters (300 KB) whose clients hang up after 0.3 s, then a
    bystander's 8-character request: its latency, the requests still in flight and the characters
    computed 10 s after the hang-ups;
  - long: one unbroken text of --long-chars characters on each inference route: valid JSON (every
    NDJSON line), every score in [0, 1];
  - smuggling: framing shapes a proxy could read differently: each must be a 400 and nothing after
    it served;
  - sigterm: SIGTERM while a client uploads one byte a second: seconds to exit (grace 3 s) and the
    exit status.
Stdlib only.
"""
import argparse
import json
import socket
import threading
import time

from .harness import Server, post_json, request

SENTENCES = ["张伟在北京工作。", "联合国秘书长访问上海。", "李娜代表中国参加了比赛！", "阿里巴巴总部位于杭州。"]


def text_of(characters):
    out, i = [], 0
    while sum(map(len, out)) < characters:
        out.append(SENTENCES[i % len(SENTENCES)])
        i += 1
    return "".join(out)[:characters]


def metrics(port):
    r = request(port, "GET", "/metrics")
    out = {}
    for line in r.get("body", b"").decode().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


def abandoned(binary):
    server = Server([], binary=binary)
    body = json.dumps({"text": text_of(100_000)}, ensure_ascii=False).encode()
    head = (f"POST /v1/entities/stream HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()

    def hang_up():
        s = socket.create_connection(("127.0.0.1", server.port))
        s.sendall(head + body)
        time.sleep(0.3)
        s.close()

    clients = [threading.Thread(target=hang_up) for _ in range(20)]
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    hung_up = time.monotonic()
    bystander = post_json(server.port, "/v1/entities", {"text": "张伟在北京工作。"})
    time.sleep(max(0.0, 10 - (time.monotonic() - hung_up)))
    m = metrics(server.port)
    server.stop()
    return {
        "bystander status": bystander.get("status"),
        "bystander latency (s)": round(bystander["seconds"], 2),
        "in flight 10 s after (besides the scrape)": int(m.get("zhner_http_inflight_requests", 0)) - 1,
        "characters computed by then (of 2.0 M)": int(m.get("zhner_characters_processed_total", 0)),
        "cancelled counter": int(m.get('zhner_requests_cancelled_total{reason="client_gone"}', -1)),
    }


def long_text(binary, characters):
    server = Server(["--max-text-chars", str(characters), "--max-body-bytes", str(4 * characters + 1000),
                     "--deadline-ms", "3600000"], binary=binary)
    text = "京" * characters
    out = {}
    for path, obj in [("/v1/entities", {"text": text}), ("/v1/entities/batch", {"texts": [text]}),
                      ("/v1/entities/stream", {"text": text})]:
        r = post_json(server.port, path, obj)
        ok, scores = r.get("status") == 200, []
        try:
            docs = [json.loads(line) for line in r["body"].decode().splitlines() if line] if path.endswith("stream") \
                else [json.loads(r["body"])]
            for d in docs:
                for e in d.get("entities", []) + [e for res in d.get("results", []) for e in res["entities"]]:
                    scores.append(e["score"])
        except (ValueError, KeyError):
            ok = False
        ok = ok and all(0 <= s <= 1 for s in scores)
        out[f"{path}: 200, valid JSON, scores in [0,1]"] = f"pass ({round(r['seconds'], 1)} s)" if ok else f"FAIL {r.get('status')}"
    server.stop()
    return out


SMUGGLED = "GET /readyz HTTP/1.1\r\nHost: a\r\n\r\n"
HEAD = "POST /v1/entities HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
SHAPES = {
    "obs-fold Content-Length": HEAD + f"Content-Length:\r\n {len(SMUGGLED)}\r\n\r\n" + SMUGGLED,
    "space before colon": HEAD + f"Content-Length : {len(SMUGGLED)}\r\n\r\n" + SMUGGLED,
    "Content-Length + chunked": HEAD + f"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                                       f"{len(SMUGGLED):x}\r\n{SMUGGLED}\r\n0\r\n\r\n",
    "two Content-Lengths": HEAD + f"Content-Length: 0\r\nContent-Length: {len(SMUGGLED)}\r\n\r\n" + SMUGGLED,
    "Transfer-Encoding: identity": HEAD + "Transfer-Encoding: identity\r\n\r\n" + SMUGGLED,
    "line starting with a colon": HEAD + ": x\r\nContent-Length: 0\r\n\r\n" + SMUGGLED,
}


def smuggling(binary):
    server = Server(["--connection-timeout-s", "2"], binary=binary)
    out = {}
    for name, wire in SHAPES.items():
        s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        s.sendall(wire.encode())
        raw = b""
        try:
            while chunk := s.recv(65536):
                raw += chunk
        except OSError:
            pass
        s.close()
        statuses = [line.split()[1] for line in raw.decode("latin-1").split("\r\n") if line.startswith("HTTP/1.")]
        out[name] = "400, nothing more" if statuses == ["400"] else "answered " + "+".join(statuses or ["nothing"])
    server.stop()
    return out


def sigterm(binary):
    server = Server(["--shutdown-grace-s", "3"], binary=binary)
    s = socket.create_connection(("127.0.0.1", server.port))
    s.sendall(f"{HEAD}Content-Length: 1000\r\n\r\n".encode())
    stop = threading.Event()

    def trickle():
        while not stop.is_set():
            try:
                s.send(b" ")
            except OSError:
                return
            time.sleep(1)

    threading.Thread(target=trickle, daemon=True).start()
    time.sleep(1)
    start = time.monotonic()
    server.proc.terminate()
    try:
        code = server.proc.wait(timeout=60)
    except Exception:
        server.proc.kill()
        code = "still running after 60 s (killed)"
    stop.set()
    s.close()
    return {"exit status": code, "seconds to exit (grace 3 s)": round(time.monotonic() - start, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--long-chars", type=int, default=1_000_000)
    parser.add_argument("--only", nargs="*", default=["abandoned", "long", "smuggling", "sigterm"])
    args = parser.parse_args()
    scenarios = {"abandoned": abandoned, "long": lambda b: long_text(b, args.long_chars),
                 "smuggling": smuggling, "sigterm": sigterm}
    for name in args.only:
        results = [scenarios[name](b) for b in args.binaries]
        print(f"\n## {name}\n")
        print("| | " + " | ".join(args.binaries) + " |")
        print("|---|" + "---|" * len(args.binaries))
        for key in results[0]:
            print(f"| {key} | " + " | ".join(str(r.get(key, "")) for r in results) + " |")


if __name__ == "__main__":
    main()
