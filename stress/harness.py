"""Shared pieces of the stress runs: a `zhner serve` process, its memory and descriptors, and an
HTTP/1.1 client that classifies every outcome. Stdlib only; one new connection per request, so a
connection the server drops is seen as such rather than hidden by a client library's retries."""
import json
import os
import pathlib
import socket
import time

from pytools import memory, zhner_server

REPO = pathlib.Path(__file__).resolve().parent.parent
RESULTS = REPO / "stress" / "results"


class Server(zhner_server.Server):
    """`zhner serve` on 127.0.0.1 with a kernel-picked port; its access log goes to a file.
    Waits for it as long as it runs; stop() allows 120 s for the requests in flight."""

    def __init__(self, args, binary=None, model=None):
        binary = binary or os.environ.get("ZHNER_BIN", str(REPO / ".build/release/zhner"))
        model = model or os.environ.get("STRESS_MODEL", str(REPO / "models/default"))
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.log_path = RESULTS / "access.log"
        super().__init__(zhner_server.serve_command(binary, model, "--host", "127.0.0.1", *args),
                         log=self.log_path, timeout=None, grace=120)

    def rss_kb(self):
        return memory.rss_kb(self.pid)

    def fds(self):
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def log_records(self):
        out = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
        return out


def request(port, method, path, body=None, headers=None, timeout=120):
    """One request on a new connection. Returns a dict: kind (answered / refused / dropped),
    status, headers (lowercased names), body, seconds."""
    start = time.monotonic()
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    for k, v in (headers or {}).items():
        head += f"{k}: {v}\r\n"
    if body is not None:
        head += f"Content-Length: {len(body)}\r\n"
    wire = head.encode() + b"\r\n" + (body or b"")
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    except OSError as e:
        return {"kind": "refused", "error": str(e), "seconds": time.monotonic() - start}
    raw = b""
    try:
        s.sendall(wire)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            raw += chunk
    except OSError as e:
        if not raw:
            return {"kind": "dropped", "error": str(e), "seconds": time.monotonic() - start}
    finally:
        s.close()
    seconds = time.monotonic() - start
    end = raw.find(b"\r\n\r\n")
    if end < 0:
        return {"kind": "dropped", "error": f"{len(raw)} bytes without a complete header", "seconds": seconds}
    lines = raw[:end].decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    data = raw[end + 4:]
    if hdrs.get("transfer-encoding", "").lower() == "chunked":
        data = dechunk(data)
        if data is None:
            return {"kind": "dropped", "error": "truncated chunked body", "seconds": seconds, "status": status}
    elif "content-length" in hdrs and len(data) != int(hdrs["content-length"]):
        return {"kind": "dropped", "error": "truncated body", "seconds": seconds, "status": status}
    return {"kind": "answered", "status": status, "headers": hdrs, "body": data, "seconds": seconds}


def dechunk(data):
    out, i = b"", 0
    while True:
        j = data.find(b"\r\n", i)
        if j < 0:
            return None
        size = int(data[i:j].split(b";")[0] or b"0", 16)
        if size == 0:
            return out
        out += data[j + 2:j + 2 + size]
        i = j + 2 + size + 2


def post_json(port, path, obj, headers=None):
    body = json.dumps(obj, ensure_ascii=False).encode()
    return request(port, "POST", path, body, {"Content-Type": "application/json", **(headers or {})})


def slope_per_minute(samples):
    """Least-squares slope of (seconds, value) samples, per minute."""
    n = len(samples)
    if n < 2:
        return 0.0
    mx = sum(t for t, _ in samples) / n
    my = sum(v for _, v in samples) / n
    var = sum((t - mx) ** 2 for t, _ in samples)
    return 60 * sum((t - mx) * (v - my) for t, v in samples) / var if var else 0.0


def texts():
    """Short and long Chinese texts from docs/samples.txt."""
    lines = [l for l in (REPO / "docs/samples.txt").read_text().splitlines() if l.strip()]
    return lines, "".join(lines * 12)


def save(name, result):
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
