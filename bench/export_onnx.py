"""Exports a BertForTokenClassification folder to ONNX for the ONNX Runtime peers.

    python bench/export_onnx.py MODEL_DIR OUT_DIR

Writes four graphs, because which one is fastest depends on the machine and ORT's version, and a fair
benchmark gives the peer its best (run.py times them side by side and keeps the faster of each dtype):
  fp32.onnx        torch.onnx export (TorchScript exporter, opset 17, dynamic batch and sequence)
  fp32-opt.onnx    + onnxruntime.transformers.optimizer (fused attention, LayerNorm, GELU)
  int8.onnx        quantize_dynamic(fp32.onnx), int8 weights, per-tensor, QInt8
  int8-opt.onnx    quantize_dynamic(fp32-opt.onnx); the fused graph needs DefaultTensorType=FLOAT
                   (PLATFORM.md) because the optimizer leaves some tensors without a type
Existing files are kept (delete OUT_DIR to redo).
"""
import os
import sys


def export_fp32(model_dir, path):
    import torch
    from transformers import BertForTokenClassification
    model = BertForTokenClassification.from_pretrained(model_dir).eval()
    ids = torch.ones(1, 16, dtype=torch.long)
    dyn = {0: "batch", 1: "sequence"}
    with torch.inference_mode():
        torch.onnx.export(model, (ids, torch.ones_like(ids), torch.zeros_like(ids)), path,
                          input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["logits"],
                          dynamic_axes={"input_ids": dyn, "attention_mask": dyn, "token_type_ids": dyn,
                                        "logits": dyn},
                          opset_version=17, dynamo=False)


def optimize(src, dst, config):
    from onnxruntime.transformers import optimizer
    model = optimizer.optimize_model(src, model_type="bert", num_heads=config["num_attention_heads"],
                                     hidden_size=config["hidden_size"], opt_level=1)
    model.save_model_to_file(dst)


def quantize(src, dst, fused):
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    extra = {"DefaultTensorType": onnx.TensorProto.FLOAT} if fused else {}
    quantize_dynamic(src, dst, weight_type=QuantType.QInt8, extra_options=extra)


def main():
    import json
    model_dir, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(model_dir, "config.json")) as f:
        config = json.load(f)
    p = {k: os.path.join(out, f"{k}.onnx") for k in ("fp32", "fp32-opt", "int8", "int8-opt")}
    steps = [("fp32", lambda: export_fp32(model_dir, p["fp32"])),
             ("fp32-opt", lambda: optimize(p["fp32"], p["fp32-opt"], config)),
             ("int8", lambda: quantize(p["fp32"], p["int8"], False)),
             ("int8-opt", lambda: quantize(p["fp32-opt"], p["int8-opt"], True))]
    for name, step in steps:
        if os.path.exists(p[name]):
            continue
        try:
            step()
            print(f"wrote {p[name]} ({os.path.getsize(p[name]) / 1e6:.0f} MB)")
        except Exception as e:  # an optional variant failing must not stop the benchmark
            if name in ("fp32", "int8"):
                raise
            print(f"skipped {name}: {type(e).__name__}: {e}")


if __name__ == "__main__":
    main()
