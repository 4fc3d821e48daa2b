"""The zhner benchmark: every engine on the same inputs, side by side, in one run (`make bench`).

    bench/.venv/bin/python -m bench.run [--quick] [--threads 1,2] [--rounds N] [--sample-every K]
                                        [--only SECTIONS] [--engines NAMES]

Prepares what is missing under bench/work/ (random BERT-base-chinese-shaped model, MSRA inputs, ONNX
FP32/INT8 exports, OpenVINO FP32/INT8 IR, the zhner INT8 folder, the zhner worker, the peak
microbenchmark), measures, and writes bench/results/<date>-<host>.json; bench/report.py turns that into
docs/BENCHMARKS.md and charts.

Engines (BERT section): zhner INT8 and FP32 (NERCore in-process through bench/zhner-worker, and the
`zhner tag` CLI for throughput and cold start), PyTorch FP32 eager and dynamic INT8, ONNX Runtime FP32
and INT8, OpenVINO FP32 and INT8 (NNCF post-training quantization); --engines runs some of them. If
models/default exists, a second section runs the shipped BiLSTM-CRF model on zhner and on its PyTorch
reference implementation (tools/train).

Measurement rules, each for a reason:
- Every engine is a long-lived worker process (engines/common.py protocol) and the orchestrator
  alternates engines call by call, in a rotating order, so machine noise (this machine is shared)
  hits all engines alike. Ratios between engines are the claim, not absolute times.
- Latency is batch 1, text in -> entities out (tokenisation and decoding included for everyone).
- Memory figures come from fresh processes, one engine at a time (/proc/self/status).
- The entities of the timed calls are checked against PyTorch FP32 (per character): a run whose engines
  disagree on more than 1 % of characters fails.
"""
import argparse
import datetime
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time

from pytools.percentile import percentile

from .engines import common

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work")

PY = sys.executable
LENGTHS = (32, 128, 512)
# BERT-base linear layers per token: Q, K, V, output (4 x 768x768) and the FFN (768x3072, 3072x768), x 12
# layers, 2 ops (multiply + add) per MAC. Attention's own GEMMs are left out: it is the linear layers'
# int8 GEMM whose efficiency is measured.
BERT_BASE_LINEAR_OPS_PER_TOKEN = 12 * 2 * (4 * 768 * 768 + 2 * 768 * 3072)
GUARD_MIN_AGREEMENT = 0.99
# The BERT section's engines (engine_specs), for --engines.
BERT_ENGINES = ("zhner-int8", "zhner-fp32", "torch-fp32", "torch-int8", "ort-fp32", "ort-int8", "ov-fp32", "ov-int8")
# Characters whose PyTorch FP32 label is a near-tie (top-two logits closer than this) are left out of the
# pass/fail check, and counted apart: on a random-weight model many labels are near-ties, and any INT8
# engine's rounding flips some of them (PyTorch's own dynamic INT8 included) without any bug. The figure
# over all characters is reported too.
GUARD_NEAR_TIE = 0.1


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def loadavg():
    return [round(x, 2) for x in os.getloadavg()]


def sh(cmd, **kw):
    log("$ " + " ".join(cmd))
    subprocess.run(cmd, check=True, **kw)


# ---- preparation ----------------------------------------------------------------------------------------

def prepare(args):
    """Builds what is missing under bench/work; returns the paths."""
    p = {
        "bert": os.path.join(WORK, "models/random-bert"),
        "bert_int8": os.path.join(WORK, "models/random-bert-zhner-int8"),
        "onnx": os.path.join(WORK, "onnx"),
        "openvino": os.path.join(WORK, "openvino"),
        "inputs": os.path.join(WORK, "inputs"),
        "default": os.path.join(ROOT, args.default_model),
        "default_int8": os.path.join(WORK, "models/default-zhner-int8"),
        "peak": os.path.join(WORK, "peak"),
    }
    if not os.path.exists(os.path.join(p["bert"], "model.safetensors")):
        sh([PY, os.path.join(HERE, "make_random_bert.py"), p["bert"]])
    if not os.path.exists(os.path.join(p["inputs"], "len512.txt")):
        sh([PY, os.path.join(HERE, "make_inputs.py"), p["inputs"]])
    if wanted(args, "ort-"):
        sh([PY, os.path.join(HERE, "export_onnx.py"), p["bert"], p["onnx"]])
    if wanted(args, "ov-"):
        sh([PY, os.path.join(HERE, "export_openvino.py"), p["bert"], p["openvino"]])
    if not os.path.exists(os.path.join(p["bert_int8"], "model.safetensors")):
        sh([args.zhner, "quantize", p["bert"], p["bert_int8"], "--force"])
    # The default model ships as zhner INT8 (models/default, written by tools/train/ship.sh from the F32
    # export). zhner FP32 and the PyTorch reference need that F32 export: --default-f32, else the folder
    # itself when it is F32 (then it is quantized here for zhner INT8).
    p["default_f32"] = None
    if os.path.exists(os.path.join(p["default"], "config.json")):
        if is_zhner_int8(p["default"]):
            p["default_int8"] = p["default"]
            f32 = os.path.join(ROOT, args.default_f32)
            if os.path.exists(os.path.join(f32, "config.json")) and not is_zhner_int8(f32):
                p["default_f32"] = f32
            else:
                log(f"note: no F32 export of the default model at {args.default_f32}: zhner FP32 and the "
                    f"PyTorch reference are skipped in the default-model section")
        else:
            p["default_f32"] = p["default"]
            src = os.path.join(p["default"], "model.safetensors")
            dst = os.path.join(p["default_int8"], "model.safetensors")
            if not os.path.exists(dst) or os.path.getmtime(dst) < os.path.getmtime(src):
                sh([args.zhner, "quantize", p["default"], p["default_int8"], "--force"])
    else:
        log(f"note: {args.default_model} does not exist yet: the default-model section is skipped")
        p["default"] = None
    # The peak microbenchmark needs no -m flags: target attributes + a run-time CPU check.
    sh(["cc", "-O2", "-pthread", os.path.join(HERE, "peak.c"), "-o", p["peak"]])
    if not args.worker:
        # NERCore linked into a small driver (see bench/zhner-worker/Package.swift); its own build folder.
        sh(["swift", "build", "-c", "release", "--package-path", os.path.join(HERE, "zhner-worker"),
            "--scratch-path", os.path.join(WORK, "build-worker")])
        args.worker = os.path.join(WORK, "build-worker/release/zhner-worker")
    return p


def wanted(args, prefix):
    """Whether --engines (all when not given) names an engine whose name starts with `prefix`."""
    return not args.engines or any(n.startswith(prefix) for n in args.engines)


def is_zhner_int8(folder):
    """Whether a model folder's safetensors is zhner's INT8 format (its header metadata says so)."""
    import struct
    path = os.path.join(folder, "model.safetensors")
    if not os.path.exists(path):
        return False
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    return str(header.get("__metadata__", {}).get("zhner_format", "")).startswith("zhner-int8")


# ---- workers ---------------------------------------------------------------------------------------------

class Worker:
    """One engine in its own process, driven line by line (engines/common.py)."""

    def __init__(self, name, cmd, env=None):
        self.name = name
        os.makedirs(os.path.join(WORK, "logs"), exist_ok=True)
        self.log_path = os.path.join(WORK, "logs", name + ".log")
        # cwd: the Python engines are modules of this package (python -m bench.engines.torch_engine),
        # importable from the repository root.
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT,
                                     stderr=open(self.log_path, "w"), text=True, env=env, encoding="utf-8")
        self.ready = self._read()

    def _read(self):
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            with open(self.log_path) as f:
                tail = f.read()[-3000:]
            raise RuntimeError(f"{self.name} died (exit {self.proc.returncode}):\n{tail}")
        return json.loads(line)

    def call(self, **cmd):
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self):
        try:
            self.proc.stdin.write('{"cmd": "quit"}\n')
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except Exception:
            self.proc.kill()
            self.proc.wait()


def thread_env(threads):
    env = dict(os.environ)
    # Python peers: keep OpenMP/MKL pools at the intra-op count (torch.set_num_threads sets it too).
    env.update(OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads), TOKENIZERS_PARALLELISM="false")
    return env


def engine_specs(args, p, onnx_choice):
    """name -> dict(label, family, dtype, worker(threads) -> argv, cold(text) -> argv, tag_model)."""
    specs = {
        "zhner-int8": dict(label="zhner INT8", family="zhner", dtype="int8", model=p["bert_int8"]),
        "zhner-fp32": dict(label="zhner FP32", family="zhner", dtype="fp32", model=p["bert"]),
        "torch-fp32": dict(label="PyTorch FP32", family="torch", dtype="fp32", model=p["bert"]),
        "torch-int8": dict(label="PyTorch dyn. INT8", family="torch", dtype="int8", model=p["bert"]),
        "ort-fp32": dict(label="ONNX Runtime FP32", family="ort", dtype="fp32",
                         onnx=os.path.join(p["onnx"], onnx_choice["fp32"] + ".onnx"), model=p["bert"]),
        "ort-int8": dict(label="ONNX Runtime INT8", family="ort", dtype="int8",
                         onnx=os.path.join(p["onnx"], onnx_choice["int8"] + ".onnx"), model=p["bert"]),
        "ov-fp32": dict(label="OpenVINO FP32", family="openvino", dtype="fp32",
                        ir=os.path.join(p["openvino"], "fp32.xml"), model=p["bert"]),
        "ov-int8": dict(label="OpenVINO INT8 (NNCF)", family="openvino", dtype="int8",
                        ir=os.path.join(p["openvino"], "int8.xml"), model=p["bert"]),
    }
    if args.engines:
        specs = {n: s for n, s in specs.items() if n in args.engines}
    for s in specs.values():
        s["arch"] = "bert"
    for name, s in specs.items():
        attach_commands(args, s)
    return specs


def default_specs(args, p):
    specs = {"zhner-int8": dict(label="zhner INT8", family="zhner", dtype="int8", model=p["default_int8"])}
    if p["default_f32"]:
        specs.update({
            "zhner-fp32": dict(label="zhner FP32", family="zhner", dtype="fp32", model=p["default_f32"]),
            "torch-fp32": dict(label="PyTorch FP32 (tools/train)", family="torch", dtype="fp32",
                               model=p["default_f32"]),
            "torch-int8": dict(label="PyTorch dyn. INT8 (tools/train)", family="torch", dtype="int8",
                               model=p["default_f32"]),
        })
    for s in specs.values():
        s["arch"] = "lstm"
        attach_commands(args, s)
    return specs


def attach_commands(args, s):
    if s["family"] == "zhner":
        s["worker"] = lambda t, s=s: [args.worker, "--model", s["model"], "--threads", str(t)]
        # Cold start and throughput use the CLI a user runs.
        s["cold"] = lambda text, s=s: [args.zhner, "tag", "--model", s["model"], "--threads", "1"]
    elif s["family"] == "torch":
        base = [PY, "-m", "bench.engines.torch_engine", "--model", s["model"], "--arch", s["arch"],
                "--dtype", s["dtype"]]
        s["worker"] = lambda t, base=base: base + ["--threads", str(t)]
        s["cold"] = lambda text, base=base: base + ["--threads", "2", "--cold", text]
    else:
        graph = {"ort": ["bench.engines.ort_engine", "--onnx", s.get("onnx")],
                 "openvino": ["bench.engines.openvino_engine", "--ir", s.get("ir")]}[s["family"]]
        base = [PY, "-m"] + graph + ["--tokenizer", s["model"]]
        s["worker"] = lambda t, base=base: base + ["--threads", str(t)]
        s["cold"] = lambda text, base=base: base + ["--threads", "2", "--cold", text]


def start_workers(specs, threads):
    workers = {}
    for name, s in specs.items():
        log(f"loading {name} ({threads} thread{'s' if threads > 1 else ''})")
        workers[name] = Worker(f"{name}-t{threads}", s["worker"](threads), env=thread_env(threads))
    return workers


def stop_workers(workers):
    for w in workers.values():
        w.close()


def rotated(names, k):
    k %= len(names)
    return names[k:] + names[:k]


# ---- measurements ----------------------------------------------------------------------------------------

def pick_onnx(args, p):
    """Times plain vs transformer-optimised graphs side by side (2 threads, 128 tokens); keeps the faster."""
    choice, trial = {}, {}
    for dtype in ("fp32", "int8"):
        variants = [v for v in (dtype, dtype + "-opt") if os.path.exists(os.path.join(p["onnx"], v + ".onnx"))]
        if len(variants) <= 1 or not wanted(args, "ort-" + dtype):  # nothing to choose, or not run
            choice[dtype] = variants[0] if variants else dtype
            continue
        workers = {v: Worker(f"ort-{v}-pick", [PY, "-m", "bench.engines.ort_engine", "--onnx",
                                               os.path.join(p["onnx"], v + ".onnx"), "--tokenizer", p["bert"],
                                               "--threads", "2"], env=thread_env(2)) for v in variants}
        times = {v: [] for v in variants}
        f128 = os.path.join(p["inputs"], "len128.txt")
        for r in range(args.pick_rounds):
            for v in rotated(variants, r):
                times[v] += workers[v].call(cmd="latency", file=f128, start=1000 + r * 2, count=2)["times"]
        stop_workers(workers)
        med = {v: statistics.median(t) for v, t in times.items()}
        choice[dtype] = min(med, key=med.get)
        trial[dtype] = {v: round(m * 1000, 2) for v, m in med.items()}
        log(f"ONNX {dtype}: p50 at 128 tokens {trial[dtype]} ms -> {choice[dtype]}")
    return choice, trial


def measure_latency(specs, threads, p, plan):
    """Batch-1 latency per length, engines alternating call by call. Returns (figures, entities per engine)."""
    workers = start_workers(specs, threads)
    names = list(specs)
    samples = {n: {L: [] for L in LENGTHS} for n in names}
    cpu = {n: {L: [] for L in LENGTHS} for n in names}
    found = {n: {L: [] for L in LENGTHS} for n in names}
    found["_margins"] = {L: [] for L in LENGTHS}
    texts = {L: [] for L in LENGTHS}
    ready = {n: w.ready for n, w in workers.items()}
    try:
        for r in range(plan["rounds"]):
            for L in LENGTHS:
                k = plan["per_call"][L]
                f = os.path.join(p["inputs"], f"len{L}.txt")
                start = r * k
                texts[L] += common.read_lines(f)[start:start + k]
                for n in rotated(names, r + L):
                    res = workers[n].call(cmd="latency", file=f, start=start, count=k, margins=n == "torch-fp32")
                    samples[n][L] += res["times"]
                    cpu[n][L] += res.get("cpu", [])
                    found[n][L] += res["entities"]
                    found["_margins"][L] += res.get("margins", [])
            log(f"latency t{threads} round {r + 1}/{plan['rounds']}: " + ", ".join(
                f"{n} {1000 * statistics.median(samples[n][128]):.0f}" for n in names) + " ms @128")
    finally:
        stop_workers(workers)
    figures = {}
    for n in names:
        figures[n] = {str(L): {"p50_ms": 1000 * percentile(samples[n][L], 50),
                               "p95_ms": 1000 * percentile(samples[n][L], 95),
                               "mean_ms": 1000 * statistics.fmean(samples[n][L]),
                               # process CPU time per call (all threads; spinning pool threads count too)
                               "cpu_p50_ms": 1000 * percentile(cpu[n][L], 50) if cpu[n][L] else None,
                               "n": len(samples[n][L])} for L in LENGTHS}
        figures[n]["load_s"] = ready[n].get("load_s")
        # what the worker says about its runtime (versions; OpenVINO's compiled properties)
        figures[n]["runtime"] = {k: v for k, v in ready[n].items()
                                 if k not in ("event", "load_s") and not k.endswith("_kb")}
    return figures, found, texts


def guard(found, texts, reference="torch-fp32"):
    """Per-character agreement (BIO tags from entities) of every engine with the reference on the timed
    inputs: over all characters, and over those whose reference label is not a near-tie."""
    out = {}
    if reference not in found:
        return out
    margins = found.get("_margins") or {}
    for n in found:
        if n.startswith("_"):
            continue
        same = total = same_decided = decided = 0
        for L in LENGTHS:
            ms = margins.get(L) or [None] * len(texts[L])
            for text, mine, ref, m in zip(texts[L], found[n][L], found[reference][L], ms):
                a, b = common.char_tags(text, mine), common.char_tags(text, ref)
                for i, (x, y) in enumerate(zip(a, b)):
                    total += 1
                    same += x == y
                    if m is None or m[i] >= GUARD_NEAR_TIE:
                        decided += 1
                        same_decided += x == y
        ents = sum(len(e) for L in LENGTHS for e in found[n][L])
        out[n] = {"agreement_all": same / total if total else 1.0,
                  "agreement": same_decided / decided if decided else 1.0,
                  "chars": total, "near_ties": total - decided, "entities": ents}
    return out


def slice_files(p, sample_every, slices):
    """The throughput input: MSRA test (every k-th sentence when sampling), cut into slices so engines can
    alternate over it."""
    lines = common.read_lines(os.path.join(p["inputs"], "msra_test.txt"))[::sample_every]
    paths = []
    for i in range(slices):
        part = lines[i::slices]
        path = os.path.join(p["inputs"], f"throughput-{sample_every}-{slices}-{i}.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(part) + "\n")
        paths.append((path, len(part), sum(len(t) for t in part)))
    return paths


def run_tag(zhner_bin, model, threads, path, count):
    """Seconds of one `zhner tag` run over `path` (`count` lines), from exec to exit (load included)."""
    t = time.perf_counter()
    # `zhner tag` hands each of its --threads workers a group of --batch lines (default 64): a slice
    # shorter than threads x 64 lines would leave workers idle, which the whole test set (4,631 lines)
    # does not, so the batch is sized to give every worker lines.
    batch = max(1, min(64, -(-count // threads)))
    subprocess.run([zhner_bin, "tag", "--model", model, "--threads", str(threads), "--batch", str(batch),
                    "--input", path, "--output", os.devnull], check=True)
    return time.perf_counter() - t


def measure_throughput(specs, threads, p, plan, zhner_bin):
    """Sentences/s over MSRA test. zhner: `zhner tag` wall time from exec to exit (load included) with
    --threads N (N texts in parallel), per slice (`/tag`: one load per slice) and, once per slice round,
    over the whole input in one run (`/tag-file`: one load, as a user tags a file); also NERCore
    in-process with N intra-op threads and ragged batches of 32. Peers: batches of 32 sorted by length,
    N intra-op threads."""
    slices = slice_files(p, plan["sample_every"], plan["slices"])
    whole = slice_files(p, plan["sample_every"], 1)[0]
    workers = start_workers({n: s for n, s in specs.items()}, threads)
    names = list(specs)
    cli = [n for n in names if specs[n]["family"] == "zhner"]
    runs = names + [n + "/tag" for n in cli]
    seconds = {n: 0.0 for n in runs + [n + "/tag-file" for n in cli]}
    texts = sum(s[1] for s in slices)
    try:
        for i, (path, count, _) in enumerate(slices):
            for n in rotated(runs, i):
                if n.endswith("/tag"):
                    seconds[n] += run_tag(zhner_bin, specs[n[:-4]]["model"], threads, path, count)
                else:
                    res = workers[n].call(cmd="throughput", file=path, batch=32)
                    assert res["texts"] == count
                    seconds[n] += res["seconds"]
            log(f"throughput t{threads} slice {i + 1}/{len(slices)} done")
        # The whole file as many times as there are slices, so every figure covers the same lines.
        for i in range(len(slices)):
            for n in rotated(cli, i):
                seconds[n + "/tag-file"] += run_tag(zhner_bin, specs[n]["model"], threads, whole[0], whole[1]) / len(slices)
    finally:
        stop_workers(workers)
    return {n: {"sent_per_s": texts / s, "seconds": s, "texts": texts} for n, s in seconds.items()}


def measure_memory(specs, p):
    """Fresh process per engine, one at a time: RSS after load (and one short warm-up text), then the peak
    while tagging one 512-token input (VmHWM reset after load; the load peak is reported apart)."""
    f512 = os.path.join(p["inputs"], "len512.txt")
    out = {}
    for n, s in specs.items():
        w = Worker(f"{n}-mem", s["worker"](2), env=thread_env(2))
        try:
            after = w.ready
            reset = w.call(cmd="reset_hwm")
            w.call(cmd="latency", file=f512, start=0, count=1)
            peak = w.call(cmd="status")
        finally:
            w.close()
        out[n] = {"rss_after_load_mb": after["vmrss_kb"] / 1024, "anon_after_load_mb": after["rssanon_kb"] / 1024,
                  "file_after_load_mb": after["rssfile_kb"] / 1024, "load_peak_mb": after["vmhwm_kb"] / 1024,
                  "peak_512_mb": peak["vmhwm_kb"] / 1024 if reset.get("reset") else None}
        log(f"memory {n}: {out[n]['rss_after_load_mb']:.0f} MB after load, peak {out[n]['peak_512_mb']:.0f} MB at 512")
    return out


def measure_cold(specs, p, reps):
    """Exec -> first result: a fresh process that loads the engine and tags one sentence; the clock starts
    before exec and stops when the first output line arrives (the OS page cache is warm: files were read
    before; this is process start-up, not disk)."""
    text = common.read_lines(os.path.join(p["inputs"], "msra_test.txt"))[0]
    times = {n: [] for n in specs}
    for r in range(reps):
        for n in rotated(list(specs), r):
            s = specs[n]
            cmd = s["cold"](text)
            stdin = text + "\n" if s["family"] == "zhner" else ""
            env = thread_env(2)
            t = time.perf_counter()
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                    text=True, env=env, encoding="utf-8", cwd=ROOT)
            proc.stdin.write(stdin)
            proc.stdin.close()
            line = proc.stdout.readline()
            elapsed = time.perf_counter() - t
            proc.wait()
            if not line or proc.returncode != 0:
                raise RuntimeError(f"cold start of {n} failed (exit {proc.returncode})")
            times[n].append(elapsed)
    return {n: {"median_s": statistics.median(t), "min_s": min(t), "runs": len(t)} for n, t in times.items()}


def measure_peak(p, threads):
    out = {}
    for t in sorted(set(threads) | {1}):
        res = subprocess.run([p["peak"], str(t)], check=True, capture_output=True, text=True)
        out[str(t)] = json.loads(res.stdout)
    return out


def gemm_efficiency(latency, peak):
    """Achieved linear-layer int8 ops/s at 128 tokens (ops / p50 time: an end-to-end lower bound, since
    the time also holds attention, LayerNorm, GELU, tokenisation) over the measured int8 peak. Also per
    core of CPU time actually used (ops / p50 CPU time over the one-core peak): on a shared machine the
    wall-clock figure also counts time the engine's threads waited for a core."""
    out = {}
    ops = BERT_BASE_LINEAR_OPS_PER_TOKEN * 128
    for t, per_engine in latency.items():
        pk = peak[t]
        best = pk["best_int8"]
        peak_gops = pk[best]["gops_all"]
        out[t] = {"ops_per_forward_g": ops / 1e9, "peak_int8_gops": peak_gops, "peak_kernel": best,
                  "peak_fp32_gflops": pk["avx2_fma"]["gops_all"] if pk.get("avx2_fma") else None}
        for n in ("zhner-int8", "ov-int8", "ort-int8", "torch-int8", "zhner-fp32", "ov-fp32", "ort-fp32",
                  "torch-fp32"):
            if n in per_engine:
                achieved = ops / (per_engine[n]["128"]["p50_ms"] / 1000) / 1e9
                out[t][n] = {"achieved_gops": achieved, "of_peak": achieved / peak_gops}
                cpu_ms = per_engine[n]["128"].get("cpu_p50_ms")
                if cpu_ms:
                    per_core = ops / (cpu_ms / 1000) / 1e9
                    one = peak["1"][best]["gops_1"]
                    out[t][n].update(per_core_cpu_gops=per_core, per_core_of_peak=per_core / one)
    return out


# ---- the run ---------------------------------------------------------------------------------------------

def host_info():
    """The host's name, CPU model, cores and the ISA flags that decide which kernels run (AVX*, FMA, AMX,
    VNNI): every results file names them, since ratios hold for one ISA class only."""
    info = {}
    with open("/proc/cpuinfo") as f:
        for line in f:
            key, _, value = line.partition(":")
            info.setdefault(key.strip(), value.strip())
    flags = info.get("flags", "").split()
    # A VM may name the CPU only "AMD EPYC": family and model tell the generation (25/1: Zen 3).
    return {"host": socket.gethostname(), "cpu": info.get("model name", ""), "cpu_family": info.get("cpu family"),
            "cpu_model": info.get("model"), "cores": os.cpu_count(),
            "isa_flags": sorted(f for f in flags if f.startswith(("avx", "fma", "amx")) or "vnni" in f)}


def dist_versions(names):
    """Installed version of each distribution (None when absent)."""
    from importlib import metadata
    out = {}
    for dist in names:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out


def environment(args):
    versions = dist_versions(("torch", "onnxruntime", "openvino", "nncf", "transformers", "onnx", "numpy", "flask"))
    rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = bool(subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "Sources", "Package.swift"],
                                capture_output=True, text=True).stdout.strip())
    isa = subprocess.run([args.zhner, "info", os.path.join(WORK, "models/random-bert-zhner-int8")],
                         capture_output=True, text=True).stdout
    return {**host_info(), "zhner_isa_env": os.environ.get("ZHNER_ISA"), "zhner_info": isa.strip().splitlines(),
            "kernel": platform.release(), "python": platform.python_version(), "versions": versions,
            "git": rev + ("-dirty" if dirty else ""), "zhner_bin": args.zhner, "zhner_worker": args.worker,
            # When the binaries were built from another tree (e.g. a clean snapshot of a commit while the
            # checkout is being edited), ZHNER_BUILT_FROM says which.
            "built_from": os.environ.get("ZHNER_BUILT_FROM")}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="few iterations: checks the harness, not a measurement")
    ap.add_argument("--threads", default="1,2", help="intra-op thread counts (default 1,2)")
    ap.add_argument("--rounds", type=int, help="latency rounds (default 12; quick 2)")
    ap.add_argument("--sample-every", type=int,
                    help="throughput over every k-th MSRA test sentence (default 1 = all 4,631; quick 40)")
    ap.add_argument("--throughput-threads", help="thread counts for throughput (default: all of --threads)")
    ap.add_argument("--cold-reps", type=int, help="cold starts per engine (default 5; quick 1)")
    ap.add_argument("--only", help="comma-separated sections: latency,throughput,memory,cold,peak,default")
    ap.add_argument("--engines", help=f"comma-separated BERT-section engines to run (default all: "
                    f"{','.join(BERT_ENGINES)}); the correctness guard needs torch-fp32")
    ap.add_argument("--default-model", default="models/default")
    ap.add_argument("--default-f32", default="tools/train/runs/default/export",
                    help="the default model's F32 export, for zhner FP32 and the PyTorch reference")
    ap.add_argument("--zhner", default=os.environ.get("ZHNER_BIN", os.path.join(ROOT, ".build/release/zhner")))
    ap.add_argument("--worker", default=os.environ.get("ZHNER_WORKER_BIN"))
    ap.add_argument("--out", help="results file (default bench/results/<date>-<host>[-quick].json)")
    args = ap.parse_args()
    args.zhner = os.path.abspath(args.zhner)
    # The engines run from the repository root (Worker): a relative ZHNER_WORKER_BIN means from here.
    args.worker = args.worker and os.path.abspath(args.worker)
    if not os.path.exists(args.zhner):
        raise SystemExit(f"no zhner binary at {args.zhner}: build it (make build) or set ZHNER_BIN")
    threads = [int(t) for t in args.threads.split(",")]
    tp_threads = [int(t) for t in (args.throughput_threads or args.threads).split(",")]
    q = args.quick
    plan = {"rounds": args.rounds or (2 if q else 12),
            "per_call": {32: 2, 128: 2, 512: 1} if q else {32: 6, 128: 4, 512: 1},
            "sample_every": args.sample_every or (40 if q else 1), "slices": 2 if q else 4,
            "cold_reps": args.cold_reps or (1 if q else 5)}
    args.pick_rounds = 2 if q else 6
    args.engines = args.engines and set(args.engines.split(","))
    if args.engines and not args.engines <= set(BERT_ENGINES):
        raise SystemExit(f"--engines: unknown {', '.join(sorted(args.engines - set(BERT_ENGINES)))}")
    sections = set((args.only or "latency,throughput,memory,cold,peak,default").split(","))

    started = datetime.datetime.now(datetime.timezone.utc)
    results = {"started_utc": started.isoformat(timespec="seconds"), "quick": q, "plan": plan,
               # a run of some sections or engines only: report.py does not take it as "the newest run"
               "partial": bool(args.only or args.engines),
               "loadavg_start": loadavg()}
    p = prepare(args)
    results["environment"] = environment(args)
    log(f"load average {loadavg()}")
    if sections & {"latency", "throughput", "memory", "cold"}:
        onnx_choice, onnx_trial = pick_onnx(args, p)
        results["onnx_variants"] = {"chosen": onnx_choice, "p50_128_ms_2threads": onnx_trial}
        specs = engine_specs(args, p, onnx_choice)
        results["engines"] = {n: {k: v for k, v in s.items() if isinstance(v, str)} for n, s in specs.items()}
    bert = results["bert"] = {}
    failures = []

    if "latency" in sections:
        bert["latency"], bert["guard"] = {}, {}
        for t in threads:
            lat, found, texts = measure_latency(specs, t, p, plan)
            bert["latency"][str(t)] = lat
            bert["guard"][str(t)] = guard(found, texts)
    if "peak" in sections:
        results["peak"] = measure_peak(p, threads)
        if "latency" in bert:
            bert["gemm_efficiency"] = gemm_efficiency(bert["latency"], results["peak"])
    if "throughput" in sections:
        bert["throughput"] = {str(t): measure_throughput(specs, t, p, plan, args.zhner) for t in tp_threads}
    if "memory" in sections:
        bert["memory"] = measure_memory(specs, p)
    if "cold" in sections:
        bert["cold_start"] = measure_cold(specs, p, plan["cold_reps"])

    if "default" in sections and p["default"]:
        dspecs = default_specs(args, p)
        d = results["default_model"] = {"path": args.default_model, "f32_export": p["default_f32"] and
                                        os.path.relpath(p["default_f32"], ROOT), "latency": {}, "guard": {},
                                        "zhner_built_from": results["environment"]["built_from"],
                                        "loadavg_start": loadavg()}
        for t in threads:
            lat, found, texts = measure_latency(dspecs, t, p, plan)
            d["latency"][str(t)], d["guard"][str(t)] = lat, guard(found, texts)
        d["throughput"] = {str(t): measure_throughput(dspecs, t, p, plan, args.zhner) for t in tp_threads}
        d["memory"] = measure_memory(dspecs, p)
        d["cold_start"] = measure_cold(dspecs, p, plan["cold_reps"])
        d["loadavg_end"] = loadavg()
    elif "default" in sections:
        results["default_model"] = {"skipped": f"{args.default_model} does not exist"}

    # The guard protects zhner's figures: a zhner engine below the bar fails the run. A peer below it is
    # recorded as a warning instead (a less accurate peer only flatters the peer's speed, so zhner's
    # ratios stay conservative), together with every engine's agreement over all characters.
    warnings = []
    for section in (bert, results.get("default_model") or {}):
        for t, per in (section.get("guard") or {}).items():
            for n, g in per.items():
                if g["agreement"] < GUARD_MIN_AGREEMENT:
                    msg = (f"{n} ({t} threads): {100 * g['agreement']:.2f} % of characters (near-ties aside) "
                           f"agree with PyTorch FP32")
                    (failures if n.startswith("zhner") else warnings).append(msg)
    results["guard_warnings"] = warnings
    results["guard_failures"] = failures
    results["finished_utc"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    results["loadavg_end"] = loadavg()

    out = args.out or os.path.join(HERE, "results", f"{started:%Y-%m-%d}-{socket.gethostname()}"
                                   f"{'-quick' if q else ''}.json")
    if args.only and os.path.exists(out):
        # A partial run (--only) adds its sections to the existing results of the day instead of
        # replacing them; what it measured is listed under "partial_runs".
        with open(out) as f:
            old = json.load(f)
        ob = old.setdefault("bert", {})
        for key, value in bert.items():
            # Per-thread-count figures merge thread by thread: a rerun at 2 threads keeps the 1-thread ones.
            if key in ("latency", "guard", "throughput", "gemm_efficiency") and isinstance(ob.get(key), dict):
                ob[key].update(value)
            else:
                ob[key] = value
        for key in ("peak", "default_model", "onnx_variants", "engines"):
            if key in results and (key != "default_model" or "default" in sections):
                old[key] = results[key]
        old["guard_failures"] = sorted(set(old.get("guard_failures", [])) | set(failures))
        old["guard_warnings"] = sorted(set(old.get("guard_warnings", [])) | set(results["guard_warnings"]))
        old.setdefault("partial_runs", []).append({"sections": sorted(sections), "started_utc": results["started_utc"],
                                                   "loadavg_start": results["loadavg_start"],
                                                   "loadavg_end": results["loadavg_end"], "plan": plan,
                                                   "zhner_built_from": results["environment"]["built_from"],
                                                   "zhner_git": results["environment"]["git"]})
        results = old
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(results, f, indent=1, ensure_ascii=False)
        f.write("\n")
    log(f"wrote {out}")
    if failures:
        log("CORRECTNESS GUARD FAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
