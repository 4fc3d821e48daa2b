"""zhner's pattern recognizers beside Microsoft Presidio's on the synthetic PII set (docs/PRIVACY.md).

    bench/.venv/bin/python -m bench.presidio_compare [--rounds N] [--data FILE] [--zhner BIN] [--model DIR]

The set is Tests/NERCoreTests/Fixtures/patterns/eval.tsv (tools/patterns/make_eval.py). Only the types
Presidio has are compared: PHONE (Presidio PHONE_NUMBER), EMAIL (EMAIL_ADDRESS), URL, IP (IP_ADDRESS) and
BANK_CARD (CREDIT_CARD). zhner and Presidio tag the same sentences in one run, alternating whole passes
over the set in a rotating order; the entities of the timed passes are scored by one scorer (exact span and
type, per type and micro-averaged), so what is scored is what was timed.

- zhner: `zhner tag --patterns pii --entities PHONE,EMAIL,URL,IP,BANK_CARD --threads 1`, from exec to
  exit. The other pii types are still recognised (an identity number is not then read as a card), only
  the output is filtered; the model (models/default) runs too, since `zhner tag` always runs it, and its
  load counts in the time: both only make zhner's figure slower. So a third zhner pass is timed (not
  scored): `zhner-model-only`, the same command with --patterns none and no --entities, whose time is
  the model's and the load's; the difference is what the pattern recognizers cost.
- Presidio: AnalyzerEngine with only its own predefined recognizers for those five types, in-process,
  built once before timing (its load is not counted), analyze(text, language="zh", entities=[...]) per
  sentence, default score threshold (0: every match is reported). The five recognizers are constructed
  with supported_language="zh" (their default is "en", and the analyzer only runs recognizers of the
  requested language). The phone recognizer gets supported_regions=("CN",) so that national-format
  mainland numbers (13812345678, 010-12345678) parse; Presidio's default regions have no CN. Context
  words (Presidio's are English, and need lemmas a blank pipeline does not make) cannot raise scores,
  and at threshold 0 they change no result anyway. The e-mail recognizer validates domains with
  tldextract, pointed at its bundled public-suffix snapshot (TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS empty)
  so the run is offline and the same every time. Two NLP engines, timed as two engines:
  `presidio`: spaCy with a blank "zh" pipeline (tokenizer only, per-character segmentation: no model
  to download, no NER), the configuration where context words could work; `presidio-noop`: Presidio's
  NoOpNlpEngine (no tokenisation at all), its fastest setup for pattern-only recognizers.
Both run on one thread: zhner with --threads 1, Presidio in one Python thread.

Writes bench/results/presidio-<date>.json (host CPU and ISA flags, versions, configuration, scores,
throughput). Installs nothing: the packages come from bench/requirements.txt (make bench/.venv/ready).
"""
import argparse
import datetime
import json
import os
import resource
import statistics
import subprocess
import time

from . import run
from .engines import common

DATA = os.path.join(run.ROOT, "Tests/NERCoreTests/Fixtures/patterns/eval.tsv")
# Presidio entity -> zhner type, for the types both have.
PRESIDIO_TYPES = {"PHONE_NUMBER": "PHONE", "EMAIL_ADDRESS": "EMAIL", "URL": "URL", "IP_ADDRESS": "IP",
                  "CREDIT_CARD": "BANK_CARD"}
TYPES = sorted(PRESIDIO_TYPES.values())


def read_set(path):
    """Sentences of a `char<TAB>tag` BIO file: [(text, gold spans [(type, start, end)])], every type kept
    (INVALID and the types Presidio lacks too: a prediction on one of them is a false positive, and the
    scorer says which gold type it hit)."""
    out, chars, tags = [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f.read().split("\n") + [""]:
            if line:
                char, tag = line.split("\t")
                chars.append(char)
                tags.append(tag)
            elif chars:
                out.append(("".join(chars), common.spans(tags)))
                chars, tags = [], []
    return out


def score(sentences, predicted):
    """Exact span + type per type (TYPES only), micro-averaged; false positives counted by the gold
    type they overlap (INVALID, ID_CARD, ... or none); and a lenient recall (gold overlapped by a
    prediction of its type), which tells boundary disagreements apart from misses."""
    per = {t: {"gold": 0, "predicted": 0, "correct": 0, "overlapped": 0} for t in TYPES}
    false_hits = {}
    for (text, gold_all), pred in zip(sentences, predicted):
        gold = {g for g in gold_all if g[0] in TYPES}
        pred = {tuple(p[:3]) for p in pred if p[0] in TYPES}
        for t, s, e in gold:
            per[t]["gold"] += 1
            per[t]["overlapped"] += any(pt == t and ps < e and s < pe for pt, ps, pe in pred)
        for p in pred:
            per[p[0]]["predicted"] += 1
            if p in gold:
                per[p[0]]["correct"] += 1
                continue
            t, s, e = p
            hit = next((g[0] for g in gold_all if g[1] < e and s < g[2]), "none")
            key = f"{t} on {hit}"
            false_hits[key] = false_hits.get(key, 0) + 1
    total = {k: sum(c[k] for c in per.values()) for k in ("gold", "predicted", "correct", "overlapped")}
    for c in list(per.values()) + [total]:
        p = c["correct"] / c["predicted"] if c["predicted"] else 0.0
        r = c["correct"] / c["gold"] if c["gold"] else 0.0
        c.update(precision=p, recall=r, f1=2 * p * r / (p + r) if p + r else 0.0,
                 overlap_recall=c["overlapped"] / c["gold"] if c["gold"] else 0.0)
    return {"per_type": per, "micro": total, "false_positives_by_gold": dict(sorted(false_hits.items()))}


# ---- the engines ------------------------------------------------------------------------------------------

def zhner_command(args, patterns):
    """`zhner tag` on one thread, with the pii patterns (output filtered to the compared types) or none."""
    types = ["--patterns", "pii", "--entities", ",".join(TYPES)] if patterns else ["--patterns", "none"]
    return [args.zhner, "tag", "--model", args.model, *types, "--threads", "1"]


def child_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def zhner_pass(args, text_file, n, patterns):
    """One `zhner tag` pass over the set: ((wall seconds, CPU seconds) from exec to exit, entities per
    sentence)."""
    out = os.path.join(run.WORK, "presidio", "zhner-out.jsonl")
    cmd = zhner_command(args, patterns) + ["--input", text_file, "--output", out]
    t, c = time.perf_counter(), child_cpu()
    subprocess.run(cmd, check=True)
    seconds = (time.perf_counter() - t, child_cpu() - c)
    with open(out, encoding="utf-8") as f:
        found = [[[e["type"], e["start"], e["end"]] for e in json.loads(line)["entities"]] for line in f]
    assert len(found) == n, (len(found), n)
    return seconds, found


def blank_spacy(path):
    """A blank spaCy "zh" pipeline saved to `path` (what Presidio's spaCy engine loads by name or path):
    a tokenizer only, so nothing is downloaded. Its default segmenter is per character (no jieba)."""
    if not os.path.exists(os.path.join(path, "config.cfg")):
        import spacy
        spacy.blank("zh").to_disk(path)
    return path


def presidio_analyzer(work, nlp_engine):
    """Presidio's analyzer with its own recognizers for the compared types, for Chinese text; nlp_engine
    "spacy" (a blank zh pipeline) or "noop"."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NoOpNlpEngine, SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import (CreditCardRecognizer, EmailRecognizer, IpRecognizer,
                                                          PhoneRecognizer, UrlRecognizer)
    if nlp_engine == "spacy":
        nlp = SpacyNlpEngine(models=[{"lang_code": "zh",
                                      "model_name": blank_spacy(os.path.join(work, "spacy-blank-zh"))}])
    else:
        nlp = NoOpNlpEngine(models=[{"lang_code": "zh", "model_name": "none"}])
    nlp.load()
    registry = RecognizerRegistry(supported_languages=["zh"])
    for recognizer in (PhoneRecognizer(supported_language="zh", supported_regions=("CN",)),
                       EmailRecognizer(supported_language="zh"), UrlRecognizer(supported_language="zh"),
                       IpRecognizer(supported_language="zh"), CreditCardRecognizer(supported_language="zh")):
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=["zh"])


def presidio_pass(analyzer, texts):
    """One pass: ((wall seconds, CPU seconds), per sentence [[type, start, end, score], ...]) in zhner's
    type names."""
    entities = list(PRESIDIO_TYPES)
    t, c = time.perf_counter(), time.process_time()
    found = [[[PRESIDIO_TYPES[r.entity_type], r.start, r.end, r.score]
              for r in analyzer.analyze(text, language="zh", entities=entities)] for text in texts]
    return (time.perf_counter() - t, time.process_time() - c), found


def as_redacted(found):
    """Presidio's results after the conflict rule its anonymizer applies before replacing anything
    (default MERGE_SIMILAR_OR_CONTAINED: a result inside another one goes, e.g. the URL `example.com` inside
    an e-mail address): what Presidio would redact. The analyzer itself reports both."""
    from presidio_anonymizer import AnonymizerEngine
    from presidio_anonymizer.entities import ConflictResolutionStrategy, RecognizerResult
    engine = AnonymizerEngine()
    out = []
    for sentence in found:
        results = [RecognizerResult(t, s, e, score) for t, s, e, score in sentence]
        # The anonymizer's own step, private in its API: the rule is Presidio's, not rewritten here.
        kept = engine._remove_conflicts_and_get_text_manipulation_data(
            results, ConflictResolutionStrategy.MERGE_SIMILAR_OR_CONTAINED)
        out.append([[r.entity_type, r.start, r.end] for r in kept])
    return out


def markdown(results):
    """The table docs/PRIVACY.md carries ("Beside Presidio"): P / R / F1 per type and overall, sentences/s."""
    names = list(results["scores"])
    rows = ["| type | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for t in TYPES + ["all five (micro)"]:
        cells = []
        for n in names:
            c = results["scores"][n]["micro" if t.startswith("all") else "per_type"]
            c = c if t.startswith("all") else c[t]
            cells.append(f"{c['precision']:.3f} / {c['recall']:.3f} / {c['f1']:.3f}")
        gold = results["scores"][names[0]]["micro" if t.startswith("all") else "per_type"]
        rows.append(f"| {t} ({(gold if t.startswith('all') else gold[t])['gold']}) | " + " | ".join(cells) + " |")
    rate = [f"{results['throughput'][n]['sent_per_s_median']:,.0f}" if n in results["throughput"] else "–"
            for n in names]
    rows.append("| sentences/s, 1 thread (median, wall) | " + " | ".join(rate) + " |")
    per_cpu = [f"{results['throughput'][n]['sent_per_cpu_s_median']:,.0f}" if n in results["throughput"] else "–"
               for n in names]
    rows.append("| sentences per CPU second (median) | " + " | ".join(per_cpu) + " |")
    only = results["throughput"].get("zhner-model-only")
    if only:
        rows.append(f"\nzhner-model-only (`--patterns none`, timed alike): {only['sent_per_s_median']:,.0f} "
                    f"sentences/s, {only['sent_per_cpu_s_median']:,.0f} per CPU second.")
    return "\n".join(rows)


# ---- the run ----------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--rounds", type=int, default=5, help="timed passes per engine, alternating (default 5)")
    ap.add_argument("--zhner", default=os.environ.get("ZHNER_BIN", os.path.join(run.ROOT, ".build/release/zhner")))
    ap.add_argument("--model", default=os.path.join(run.ROOT, "models/default"))
    ap.add_argument("--out", help="default bench/results/presidio-<date>.json")
    args = ap.parse_args()
    if not os.path.exists(args.zhner):
        raise SystemExit(f"no zhner binary at {args.zhner}: swift build -c release --product zhner, or set ZHNER_BIN")
    work = os.path.join(run.WORK, "presidio")
    os.makedirs(work, exist_ok=True)
    sentences = read_set(args.data)
    texts = [t for t, _ in sentences]
    text_file = os.path.join(work, "texts.txt")
    with open(text_file, "w", encoding="utf-8") as f:
        f.write("\n".join(texts) + "\n")
    started = datetime.datetime.now(datetime.timezone.utc)
    load_start = run.loadavg()
    # Read when presidio_analyzer first imports tldextract: no public-suffix list fetch, the bundled snapshot.
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    analyzers, presidio_load = {}, {}
    for n, nlp_engine in (("presidio", "spacy"), ("presidio-noop", "noop")):
        t = time.perf_counter()
        analyzers[n] = presidio_analyzer(work, nlp_engine)
        presidio_load[n] = time.perf_counter() - t
        presidio_pass(analyzers[n], texts[:20])  # warm-up: first calls load phonenumbers' metadata, the PSL

    engines = ("zhner", "zhner-model-only", "presidio", "presidio-noop")
    seconds = {n: [] for n in engines}
    cpu = {n: [] for n in engines}
    found = {}
    for r in range(args.rounds):
        for n in run.rotated(list(engines), r):
            if n.startswith("zhner"):
                s, ents = zhner_pass(args, text_file, len(texts), patterns=n == "zhner")
            else:
                s, ents = presidio_pass(analyzers[n], texts)
            seconds[n].append(s[0])
            cpu[n].append(s[1])
            # Every pass must give the same entities (neither engine is random); the last is scored.
            assert found.setdefault(n, ents) == ents, f"{n}: entities changed between passes"
        run.log(f"round {r + 1}/{args.rounds}: " + ", ".join(f"{n} {len(texts) / seconds[n][-1]:,.0f} sent/s"
                                                             for n in engines))
    results = {
        "started_utc": started.isoformat(timespec="seconds"),
        "host": run.host_info(), "loadavg_start": load_start, "loadavg_end": run.loadavg(),
        "data": os.path.relpath(args.data, run.ROOT), "sentences": len(texts),
        "characters": sum(len(t) for t in texts), "rounds": args.rounds, "threads": 1,
        "versions": run.dist_versions(("presidio-analyzer", "presidio-anonymizer", "spacy", "phonenumbers",
                                       "tldextract")),
        "configuration": {
            "zhner": {"command": " ".join(zhner_command(args, True)[1:]) + " --input FILE --output FILE",
                      "zhner-model-only": " ".join(zhner_command(args, False)[1:]) + " (timed, not scored)",
                      "timed": "exec to exit: model load and the model pass included"},
            "presidio": {"nlp_engine": {"presidio": "spaCy, blank 'zh' pipeline (tokenizer only)",
                                        "presidio-noop": "NoOpNlpEngine"}, "language": "zh",
                         "recognizers": "PhoneRecognizer(supported_regions=('CN',)), EmailRecognizer, "
                                        "UrlRecognizer, IpRecognizer, CreditCardRecognizer; "
                                        "supported_language='zh', defaults otherwise",
                         "score_threshold": 0, "type_map": PRESIDIO_TYPES, "load_s": presidio_load,
                         "tldextract": "bundled public-suffix snapshot (TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS empty)",
                         "timed": "analyze() over the set, in-process, after loading and a warm-up"},
        },
        # Wall time is what a user waits; CPU time (the process's, all threads) is what the work costs and
        # moves much less when other jobs share the machine.
        "throughput": {n: {"sent_per_s_median": len(texts) / statistics.median(seconds[n]),
                           "sent_per_cpu_s_median": len(texts) / statistics.median(cpu[n]),
                           "seconds": seconds[n], "cpu_seconds": cpu[n]} for n in engines},
        "scores": {**{n: score(sentences, found[n]) for n in engines if n != "zhner-model-only"},
                   "presidio, as redacted": score(sentences, as_redacted(found["presidio"]))},
    }
    out = args.out or os.path.join(run.HERE, "results", f"presidio-{started:%Y-%m-%d}.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1, ensure_ascii=False)
        f.write("\n")
    for n, sc in results["scores"].items():
        rate = results["throughput"].get(n, {}).get("sent_per_s_median")
        run.log(f"{n}: {f'{rate:,.0f} sent/s; ' if rate else ''}" + "; ".join(
            f"{t} P {c['precision']:.3f} R {c['recall']:.3f}" for t, c in sc["per_type"].items()))
    run.log(f"wrote {out}")
    print(markdown(results))


if __name__ == "__main__":
    main()
