"""What every engine worker shares: the line protocol, memory figures and entity decoding.

A worker is a process that loads one engine once and then answers JSON commands, one per stdin line,
with one JSON line on stdout (the Swift worker bench/zhner-worker speaks the same protocol):

    {"event": "ready", "load_s": ..., "vmrss_kb": ...}           printed once, after loading
    {"cmd": "latency", "file": F, "start": i, "count": k}         -> {"times": [s, ...], "cpu": [s, ...], "entities": [...]}
                                                                  batch 1, one text at a time
    {"cmd": "entities", "file": F, "start": i, "count": k}        -> {"entities": [[[start, end, type], ...], ...]}
    {"cmd": "throughput", "file": F, "batch": B}                  -> {"seconds": s, "texts": n}
    {"cmd": "status"} / {"cmd": "reset_hwm"} / {"cmd": "quit"}

Keeping each engine in its own long-lived process lets the orchestrator alternate engines call by call
(noise hits all alike) while every engine's memory is its own process's.
"""
import argparse
import json
import os
import sys
import time

from pytools.memory import status_kb


def memory():
    """vmrss_kb, vmhwm_kb (peak RSS), rssanon_kb, rssfile_kb, rssshmem_kb of this process."""
    fields = status_kb("self", ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem"))
    return {key.lower() + "_kb": kb for key, kb in fields.items()}


def reset_hwm():
    """Resets VmHWM to the current RSS (Linux: write 5 to clear_refs), so a later VmHWM is the peak of
    what ran since, not of loading."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


# ---- entities ---------------------------------------------------------------------------------------
# zhner returns entities only, so every engine's output is compared as entities turned into per-character
# BIO tags. Peers' per-token labels become entities the way zhner (and transformers' pipeline with
# aggregation_strategy="first") does it: a word takes its first sub-token's label, then spans follow
# seqeval's default mode (an I-/E- that does not continue an entity of its type starts one).

def split_label(label):
    if label == "O" or "-" not in label:
        return "O", ""
    prefix, _, kind = label.partition("-")
    return {"M": "I", "L": "E", "U": "S"}.get(prefix, prefix), kind


def _end_of_chunk(prev_tag, tag, prev_type, type_):
    return (prev_tag in ("E", "S")
            or (prev_tag == "B" and tag in ("B", "S", "O"))
            or (prev_tag == "I" and tag in ("B", "S", "O"))
            or (prev_tag != "O" and prev_type != type_))


def _start_of_chunk(prev_tag, tag, prev_type, type_):
    return (tag in ("B", "S")
            or (prev_tag in ("E", "S", "O") and tag in ("E", "I"))
            or (tag != "O" and prev_type != type_))


def spans(labels):
    """seqeval default-mode chunks of a label sequence: [(type, first, last_exclusive)]."""
    out = []
    prev_tag, prev_type, start = "O", "", None
    for i, label in enumerate(list(labels) + ["O"]):
        tag, type_ = split_label(label)
        if start is not None and _end_of_chunk(prev_tag, tag, prev_type, type_):
            out.append((prev_type, start, i))
            start = None
        if _start_of_chunk(prev_tag, tag, prev_type, type_) and tag != "O":
            start = i
        prev_tag, prev_type = tag, type_
    return out


def token_entities(offsets, word_ids, label_ids, id2label):
    """Entities [start, end, type] (code points, end exclusive) from per-token labels of one text.
    offsets/word_ids/label_ids cover the real tokens only (no [CLS]/[SEP]/padding)."""
    first, last = [], []
    for t, w in enumerate(word_ids):
        if t == 0 or w != word_ids[t - 1]:
            first.append(t)
            last.append(t)
        else:
            last[-1] = t
    words = [id2label[int(label_ids[t])] for t in first]
    return [[int(offsets[first[a]][0]), int(offsets[last[b - 1]][1]), kind] for kind, a, b in spans(words)]


def batch_entities(enc, offsets, labels, id2label):
    """Entities of every text of a tokenizer batch (`enc`, with `offsets` its offset mapping and `labels`
    the argmax per token, both indexable [text][token]), padding and special tokens left out."""
    out = []
    for b in range(len(labels)):
        ids = enc.word_ids(b)
        real = [t for t, w in enumerate(ids) if w is not None]
        out.append(token_entities([list(offsets[b][t]) for t in real], [ids[t] for t in real],
                                  [labels[b][t] for t in real], id2label))
    return out


class ArrayBertEngine:
    """A BERT token classifier behind a runtime that takes numpy int64 inputs by name and returns logits
    (ONNX Runtime, OpenVINO): tokenisation and decoding here, the forward pass in `forward(feed)`, so the
    peers differ only in the runtime call."""

    def __init__(self, tokenizer_dir):
        import numpy as np
        from transformers import AutoTokenizer
        self.np = np
        self.tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
        with open(os.path.join(tokenizer_dir, "config.json")) as f:
            config = json.load(f)
        # transformers 5 can silently ignore a vocabulary file (PLATFORM.md): check it was read.
        assert len(self.tokenizer) == config["vocab_size"], (len(self.tokenizer), config["vocab_size"])
        self.id2label = {int(k): v for k, v in config["id2label"].items()}

    def forward(self, feed):
        raise NotImplementedError

    def _run(self, texts):
        enc = self.tokenizer(texts, return_offsets_mapping=True, padding=True, return_tensors="np")
        feed = {k: enc[k].astype(self.np.int64) for k in self.input_names}
        labels = self.forward(feed).argmax(-1).tolist()
        return batch_entities(enc, enc["offset_mapping"].tolist(), labels, self.id2label)

    def tag(self, text):
        return self._run([text])[0]

    def tag_batch(self, texts):
        return self._run(texts)


def char_tags(text, entities):
    """Per-code-point BIO tags of a text from its entities."""
    tags = ["O"] * len(text)
    for start, end, kind in entities:
        for i in range(start, end):
            tags[i] = ("B-" if i == start else "I-") + kind
    return tags


# ---- the protocol loop --------------------------------------------------------------------------------

def emit(obj):
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


_files = {}


def read_lines(path):
    if path not in _files:
        with open(path, encoding="utf-8") as f:
            _files[path] = f.read().split("\n")
        if _files[path] and _files[path][-1] == "":
            _files[path].pop()
    return _files[path]


def serve(engine, load_s, extra=None):
    """Answers commands for `engine`, an object with tag(text) -> entities and tag_batch(texts) -> [entities]."""
    ready = {"event": "ready", "load_s": load_s, **memory(), **(extra or {})}
    emit(ready)
    for line in sys.stdin:
        cmd = json.loads(line)
        name = cmd["cmd"]
        if name in ("latency", "entities"):
            lines = read_lines(cmd["file"])
            start = cmd.get("start", 0)
            texts = lines[start:start + cmd.get("count", len(lines))]
            if name == "latency":
                times, cpu, found, margins = [], [], [], []
                for text in texts:
                    t, c = time.perf_counter(), time.process_time()
                    entities = engine.tag(text)
                    times.append(time.perf_counter() - t)
                    cpu.append(time.process_time() - c)  # all threads of the process
                    found.append(entities)
                    if cmd.get("margins") and hasattr(engine, "char_margins"):
                        margins.append(engine.char_margins(text))
                # The entities of timed calls feed the correctness guard: what is checked is what was timed.
                emit({"times": times, "cpu": cpu, "entities": found, **({"margins": margins} if margins else {})})
            else:
                emit({"entities": [engine.tag(text) for text in texts]})
        elif name == "throughput":
            texts = read_lines(cmd["file"])
            batch = cmd.get("batch", 32)
            # Peers get the usual serving advantage: texts sorted by length, so batches carry little padding.
            order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
            t = time.perf_counter()
            for k in range(0, len(order), batch):
                engine.tag_batch([texts[i] for i in order[k:k + batch]])
            emit({"seconds": time.perf_counter() - t, "texts": len(texts)})
        elif name == "status":
            emit(memory())
        elif name == "reset_hwm":
            ok = reset_hwm()
            emit({**memory(), "reset": ok})
        elif name == "quit":
            return
        else:
            raise SystemExit(f"unknown command {name}")


def worker_args(*model_options):
    """The command line every worker takes: its model options (`(flag, kwargs)` pairs), `--threads`
    and `--cold`; with the time it was parsed, for `main`'s `started`."""
    ap = argparse.ArgumentParser()
    for flag, kwargs in model_options:
        ap.add_argument(flag, **kwargs)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--cold")
    return ap.parse_args(), time.perf_counter()


TOKENIZER = ("--tokenizer", {"required": True, "help": "the HF model folder (tokenizer files, config.json)"})


def main(engine_factory, cold_text, started, describe):
    """A worker's life: with --cold TEXT, load, tag TEXT, print the entities and exit (run.py times it
    from before exec); else load, warm up, and answer commands. `started`: perf_counter() at start-up,
    so load_s covers imports; `describe(engine)`: what the ready line records about the runtime."""
    if cold_text is not None:
        engine = engine_factory()
        emit({"entities": engine.tag(cold_text)})
        os._exit(0)  # skip interpreter teardown: the figure is exec -> first result, not -> exit
    engine = engine_factory()
    engine.tag("预热")  # first call initialises lazily built kernels; not a benchmark sample
    serve(engine, time.perf_counter() - started, describe(engine))
