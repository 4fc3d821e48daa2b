"""Converts a BertForTokenClassification folder to OpenVINO IR for the OpenVINO peers.

    python bench/export_openvino.py MODEL_DIR OUT_DIR [--calibration N]

Writes two models (IR: .xml + .bin), each kept if it exists (delete OUT_DIR to redo):
  fp32.xml   openvino.convert_model from the PyTorch model (with an example input; batch and sequence
             stay dynamic), weights saved as FP32 (save_model would compress them to FP16 by default)
  int8.xml   nncf.quantize(fp32, model_type=TRANSFORMER) on N MSRA *train* sentences (default 300),
             tokenised one at a time as the latency runs feed them; train, so the calibration set and
             the timed MSRA test inputs share no sentence
Converting from PyTorch rather than from the ONNX export is what issue 18 found faster in one try.
"""
import argparse
import os
import random


def convert(model_dir):
    import openvino as ov
    import torch
    from transformers import BertForTokenClassification
    model = BertForTokenClassification.from_pretrained(model_dir).eval()
    ids = torch.ones(1, 16, dtype=torch.long)
    example = {"input_ids": ids, "attention_mask": torch.ones_like(ids), "token_type_ids": torch.zeros_like(ids)}
    with torch.inference_mode():
        return ov.convert_model(model, example_input=example)


def calibration_inputs(model_dir, n):
    """n tokenised MSRA train sentences, each a dict of int64 arrays keyed by the model's input names."""
    from transformers import AutoTokenizer
    from make_inputs import TRAIN, sentences
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    texts = [t for t in sentences(TRAIN) if t.strip()]
    # A seeded sample over the whole file, not its first lines: the start of a corpus is often one
    # article, and calibration ranges should cover the usual lengths and vocabulary.
    sample = random.Random(0).sample(texts, n)
    return [{k: v.astype("int64") for k, v in tokenizer(t, return_tensors="np", truncation=True,
                                                          max_length=512).items()} for t in sample]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model_dir")
    ap.add_argument("out")
    ap.add_argument("--calibration", type=int, default=300, help="MSRA train sentences for NNCF (default 300)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    fp32, int8 = (os.path.join(args.out, f"{k}.xml") for k in ("fp32", "int8"))
    if os.path.exists(fp32) and os.path.exists(int8):
        return
    import openvino as ov
    if os.path.exists(fp32):
        model = ov.Core().read_model(fp32)
    else:
        model = convert(args.model_dir)
        ov.save_model(model, fp32, compress_to_fp16=False)
        print(f"wrote {fp32}")
    if not os.path.exists(int8):
        import nncf
        data = calibration_inputs(args.model_dir, args.calibration)
        quantized = nncf.quantize(model, nncf.Dataset(data), model_type=nncf.ModelType.TRANSFORMER,
                                  subset_size=len(data))
        ov.save_model(quantized, int8, compress_to_fp16=False)
        print(f"wrote {int8} (NNCF {nncf.__version__}, {len(data)} calibration sentences)")


if __name__ == "__main__":
    main()
