"""Where a BERT forward pass spends its instructions: a callgrind profile grouped into operations.

    python3 bench/profile_ops.py [--lengths 32,128,512] [--threads 1,2] [--out bench/work/profile]

Builds bench/zhner-worker in release (bench/work/build-worker, as bench/run.py does), strips its debug
information (valgrind 3.19 gives up on the Swift binary's debug info, "Possibly corrupted debuginfo file";
`strip --strip-debug` keeps the symbol table, so functions keep their names) and runs it under callgrind on the random BERT-base-chinese-shaped
INT8 model (bench/work/models/random-bert-zhner-int8, made by bench/run.py) for one line of
bench/work/inputs/len{N}.txt (N tokens with [CLS] and [SEP]) at each thread count.

Instructions, not time: callgrind counts executed instructions deterministically, which a machine shared
with other jobs cannot do for wall-clock time; but one AVX2 int8 GEMM instruction does 16-32 MACs while the
Swift glue does a fraction of one op per instruction, so a share of instructions is not a share of time.

What is measured is one warm recognize() call: each run loads the model, runs the worker's warm-up text
and then the measured text; a second run that loads and quits ("baseline") is subtracted function by
function, which leaves the measured call alone (SWIFT_DETERMINISTIC_HASHING makes the load repeatable).

Threads: callgrind runs a program's threads one at a time, so at 2 threads the counts show how much of
the work runs inside parallel regions (Amdahl's serial part) and how many instructions the hand-off
executes, not how long the threads wait for each other. GCD's idle workers sleep on a futex rather than
spin, so the time a fork spends waking a thread is in the kernel and appears in no count.

--reuse groups the callgrind files already in --out again (after a change to the table below) without
running valgrind.
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work")
WORKER_BUILD = os.path.join(WORK, "build-worker")
MODEL = os.path.join(WORK, "models/random-bert-zhner-int8")
INPUTS = os.path.join(WORK, "inputs")

# Operations, in report order, and the functions whose INCLUSIVE instruction counts make them up. The
# entry points never call one another (C kernels call only their own per-ISA helpers; the tokenizer and the
# decoder run before and after the encoder), so their inclusive counts add up without double counting.
# Names are matched as regular expressions on the symbol (Swift names mangled: `11BertEncoderV5embed` is
# BertEncoder.embed).
INCLUSIVE = [
    # Every encoder linear layer (QKV, attention output, FFN up and down) and the classifier: int8 GEMM.
    # FFN-up's GELU runs in zk_gemm_s8's epilogue (inlined there), so it counts here.
    ("linear (int8 GEMM)", [r"^zk_gemm_s8$", r"^zk_gemm_f32$"]),
    # Per-token int8 quantization of the inputs of attention output and FFN-down (Linear.forward); QKV's
    # and FFN-up's are quantized inside zk_add_layernorm_s8 and count under LayerNorm.
    ("activation quantization", [r"^zk_quantize_rows_s8$"]),
    ("attention QK^T", [r"^zk_sgemm_nt$"]),
    ("attention softmax", [r"^zk_softmax_rows$"]),
    ("attention AV", [r"^zk_sgemm_nn$"]),
    # The residual add is fused into the LayerNorm kernel (x + residual, then normalise), and so is the
    # quantization of its output rows for the next int8 layer: one operation. zk_add_layernorm_s8 only:
    # zk_add_layernorm is a wrapper around it, so counting both would count a call twice.
    ("residual add + LayerNorm", [r"^zk_add_layernorm_s8$"]),
    # FP32 models only: int8 ones apply GELU in the GEMM's epilogue.
    ("GELU", [r"^zk_gelu$"]),
    # word + position + token-type rows (the embedding LayerNorm counts under LayerNorm).
    ("embeddings", [r"11BertEncoderV5embed"]),
    ("tokenisation", [r"13BertTokenizerV6encode"]),
    # CRF / argmax, first sub-token per word, label spans -> entities.
    ("decoding", [r"10RecognizerC6decode_6scores8document"]),
]
# Threading is counted EXCLUSIVELY (the instructions of these functions themselves): libdispatch's
# concurrentPerform and worker loop include the kernels they run, which are already counted above.
THREADING = ("threading (dispatch, fork/join, waits)",
             [r"\[.*libdispatch\.so.*\]$", r"\[.*libswiftDispatch\.so.*\]$",
              r"^(__futex|futex|__lll_|sched_yield|__sched_yield|clone|start_thread|pthread_create|pthread_cond_)"])
OTHER = "other (Swift glue, allocation, JSON I/O)"

LINE = re.compile(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+([^:]*):(.*?)(?: (\[[^\]]*\]))?$")


def log(msg):
    print(f"[profile {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def build_worker():
    """The release worker with debug information stripped (symbol table kept)."""
    subprocess.run(["swift", "build", "-c", "release", "--package-path", os.path.join(HERE, "zhner-worker"),
                    "--scratch-path", WORKER_BUILD], check=True)
    stripped = os.path.join(WORK, "profile", "zhner-worker.nodebug")
    os.makedirs(os.path.dirname(stripped), exist_ok=True)
    subprocess.run(["strip", "--strip-debug", "-o", stripped, os.path.join(WORKER_BUILD, "release/zhner-worker")],
                   check=True)
    return stripped


def callgrind(worker, threads, text_file, out_prefix, reuse):
    """Runs the worker under callgrind: one latency call on text_file's first line, or none (baseline)."""
    if reuse:
        return sorted(glob.glob(out_prefix + "-*"))
    commands = ""
    if text_file:
        commands += f'{{"cmd": "latency", "file": "{text_file}", "start": 0, "count": 1}}\n'
    commands += '{"cmd": "quit"}\n'
    for old in glob.glob(out_prefix + "*"):
        os.remove(old)
    env = dict(os.environ, SWIFT_DETERMINISTIC_HASHING="1")
    subprocess.run(["valgrind", "--tool=callgrind", "--separate-threads=yes",
                    f"--callgrind-out-file={out_prefix}", worker, "--model", MODEL, "--threads", str(threads)],
                   input=commands.encode(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                   check=True)
    # One file per thread, "-01" the main thread.
    return sorted(glob.glob(out_prefix + "-*"))


def costs(path, inclusive):
    """{"function [object]": instructions} from callgrind_annotate (every function: --threshold=100)."""
    text = subprocess.run(["callgrind_annotate", f"--inclusive={'yes' if inclusive else 'no'}", "--threshold=100",
                           path], check=True, capture_output=True, text=True).stdout
    out = {}
    for line in text.splitlines():
        m = LINE.match(line)
        if m and m.group(3):
            key = m.group(3) + (" " + m.group(4) if m.group(4) else "")
            out[key] = out.get(key, 0) + int(m.group(1).replace(",", ""))
    return out


def group(files):
    """Instructions per operation over the given per-thread files."""
    ops = {name: 0 for name, _ in INCLUSIVE}
    ops[THREADING[0]] = 0
    total = 0
    for path in files:
        inc, exc = costs(path, True), costs(path, False)
        total += sum(exc.values())
        for name, patterns in INCLUSIVE:
            ops[name] += sum(c for fn, c in inc.items() if any(re.search(p, fn.split(" [")[0]) for p in patterns))
        ops[THREADING[0]] += sum(c for fn, c in exc.items() if any(re.search(p, fn) for p in THREADING[1]))
    ops[OTHER] = total - sum(ops.values())
    return ops, total


def dispatches(path):
    """Calls of dispatch_apply_f (one per Parallel.forEach that splits work: a fork and a join) in a file."""
    names, current, calls = {}, None, 0
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("cfn="):
                m = re.match(r"cfn=\((\d+)\)(?: (.*))?", line.rstrip("\n"))
                if m.group(2):
                    names[m.group(1)] = m.group(2)
                current = names.get(m.group(1))
            elif line.startswith("calls=") and current == "dispatch_apply_f":
                calls += int(line.split()[0][6:])
    return calls


def summary(files):
    """Operations over all threads; instructions inside parallel regions (the main thread's inclusive
    dispatch_apply_f plus everything GCD's worker threads ran); fork/join count."""
    ops, total = group(files)
    in_apply = sum(c for fn, c in costs(files[0], True).items() if fn.startswith("dispatch_apply_f "))
    workers = sum(sum(costs(f, False).values()) for f in files[1:])
    return {"ops": ops, "total": total, "parallel": in_apply + workers, "dispatches": dispatches(files[0])}


_baselines = {}


def profile(worker, n, threads, out_dir, reuse):
    """summary() of one warm N-token call: the run with it minus the run without it."""
    if threads not in _baselines:
        log(f"baseline (load + warm-up), {threads} thread(s)")
        files = callgrind(worker, threads, None, os.path.join(out_dir, f"callgrind.base-t{threads}"), reuse)
        _baselines[threads] = summary(files)
    text = os.path.join(out_dir, f"len{n}.line.txt")
    with open(os.path.join(INPUTS, f"len{n}.txt"), encoding="utf-8") as f, open(text, "w", encoding="utf-8") as g:
        g.write(f.readline())
    log(f"{n} tokens, {threads} thread(s)")
    run = summary(callgrind(worker, threads, text, os.path.join(out_dir, f"callgrind.{n}-t{threads}"), reuse))
    base = _baselines[threads]
    out = {k: run[k] - base[k] for k in ("total", "parallel", "dispatches")}
    out["ops"] = {k: run["ops"][k] - base["ops"][k] for k in run["ops"]}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lengths", default="32,128,512")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--out", default=os.path.join(WORK, "profile"))
    ap.add_argument("--worker", help="an already built worker without debug information (skips the build)")
    ap.add_argument("--reuse", action="store_true", help="group the callgrind files already in --out again")
    args = ap.parse_args()
    if not os.path.exists(os.path.join(MODEL, "model.safetensors")):
        sys.exit(f"no {MODEL}: run bench/run.py once (make bench), which makes the random model and quantizes it")
    os.makedirs(args.out, exist_ok=True)
    worker = None if args.reuse else args.worker or build_worker()
    lengths = [int(x) for x in args.lengths.split(",")]
    thread_counts = [int(x) for x in args.threads.split(",")]
    for n in lengths:
        results = {t: profile(worker, n, t, args.out, args.reuse) for t in thread_counts}
        print(f"\n**{n} tokens**\n")
        print("| operation | " + " | ".join(f"{t} thread{'s' * (t > 1)}" for t in thread_counts) + " |")
        print("|---|" + "---:|" * len(thread_counts))
        for name in results[thread_counts[0]]["ops"]:
            print(f"| {name} | " + " | ".join(f"{100 * r['ops'][name] / r['total']:.2f} %" for r in results.values()) + " |")
        def bound(t, r):
            # Amdahl: the part outside parallel regions runs at 1x, the rest at best t x.
            serial = 1 - r["parallel"] / r["total"]
            return f"{1 / (serial + (1 - serial) / t):.2f}x" if t > 1 else "–"
        rows = [("instructions", lambda t, r: f"{r['total'] / 1e6:,.0f} M"),
                ("inside parallel regions", lambda t, r: f"{100 * r['parallel'] / r['total']:.1f} %"),
                ("speed-up bound from the serial part", bound),
                ("fork/joins (dispatch_apply_f calls)", lambda t, r: str(r["dispatches"]))]
        for label, cell in rows:
            print(f"| {label} | " + " | ".join(cell(t, r) for t, r in results.items()) + " |")
        sys.stdout.flush()

if __name__ == "__main__":
    main()
