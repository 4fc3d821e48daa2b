#!/usr/bin/env python3
"""Convert a BERT+CRF checkpoint in ModelScope's RaNER layout (`transformer-crf`) into a zhner model
folder (an HF `BertForTokenClassification` folder plus the CRF tensors zhner reads).

    python tools/convert/raner_to_zhner.py SRC_DIR OUT_DIR [--labels labels.txt]

SRC_DIR is what ModelScope downloads for e.g. damo/nlp_raner_named-entity-recognition_chinese-base-news:
  pytorch_model.bin  the state dict of modelscope's `TransformerCRF` module:
                       encoder.*                       the BERT backbone (transformers' BertModel names)
                       linear.weight, linear.bias      emission layer, [num_labels, hidden] and [num_labels]
                       crf.transitions                 [num_labels, num_labels], from-label x to-label
                       crf.start_transitions, crf.end_transitions   [num_labels]
                     (keys saved from the outer wrapper may carry a leading "model."; it is dropped)
  config.json        the backbone's BERT config (model_type "bert" or "structbert") with id2label
  vocab.txt          WordPiece vocabulary
  configuration.json (optional) ModelScope's task file; searched for id2label/label2id if config.json has none

OUT_DIR gets model.safetensors (float32; BERT tensors under HF's "bert." names, the emission layer as
"classifier.*", the CRF as crf.transitions / crf.start_transitions / crf.end_transitions), config.json
(model_type "bert", BertForTokenClassification, id2label/label2id), vocab.txt and tokenizer_config.json.
The pooler is dropped: token classification never uses it.

Needs torch and safetensors (the /work/venv environment has both). Fails loudly, naming the key, on
anything it does not recognise rather than writing a folder that loads but tags wrongly.
"""
import argparse
import json
import os
import shutil
import sys


def find_labels(obj):
    """The first id2label / label2id mapping anywhere in a JSON tree, as a list in id order."""
    if isinstance(obj, dict):
        for key in ("id2label", "label2id"):
            m = obj.get(key)
            if isinstance(m, dict) and m:
                pairs = [(int(k), v) for k, v in m.items()] if key == "id2label" else [(int(v), k) for k, v in m.items()]
                pairs.sort()
                if [i for i, _ in pairs] != list(range(len(pairs))):
                    raise SystemExit(f"{key} ids are not 0..{len(pairs) - 1}")
                return [label for _, label in pairs]
        for v in obj.values():
            found = find_labels(v)
            if found:
                return found
    elif isinstance(obj, list):
        for v in obj:
            found = find_labels(v)
            if found:
                return found
    return None


def labels_of(src, config, labels_file):
    if labels_file:
        with open(labels_file, encoding="utf-8") as f:
            return [line.strip() for line in f if line.strip()]
    labels = find_labels({k: config[k] for k in ("id2label", "label2id") if k in config})
    # transformers writes LABEL_0, LABEL_1, ... when a config has num_labels but no names.
    if labels and not all(label == f"LABEL_{i}" for i, label in enumerate(labels)):
        return labels
    task = os.path.join(src, "configuration.json")
    if os.path.exists(task):
        with open(task, encoding="utf-8") as f:
            labels = find_labels(json.load(f))
        if labels:
            return labels
    raise SystemExit("no label names in config.json or configuration.json: pass --labels FILE (one label per line, in id order)")


def convert_state(state, num_labels):
    """RaNER names → zhner/HF names; every source tensor must be accounted for."""
    out = {}
    unknown = []
    for key, tensor in state.items():
        name = key[len("model."):] if key.startswith("model.") else key
        if name.startswith("encoder.pooler."):
            continue
        if name.startswith("encoder."):
            if name.endswith(".position_ids"):
                continue  # a buffer older transformers saved; not a weight
            out["bert." + name[len("encoder."):]] = tensor
        elif name in ("linear.weight", "linear.bias"):
            out["classifier." + name.split(".")[1]] = tensor
        elif name in ("crf.transitions", "crf.start_transitions", "crf.end_transitions"):
            out[name] = tensor
        else:
            unknown.append(key)
    if unknown:
        raise SystemExit(f"unrecognised tensors (not a RaNER transformer-crf checkpoint?): {', '.join(sorted(unknown)[:10])}")
    expected = {
        "classifier.bias": (num_labels,),
        "crf.transitions": (num_labels, num_labels),
        "crf.start_transitions": (num_labels,),
        "crf.end_transitions": (num_labels,),
    }
    for name, shape in expected.items():
        if name not in out:
            raise SystemExit(f"missing tensor {name} (from the RaNER layout's {name.replace('classifier', 'linear')})")
        if tuple(out[name].shape) != shape:
            raise SystemExit(f"{name} has shape {tuple(out[name].shape)}, expected {shape} for {num_labels} labels")
    if out["classifier.weight"].shape[0] != num_labels:
        raise SystemExit(f"linear.weight has {out['classifier.weight'].shape[0]} rows but there are {num_labels} labels")
    return {k: v.float().contiguous() for k, v in out.items()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src", help="RaNER model folder (pytorch_model.bin, config.json, vocab.txt)")
    ap.add_argument("out", help="zhner model folder to write (created; must not exist unless --force)")
    ap.add_argument("--labels", help="label names, one per line in id order (overrides the config)")
    ap.add_argument("--force", action="store_true", help="replace OUT if it exists")
    args = ap.parse_args(argv)

    import torch
    from safetensors.torch import save_file

    for f in ("pytorch_model.bin", "config.json", "vocab.txt"):
        if not os.path.exists(os.path.join(args.src, f)):
            raise SystemExit(f"{args.src} has no {f}")
    with open(os.path.join(args.src, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    labels = labels_of(args.src, config, args.labels)
    state = torch.load(os.path.join(args.src, "pytorch_model.bin"), map_location="cpu", weights_only=True)
    tensors = convert_state(state, len(labels))

    if os.path.exists(args.out):
        if not args.force:
            raise SystemExit(f"{args.out} exists (pass --force to replace it)")
        shutil.rmtree(args.out)
    os.makedirs(args.out)
    save_file(tensors, os.path.join(args.out, "model.safetensors"), metadata={"format": "pt"})
    config = dict(config)
    # StructBERT (RaNER's backbone) is BERT's architecture under another name.
    config["model_type"] = "bert"
    config["architectures"] = ["BertForTokenClassification"]
    config["id2label"] = {str(i): label for i, label in enumerate(labels)}
    config["label2id"] = {label: i for i, label in enumerate(labels)}
    config.pop("num_labels", None)
    with open(os.path.join(args.out, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2, ensure_ascii=False)
        f.write("\n")
    shutil.copyfile(os.path.join(args.src, "vocab.txt"), os.path.join(args.out, "vocab.txt"))
    tokenizer_config = os.path.join(args.src, "tokenizer_config.json")
    if os.path.exists(tokenizer_config):
        shutil.copyfile(tokenizer_config, os.path.join(args.out, "tokenizer_config.json"))
    else:
        # RaNER's Chinese BERT vocabularies are uncased, as BertTokenizer's default.
        with open(os.path.join(args.out, "tokenizer_config.json"), "w", encoding="utf-8") as f:
            json.dump({"tokenizer_class": "BertTokenizer", "do_lower_case": True}, f, indent=2)
            f.write("\n")
    print(f"wrote {args.out}: {len(tensors)} tensors, {len(labels)} labels ({' '.join(labels)})")


if __name__ == "__main__":
    sys.exit(main())
