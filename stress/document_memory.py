"""Peak RSS of `zhner serve` while one large document goes through /v1/redact/stream (docs/PRIVACY.md).

    python3 -m stress.document_memory [--mb 1,5,10] [--as document|json|both] [--model models/default]

The document: MSRA test sentences (../shared/data), one a line, repeated, every fifth followed by a
sentence of personal data (phone, e-mail, identity and card numbers, URL, IP), cut at each size in MB
of UTF-8. Operators: PER pseudonym, PHONE mask 3/4, the rest [TYPE]. Each size and body form gets a
fresh release server (`--max-body-bytes 16 MiB --max-text-chars 8,000,000 --deadline-ms 600000`, 1
worker); its VmHWM (peak resident set) is read after the answer. `document`: the text as the body,
`Content-Type: text/plain` with the operators in the Zhner-Options header (spooled to a file, read a
part at a time); `json`: {"text": ..., "operators": ...}. The answers of both forms are compared
(redacted text and items) when both run. Prints one JSON line per run. Standard library only.
"""
import argparse
import json
import os
import random
import socket
import time

from pytools import zhner_server
from pytools.memory import rss_kb, status_kb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MSRA_TEST = os.path.join(ROOT, "../shared/data/msra/test.tsv")
PERSONAL = [
    "请联系张伟，电话13812345678，邮箱zhang.wei@example.com。",
    "身份证号110101199003074578，银行卡6222020200112233445。",
    "详情见https://www.example.com/news?id=42，服务器192.168.1.10。",
]
OPERATORS = {"PER": {"type": "pseudonym"}, "PHONE": {"type": "mask", "keep_first": 3, "keep_last": 4}}


def document(megabytes):
    with open(MSRA_TEST, encoding="utf-8") as f:
        sentences = ["".join(line.split("\t")[0] for line in block.splitlines())
                     for block in f.read().split("\n\n") if block.strip()]
    rng = random.Random(7)
    lines, size, i = [], 0, 0
    limit = int(megabytes * 1_000_000)
    while size < limit:
        line = sentences[i % len(sentences)]
        if i % 5 == 4:
            line += rng.choice(PERSONAL)
        lines.append(line)
        size += len(line.encode()) + 1
        i += 1
    text = "\n".join(lines)
    return text.encode()[:limit].decode("utf-8", "ignore")


def post(host, port, headers, body):
    """The answer's body (chunked, decoded), read as it comes."""
    with socket.create_connection((host, port), timeout=3600) as s:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        s.sendall(f"POST /v1/redact/stream HTTP/1.1\r\nHost: x\r\n{head}Content-Length: {len(body)}\r\n"
                  f"Connection: close\r\n\r\n".encode() + body)
        data = bytearray()
        while chunk := s.recv(1 << 16):
            data += chunk
    head, _, rest = bytes(data).partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    out = bytearray()
    while rest:
        size, _, rest = rest.partition(b"\r\n")
        n = int(size, 16)
        if n == 0:
            break
        out += rest[:n]
        rest = rest[n + 2:]
    return status, bytes(out)


def redaction(answer):
    lines = [json.loads(line) for line in answer.splitlines()]
    pieces = [line for line in lines if "done" not in line]
    return "".join(p["text"] for p in pieces), [i for p in pieces for i in p["items"]], lines[-1]


def run(binary, model, text, form):
    if form == "document":
        headers = {"Content-Type": "text/plain; charset=utf-8", "Zhner-Options": json.dumps({"operators": OPERATORS})}
        body = text.encode()
    else:
        headers = {"Content-Type": "application/json"}
        body = json.dumps({"text": text, "operators": OPERATORS}, ensure_ascii=False).encode()
    with zhner_server.start(binary, model, "--workers", "1", "--max-body-bytes", str(16 << 20),
                            "--max-text-chars", "8000000", "--deadline-ms", "600000") as server:
        after_load = rss_kb(server.pid)
        start = time.monotonic()
        status, answer = post(server.host, server.port, headers, body)
        seconds = time.monotonic() - start
        hwm = status_kb(server.pid, ("VmHWM",))["VmHWM"]
    return status, answer, {"form": form, "body_bytes": len(body), "code_points": len(text),
                            "rss_after_load_mb": round(after_load / 1024, 1), "vmhwm_mb": round(hwm / 1024, 1),
                            "seconds": round(seconds, 1)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", default="1,5,10", help="document sizes in MB of UTF-8, comma-separated")
    ap.add_argument("--as", dest="forms", choices=["document", "json", "both"], default="both")
    ap.add_argument("--model", default=os.path.join(ROOT, "models/default"))
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build/release/zhner"))
    args = ap.parse_args()
    forms = ["document", "json"] if args.forms == "both" else [args.forms]
    for mb in (float(x) for x in args.mb.split(",")):
        text = document(mb)
        answers = {}
        for form in forms:
            status, answer, row = run(args.binary, args.model, text, form)
            row.update(mb=mb, status=status)
            if status == 200:
                redacted, items, summary = redaction(answer)
                answers[form] = (redacted, items)
                row.update(items=len(items), entities_total=summary.get("entities_total"), answer_bytes=len(answer))
            print(json.dumps(row), flush=True)
        if len(answers) == 2:
            print(json.dumps({"mb": mb, "same_answer": answers["document"] == answers["json"]}), flush=True)


if __name__ == "__main__":
    main()
