#!/usr/bin/env python3
"""A stand-in for `zhner serve`, for working on the web page without the Swift server.

It serves the page straight out of Sources/NERServer/Web/page/ (so edits show on reload,
no Swift build needed) and implements the routes the page uses, with entities from `zhner tag` and
redactions from `zhner redact`:

    python3 Tests/browser/mock_server.py [--port 8077] [--bin .build/debug/zhner] [--model DIR]
                                          [--max-text-chars N] [--busy N] [--stream-delay 0.15]

--max-text-chars answers 413 past N code points; --busy answers the first N requests with 503 and
Retry-After: 2. Not used by the browser test, which always runs the real server.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PAGE = os.path.join(ROOT, "Sources", "NERServer", "Web", "page")
PAGE_FILES = {"/": ("index.html", "text/html; charset=utf-8"), "/app.js": ("app.js", "text/javascript; charset=utf-8"),
              "/style.css": ("style.css", "text/css; charset=utf-8")}


def tag(args, text):
    """Entities of a (possibly multi-line) text, offsets in code points of the whole text."""
    lines = text.split("\n")
    out = subprocess.run([args.bin, "tag", "--model", args.model], input="\n".join(lines) + "\n",
                         capture_output=True, text=True, check=True).stdout.splitlines()
    entities, base = [], 0
    for line, rec in zip(lines, out):
        for e in json.loads(rec)["entities"]:
            e["start"] += base
            e["end"] += base
            entities.append(e)
        base += len(line) + 1  # Python str length == code points
    return entities


def operator_spec(op):
    """A /v1/redact operator object as `zhner redact --operator`'s OP[:PARAMS]."""
    if op["type"] == "mask":
        return ":".join(["mask", str(op.get("keep_first", 0)), str(op.get("keep_last", 0))] + ([op["mask_char"]] if "mask_char" in op else []))
    param = {"replace": "template", "hash": "length"}.get(op["type"])
    return op["type"] + (f":{op[param]}" if param in op else "")


def redact(args, body):
    """/v1/redact's {text, items} for a body with "text", "types" and "operators": the text as one JSONL record,
    so that a text of several lines is one document (one pseudonym numbering), as on the server."""
    if body.get("types") == []:
        return {"text": body["text"], "items": []}
    cmd = [args.bin, "redact", "--model", args.model, "--text-field", "text"]
    if "types" in body:
        cmd += ["--entities", ",".join(body["types"])]
    for kind, op in body.get("operators", {}).items():
        cmd += ["--operator", kind + "=" + operator_spec(op)]
    out = subprocess.run(cmd, input=json.dumps({"text": body["text"]}, ensure_ascii=False) + "\n",
                         capture_output=True, text=True, check=True).stdout
    record = json.loads(out)
    return {"text": record["text"], "items": record["items"]}


class Handler(BaseHTTPRequestHandler):
    args = None
    busy_left = 0

    def send(self, status, body, ctype="application/json", extra=None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, code, message, extra=None):
        self.send(status, json.dumps({"error": {"code": code, "message": message}}), extra=extra)

    def do_GET(self):
        if self.path in PAGE_FILES:
            name, ctype = PAGE_FILES[self.path]
            with open(os.path.join(PAGE, name), "rb") as f:
                self.send(200, f.read(), ctype)
        elif self.path in ("/healthz", "/readyz"):
            self.send(200, '{"status":"ok"}')
        else:
            self.error(404, "not_found", "no route " + self.path)

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(n))
            text = body["text"]
        except Exception:
            return self.error(400, "bad_request", "body must be JSON with a string field 'text'")
        if Handler.busy_left > 0:
            Handler.busy_left -= 1
            return self.error(503, "busy", "all workers are busy", {"Retry-After": "2"})
        limit = self.args.max_text_chars
        if limit and len(text) > limit:
            return self.error(413, "text_too_long", f"text is {len(text)} characters; the limit is {limit}")
        t0 = time.time()
        if self.path == "/v1/entities":
            ents = tag(self.args, text)
            self.send(200, json.dumps({"entities": ents, "model": "mock:" + os.path.basename(self.args.model),
                                       "took_ms": round((time.time() - t0) * 1000)}, ensure_ascii=False))
        elif self.path == "/v1/redact":
            answer = redact(self.args, body)
            answer.update(model="mock:" + os.path.basename(self.args.model), took_ms=round((time.time() - t0) * 1000))
            self.send(200, json.dumps(answer, ensure_ascii=False))
        elif self.path == "/v1/entities/stream":
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            ents = tag(self.args, text)
            total, pieces, pos = len(text), [], 0
            for para in text.split("\n"):  # one piece per line, like the server's pieces
                pos += len(para) + 1
                pieces.append(min(pos, total))
            done_to, count = 0, 0
            for end in pieces:
                chunk = [e for e in ents if done_to <= e["start"] < end]
                count += len(chunk)
                self.chunk({"entities": chunk, "processed": end, "total": total})
                done_to = end
                time.sleep(self.args.stream_delay)
            self.chunk({"done": True, "entities_total": count, "took_ms": round((time.time() - t0) * 1000)})
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.error(404, "not_found", "no route " + self.path)

    def chunk(self, obj):
        data = (json.dumps(obj, ensure_ascii=False) + "\n").encode()
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def log_message(self, *a):
        pass


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=8077)
    p.add_argument("--bin", default=os.path.join(ROOT, ".build", "debug", "zhner"))
    p.add_argument("--model", default=os.path.join(ROOT, "Tests", "NERCoreTests", "Fixtures", "models", "tiny-bert"))
    p.add_argument("--max-text-chars", type=int, default=0)
    p.add_argument("--busy", type=int, default=0)
    p.add_argument("--stream-delay", type=float, default=0.15)
    Handler.args = p.parse_args()
    Handler.busy_left = Handler.args.busy
    Handler.protocol_version = "HTTP/1.1"
    srv = ThreadingHTTPServer(("127.0.0.1", Handler.args.port), Handler)
    print(f"zhner serving http://127.0.0.1:{srv.server_address[1]}/", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
