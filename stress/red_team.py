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
    exit status;
  - memory: 8 clients each send a 1 MiB batch of "京" (every character an entity, by a one-line
    lexicon: the largest answer a body can ask for) and read nothing for 20 s: peak RSS (VmHWM)
    against --max-memory 256M (where the binary has it), statuses, RSS after load and 3 s after;
  - lexicon: p50/p90 of 32 clients' short requests with a 2-entry and a 400,000-entry lexicon, RSS
    after 7 SIGHUP reloads of the big one and after switching back to the small one;
  - probes: /healthz latency while 8 clients send 1 MiB bodies back to back (decoding them must
    not hold the polling thread);
  - slow_readers: 2 clients (one per worker) stream answers of ≈ 7 MB and read 1 KB every 0.25 s,
    then the rest at once: the server's context switches and CPU seconds over 12 s from 3 s in (its
    workers wait for the readers), and whether each answer arrives whole.
Stdlib only.
"""
import argparse
import json
import os
import random
import signal
import socket
import subprocess
import tempfile
import threading
import time

from pytools.memory import status_kb
from pytools.percentile import percentile

from .harness import Server, dechunk, post_json, request

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


def has_option(binary, option):
    return option in subprocess.run([binary, "serve", "--help"], capture_output=True, text=True).stdout


def memory(binary):
    with tempfile.TemporaryDirectory() as tmp:
        lexicon = os.path.join(tmp, "jing.tsv")
        with open(lexicon, "w") as f:
            f.write("京\tLOC\n")
        budget = ["--max-memory", "256M"] if has_option(binary, "--max-memory") else []
        server = Server(["--workers", "2", "--max-connections", "32", "--lexicon", lexicon, *budget], binary=binary)
        after_load = server.rss_kb()
        body = json.dumps({"texts": ["京" * 87_000] * 4}, ensure_ascii=False).encode()
        statuses, lock = [], threading.Lock()

        def never_read():
            with socket.create_connection(("127.0.0.1", server.port), timeout=120) as s:
                s.sendall(b"POST /v1/entities/batch HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                          b"Content-Length: %d\r\n\r\n" % len(body) + body)
                time.sleep(20)
                first = s.recv(64)
            with lock:
                statuses.append(int(first.split(b" ")[1]) if first.startswith(b"HTTP/1.1 ") else 0)

        clients = [threading.Thread(target=never_read) for _ in range(8)]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        time.sleep(3)
        result = {
            "--max-memory": "256M" if budget else "(none)",
            "RSS after load (MB)": round(after_load / 1024),
            "peak RSS (MB)": round(status_kb(server.pid, ("VmHWM",))["VmHWM"] / 1024),
            "RSS 3 s after (MB)": round(server.rss_kb() / 1024),
            "statuses": {str(c): statuses.count(c) for c in sorted(set(statuses))},
        }
        server.stop()
        return result


def lexicon_cost(binary):
    def timed(port, n_clients=32, per_client=20):
        seconds, lock = [], threading.Lock()

        def client():
            for _ in range(per_client):
                r = post_json(port, "/v1/entities", {"text": "张伟在北京工作。"})
                with lock:
                    seconds.append(r["seconds"])

        threads = [threading.Thread(target=client) for _ in range(n_clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return round(percentile(seconds, 50) * 1000, 1), round(percentile(seconds, 90) * 1000, 1)

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "lexicon.tsv")
        rng = random.Random(0)
        common = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
        names = set()
        while len(names) < 400_000:
            names.add("".join(rng.choice(common) for _ in range(rng.randint(2, 6))))
        with open(path, "w") as f:
            # One type per name: a lexicon that lists a name twice with two types is refused.
            f.writelines(f"{name}\tORG{i % 3}\n" for i, name in enumerate(sorted(names)))
        small = os.path.join(tmp, "small.tsv")
        with open(small, "w") as f:
            f.write("张伟\tPER\n北京\tLOC\n")
        live = os.path.join(tmp, "live.tsv")
        os.symlink(small, live)
        server = Server(["--workers", "2", "--lexicon", live], binary=binary)
        result = {"p50 / p90 ms, 2 entries": timed(server.port)}
        rss_small = server.rss_kb()

        def switch(target, times=1):
            for _ in range(times):
                os.remove(live)
                os.symlink(target, live)
                before = metrics(server.port).get("zhner_lexicon_generation", 0)
                failures = metrics(server.port).get("zhner_lexicon_reload_failures_total", 0)
                os.kill(server.pid, signal.SIGHUP)
                while metrics(server.port).get("zhner_lexicon_generation", 0) == before:
                    if metrics(server.port).get("zhner_lexicon_reload_failures_total", 0) != failures:
                        raise RuntimeError(f"{target}: the reload failed (see {server.log_path})")
                    time.sleep(0.1)

        switch(path)
        result["p50 / p90 ms, 400,000 entries"] = timed(server.port)
        switch(path, 6)
        time.sleep(1)
        result["RSS, 2 entries / after 7 loads of 400,000 (MB)"] = f"{round(rss_small / 1024)} / {round(server.rss_kb() / 1024)}"
        switch(small)
        time.sleep(1)
        result["RSS after switching back (MB)"] = round(server.rss_kb() / 1024)
        server.stop()
        return result


def probes(binary):
    server = Server(["--workers", "2", "--max-connections", "32"], binary=binary)
    body = json.dumps({"texts": ["京" * 87_000] * 4}, ensure_ascii=False).encode()
    stop = threading.Event()

    def flood():
        while not stop.is_set():
            request(server.port, "POST", "/v1/entities/batch", body, {"Content-Type": "application/json"})

    floods = [threading.Thread(target=flood) for _ in range(8)]
    for f in floods:
        f.start()
    time.sleep(1)
    seconds = [request(server.port, "GET", "/healthz")["seconds"] for _ in range(50)]
    stop.set()
    for f in floods:
        f.join()
    server.stop()
    return {"/healthz p50 / p90 ms under 8 flooding clients":
            f"{round(percentile(seconds, 50) * 1000, 1)} / {round(percentile(seconds, 90) * 1000, 1)}"}


def cpu_and_switches(pid):
    """(CPU seconds, context switches) of a process so far, all its threads."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rpartition(")")[2].split()
    switches = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/status") as f:
                switches += sum(int(l.split()[1]) for l in f if l.startswith(("voluntary_ctxt", "nonvoluntary_ctxt")))
        except FileNotFoundError:  # a thread that ended meanwhile
            pass
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), switches


def slow_readers(binary, seconds=12, lead_in=3):
    with tempfile.TemporaryDirectory() as tmp:
        lexicon = os.path.join(tmp, "jing.tsv")
        with open(lexicon, "w") as f:
            f.write("京\tLOC\n")
        server = Server(["--workers", "2", "--lexicon", lexicon], binary=binary)
        body = json.dumps({"text": "京" * 100_000}, ensure_ascii=False).encode()
        whole, lock, slow = [], threading.Lock(), threading.Event()
        slow.set()

        def read_slowly():
            with socket.create_connection(("127.0.0.1", server.port), timeout=120) as s:
                s.sendall(b"POST /v1/entities/stream HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                          b"Content-Length: %d\r\n\r\n" % len(body) + body)
                data = b""
                while slow.is_set():
                    data += s.recv(1024)
                    time.sleep(0.25)
                while not data.endswith(b"\r\n0\r\n\r\n"):
                    more = s.recv(1 << 16)
                    if not more:
                        break
                    data += more
            lines = [json.loads(l) for l in (dechunk(data.partition(b"\r\n\r\n")[2]) or b"").splitlines()]
            with lock:
                whole.append(bool(lines) and lines[-1].get("done") is True
                             and sum(len(l.get("entities", [])) for l in lines) == 100_000)

        clients = [threading.Thread(target=read_slowly) for _ in range(2)]
        for c in clients:
            c.start()
        # The lead-in lets both workers compute until their readers fall 256 KiB behind.
        time.sleep(lead_in)
        cpu0, switches0 = cpu_and_switches(server.pid)
        time.sleep(seconds)
        cpu1, switches1 = cpu_and_switches(server.pid)
        slow.clear()
        for c in clients:
            c.join()
        server.stop()
        return {"seconds": seconds, "context switches": switches1 - switches0,
                "CPU seconds": round(cpu1 - cpu0, 2), "answers whole": f"{whole.count(True)} of {len(clients)}"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--long-chars", type=int, default=1_000_000)
    parser.add_argument("--only", nargs="*", default=["abandoned", "long", "smuggling", "sigterm", "memory", "lexicon", "probes", "slow_readers"])
    args = parser.parse_args()
    scenarios = {"abandoned": abandoned, "long": lambda b: long_text(b, args.long_chars),
                 "smuggling": smuggling, "sigterm": sigterm, "memory": memory, "lexicon": lexicon_cost, "probes": probes,
                 "slow_readers": slow_readers}
    for name in args.only:
        results = [scenarios[name](b) for b in args.binaries]
        print(f"\n## {name}\n")
        print("| | " + " | ".join(args.binaries) + " |")
        print("|---|" + "---|" * len(args.binaries))
        for key in results[0]:
            print(f"| {key} | " + " | ".join(str(r.get(key, "")) for r in results) + " |")


if __name__ == "__main__":
    main()
