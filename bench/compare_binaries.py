"""Two zhner binaries side by side: the same `zhner tag` runs, alternating old and new, on the same
inputs; their outputs must be byte-identical, and the report gives each one's median time and the
ratio new / old. For changes meant to keep behaviour and speed (a restructuring, a refactor).

    python3 -m bench.compare_binaries OLD_ZHNER NEW_ZHNER [--rounds 5] [--threads 2]
        [--model models/default] [--bert-model bench/work/models/random-bert-zhner-int8 --bert-lines 200]

Inputs: the sentences of MSRA test (../shared/data/msra/test.tsv), one per line, whole file per run; the
BERT model (made by `make bench`), when given, tags the first --bert-lines of them.

With --worker-latency, OLD and NEW are two builds of bench/zhner-worker instead (`swift build -c release
--package-path bench/zhner-worker --scratch-path DIR` in each checkout: the worker links the checkout it
sits in), timed on batch-1 latency, call by call, per input length (bench/work/inputs/len<N>.txt) and
thread count; the entities must be identical. For a change to the engine's inner loop, which `zhner tag`
timings would mostly hide behind the CLI:

    python3 -m bench.compare_binaries --worker-latency OLD_WORKER NEW_WORKER [--rounds 6] [--threads 1,2]
        [--lengths 32,128,512] [--bert-model bench/work/models/random-bert-zhner-int8] [--inputs bench/work/inputs]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

from bench.make_inputs import sentences
from bench.run import WORK, Worker, loadavg

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def tag(binary, model, path, threads):
    """(seconds, stdout bytes) of one `zhner tag` over the file."""
    start = time.perf_counter()
    out = subprocess.run([binary, "tag", "--model", model, "--input", path, "--threads", str(threads),
                          "--no-progress"], capture_output=True, check=True).stdout
    return time.perf_counter() - start, out


def order(r):
    """Alternating, and the order flipped each round, so drift on a shared machine hits both alike."""
    return ("old", "new") if r % 2 == 0 else ("new", "old")


def compare(name, old, new, model, path, lines, rounds, threads):
    times = {"old": [], "new": []}
    outputs = {}
    for r in range(rounds):
        for label in order(r):
            seconds, out = tag(old if label == "old" else new, model, path, threads)
            times[label].append(seconds)
            outputs.setdefault(label, out)
    same = outputs["old"] == outputs["new"]
    t_old, t_new = statistics.median(times["old"]), statistics.median(times["new"])
    print(f"{name}: {lines} lines, {threads} threads, {rounds} rounds each: old {t_old:.3f} s "
          f"({lines / t_old:,.0f} lines/s), new {t_new:.3f} s ({lines / t_new:,.0f} lines/s), "
          f"new/old time {t_new / t_old:.3f}; outputs {'identical' if same else 'DIFFER'}")
    return same


# Texts per latency call: about a second of work per call at 1 thread, whatever the length.
LATENCY_COUNT = {32: 12, 128: 4, 512: 1}


def compare_latency(old, new, model, inputs, threads, lengths, rounds):
    """p50 batch-1 latency of two workers, per length; True when their entities agree."""
    workers = {label: Worker(f"compare-{label}-t{threads}", [path, "--model", model, "--threads", str(threads)])
               for label, path in (("old", old), ("new", new))}
    same = True
    try:
        for n in lengths:
            path = os.path.join(inputs, f"len{n}.txt")
            count = LATENCY_COUNT.get(n, 1)
            for w in workers.values():  # warm-up: first touch of the workspaces
                w.call(cmd="latency", file=path, start=0, count=count)
            times = {"old": [], "new": []}
            for r in range(rounds):
                found = {}
                for label in order(r):
                    res = workers[label].call(cmd="latency", file=path, start=(1 + r) * count, count=count)
                    times[label] += res["times"]
                    found[label] = res["entities"]
                same &= found["old"] == found["new"]
            t_old, t_new = statistics.median(times["old"]), statistics.median(times["new"])
            print(f"{n} tokens, {threads} threads, {len(times['old'])} calls each: p50 old {t_old * 1e3:.2f} ms, "
                  f"new {t_new * 1e3:.2f} ms, new/old {t_new / t_old:.3f}; load {loadavg()}", flush=True)
    finally:
        for w in workers.values():
            w.close()
    return same


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--threads", default="2", help="with --worker-latency, a comma-separated list")
    ap.add_argument("--model", default=os.path.join(ROOT, "models", "default"))
    ap.add_argument("--bert-model", help="also compare on this BERT folder (e.g. bench/work/models/random-bert-zhner-int8)")
    ap.add_argument("--bert-lines", type=int, default=200)
    ap.add_argument("--worker-latency", action="store_true", help="OLD and NEW are bench/zhner-worker builds")
    ap.add_argument("--lengths", default="32,128,512")
    ap.add_argument("--inputs", default=os.path.join(WORK, "inputs"), help="folder of len<N>.txt")
    args = ap.parse_args()
    if args.worker_latency:
        model = args.bert_model or os.path.join(WORK, "models", "random-bert-zhner-int8")
        lengths = [int(x) for x in args.lengths.split(",")]
        same = all([compare_latency(args.old, args.new, model, args.inputs, int(t), lengths, args.rounds)
                    for t in args.threads.split(",")])
        print("entities identical" if same else "entities DIFFER")
        sys.exit(0 if same else 1)
    lines = list(sentences())
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        full = os.path.join(tmp, "msra_test.txt")
        with open(full, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        ok &= compare("default model", args.old, args.new, args.model, full, len(lines), args.rounds, int(args.threads))
        if args.bert_model:
            head = os.path.join(tmp, "msra_head.txt")
            with open(head, "w", encoding="utf-8") as f:
                f.write("\n".join(lines[:args.bert_lines]) + "\n")
            ok &= compare("BERT", args.old, args.new, args.bert_model, head, args.bert_lines, args.rounds,
                          int(args.threads))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
