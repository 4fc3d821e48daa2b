"""Two zhner binaries side by side: the same `zhner tag` runs, alternating old and new, on the same
inputs; their outputs must be byte-identical, and the report gives each one's median time and the
ratio new / old. For changes meant to keep behaviour and speed (a restructuring, a refactor).

    python3 -m bench.compare_binaries OLD_ZHNER NEW_ZHNER [--rounds 5] [--threads 2]
        [--model models/default] [--bert-model bench/work/models/random-bert-zhner-int8 --bert-lines 200]

Inputs: the sentences of MSRA test (../shared/data/msra/test.tsv), one per line, whole file per run; the
BERT model (made by `make bench`), when given, tags the first --bert-lines of them.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

from bench.make_inputs import sentences

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def tag(binary, model, path, threads):
    """(seconds, stdout bytes) of one `zhner tag` over the file."""
    start = time.perf_counter()
    out = subprocess.run([binary, "tag", "--model", model, "--input", path, "--threads", str(threads),
                          "--no-progress"], capture_output=True, check=True).stdout
    return time.perf_counter() - start, out


def compare(name, old, new, model, path, lines, rounds, threads):
    times = {"old": [], "new": []}
    outputs = {}
    for r in range(rounds):
        # Alternating, and the order flipped each round, so drift on a shared machine hits both alike.
        for label in (("old", "new") if r % 2 == 0 else ("new", "old")):
            seconds, out = tag(old if label == "old" else new, model, path, threads)
            times[label].append(seconds)
            outputs.setdefault(label, out)
    same = outputs["old"] == outputs["new"]
    t_old, t_new = statistics.median(times["old"]), statistics.median(times["new"])
    print(f"{name}: {lines} lines, {threads} threads, {rounds} rounds each: old {t_old:.3f} s "
          f"({lines / t_old:,.0f} lines/s), new {t_new:.3f} s ({lines / t_new:,.0f} lines/s), "
          f"new/old time {t_new / t_old:.3f}; outputs {'identical' if same else 'DIFFER'}")
    return same


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--model", default=os.path.join(ROOT, "models", "default"))
    ap.add_argument("--bert-model", help="also compare on this BERT folder (e.g. bench/work/models/random-bert-zhner-int8)")
    ap.add_argument("--bert-lines", type=int, default=200)
    args = ap.parse_args()
    lines = list(sentences())
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        full = os.path.join(tmp, "msra_test.txt")
        with open(full, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        ok &= compare("default model", args.old, args.new, args.model, full, len(lines), args.rounds, args.threads)
        if args.bert_model:
            head = os.path.join(tmp, "msra_head.txt")
            with open(head, "w", encoding="utf-8") as f:
                f.write("\n".join(lines[:args.bert_lines]) + "\n")
            ok &= compare("BERT", args.old, args.new, args.bert_model, head, args.bert_lines, args.rounds, args.threads)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
