"""ONNX export in the Hugging Face Optimum "decoder with past" layout, plus torch-level checks.

Inputs:  input_ids [batch_size, sequence_length] int64, attention_mask [batch_size,
         past_sequence_length + sequence_length] int64, position_ids [batch_size, sequence_length] int64,
         past_key_values.{i}.key|value [batch_size, num_key_value_heads, past_sequence_length, head_dim] float32
Outputs: logits [batch_size, sequence_length, vocab_size] float32,
         present.{i}.key|value [batch_size, num_key_value_heads, past_sequence_length + sequence_length, head_dim]
"""
import json
import shutil
from pathlib import Path

import onnx
import torch

from bpe import BOS_ID, EOS_ID, PAD_ID
from model import LlamaDecoder

OPSET = 14


class _FlatSignature(torch.nn.Module):
    """Adapts the decoder to flat positional tensors, the form torch.onnx.export traces."""

    def __init__(self, decoder: LlamaDecoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, input_ids, attention_mask, position_ids, *flat_past):
        past = [(flat_past[2 * i], flat_past[2 * i + 1]) for i in range(len(flat_past) // 2)]
        logits, presents = self.decoder(input_ids, attention_mask, position_ids, past)
        return (logits, *[t for kv in presents for t in kv])


def io_names(layers: int):
    past = [f"past_key_values.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]
    present = [f"present.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]
    return ["input_ids", "attention_mask", "position_ids", *past], ["logits", *present]


def export_onnx(decoder: LlamaDecoder, path: Path) -> None:
    c = decoder.config
    inputs, outputs = io_names(c.num_hidden_layers)
    # Trace with a non-empty past and batch/seq > 1 so no dimension is specialised to 0 or 1.
    batch, past_len, seq = 2, 3, 4
    input_ids = torch.randint(4, c.vocab_size, (batch, seq))
    attention_mask = torch.ones(batch, past_len + seq, dtype=torch.int64)
    position_ids = torch.arange(past_len, past_len + seq).repeat(batch, 1)
    flat_past = [torch.randn(batch, c.num_key_value_heads, past_len, c.head_dim)
                 for _ in range(2 * c.num_hidden_layers)]
    axes = {
        "input_ids": {0: "batch_size", 1: "sequence_length"},
        "attention_mask": {0: "batch_size", 1: "past_sequence_length + sequence_length"},
        "position_ids": {0: "batch_size", 1: "sequence_length"},
        "logits": {0: "batch_size", 1: "sequence_length"},
    }
    for name in inputs[3:]:
        axes[name] = {0: "batch_size", 2: "past_sequence_length"}
    for name in outputs[1:]:
        axes[name] = {0: "batch_size", 2: "past_sequence_length + sequence_length"}
    decoder.eval()
    with torch.no_grad():
        torch.onnx.export(_FlatSignature(decoder), (input_ids, attention_mask, position_ids, *flat_past),
                          str(path), input_names=inputs, output_names=outputs, dynamic_axes=axes,
                          opset_version=OPSET, do_constant_folding=True)
    check_onnx(path, decoder)


def check_onnx(path: Path, decoder: LlamaDecoder) -> None:
    """The graph is valid, self-contained, and declares the contract's names, types and symbolic dims."""
    c = decoder.config
    model = onnx.load(str(path))
    onnx.checker.check_model(model)
    inputs, outputs = io_names(c.num_hidden_layers)
    got_in = {i.name: i for i in model.graph.input}
    got_out = {o.name: o for o in model.graph.output}
    assert list(got_in) == inputs, f"inputs {list(got_in)}"
    assert list(got_out) == outputs, f"outputs {list(got_out)}"

    def dims(value_info):
        return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]

    def elem(value_info):
        return value_info.type.tensor_type.elem_type

    for name in inputs[:3]:
        assert elem(got_in[name]) == onnx.TensorProto.INT64, name
    assert dims(got_in["attention_mask"]) == ["batch_size", "past_sequence_length + sequence_length"]
    for name in inputs[3:]:
        assert elem(got_in[name]) == onnx.TensorProto.FLOAT, name
        assert dims(got_in[name]) == ["batch_size", c.num_key_value_heads, "past_sequence_length", c.head_dim]
    assert dims(got_out["logits"]) == ["batch_size", "sequence_length", c.vocab_size], dims(got_out["logits"])
    for name in outputs[1:]:
        assert dims(got_out[name])[0] == "batch_size" and dims(got_out[name])[1] == c.num_key_value_heads
        assert dims(got_out[name])[3] == c.head_dim
    assert not any(t.data_location == onnx.TensorProto.EXTERNAL for t in model.graph.initializer)


def _run(decoder, ids, mask, positions, past):
    with torch.no_grad():
        return decoder(ids, mask, positions, past)


def check_masking(decoder: LlamaDecoder, seed: int = 0) -> float:
    """Incremental decoding through the same forward equals the full forward, also with holes in the mask.

    Returns the largest absolute logit difference seen (asserted below 1e-4).
    """
    c = decoder.config
    g = torch.Generator().manual_seed(seed)
    decoder.eval()
    worst = 0.0

    def close(a, b, what):
        nonlocal worst
        diff = (a - b).abs().max().item()
        worst = max(worst, diff)
        assert diff < 1e-4, f"{what}: max abs diff {diff}"

    batch, n = 3, 12
    ids = torch.randint(4, c.vocab_size, (batch, n), generator=g)
    ones = torch.ones(batch, n, dtype=torch.int64)
    positions = torch.arange(n).repeat(batch, 1)
    full, full_presents = _run(decoder, ids, ones, positions, decoder.empty_past(batch))

    # (1) prefill n-1 with an empty past, then one step.
    logits, past = _run(decoder, ids[:, :-1], ones[:, :-1], positions[:, :-1], decoder.empty_past(batch))
    close(logits, full[:, :-1], "prefill")
    step, presents = _run(decoder, ids[:, -1:], ones, positions[:, -1:], past)
    close(step, full[:, -1:], "one step after prefill")
    for (k, v), (fk, fv) in zip(presents, full_presents):
        close(k, fk, "present key")
        close(v, fv, "present value")

    # (2) several tokens at once on top of a past (the verify shape): split 5 + 7.
    _, past5 = _run(decoder, ids[:, :5], ones[:, :5], positions[:, :5], decoder.empty_past(batch))
    chunk, _ = _run(decoder, ids[:, 5:], ones, positions[:, 5:], past5)
    close(chunk, full[:, 5:], "multi-token step")

    # (3) holes: rejected draft tokens stay in the cache but are masked out. Cache = 6 real + 3 junk,
    # then the real token 7 at position 6 must match a clean 7-token run.
    junk = torch.randint(4, c.vocab_size, (batch, 3), generator=g)
    with_junk = torch.cat([ids[:, :6], junk], dim=1)
    junk_positions = torch.cat([positions[:, :6], torch.arange(6, 9).repeat(batch, 1)], dim=1)
    _, dirty_past = _run(decoder, with_junk, torch.ones(batch, 9, dtype=torch.int64), junk_positions,
                         decoder.empty_past(batch))
    hole_mask = torch.tensor([[1] * 6 + [0, 0, 0] + [1]] * batch)
    after_hole, _ = _run(decoder, ids[:, 6:7], hole_mask, torch.full((batch, 1), 6), dirty_past)
    clean, _ = _run(decoder, ids[:, :7], ones[:, :7], positions[:, :7], decoder.empty_past(batch))
    close(after_hole, clean[:, 6:7], "step after masked (rejected) slots")

    # (4) left padding: row 0 has 3 pad slots in front; positions start at 0 after the padding.
    pad_ids = torch.cat([torch.zeros(1, 3, dtype=torch.int64), ids[:1, :9]], dim=1)
    pad_mask = torch.tensor([[0, 0, 0] + [1] * 9])
    pad_positions = torch.tensor([[0, 0, 0] + list(range(9))])
    padded, padded_past = _run(decoder, pad_ids, pad_mask, pad_positions, decoder.empty_past(1))
    close(padded[:, 3:], full[:1, :9], "left-padded prefill")
    nxt, _ = _run(decoder, ids[:1, 9:10], torch.ones(1, 13, dtype=torch.int64).index_fill(1, torch.arange(3), 0),
                  torch.tensor([[9]]), padded_past)
    close(nxt, full[:1, 9:10], "step after left padding")
    assert torch.isfinite(padded).all(), "fully masked rows must stay finite"

    # (5) batch independence: each row alone gives the same logits as in the batch.
    for b in range(batch):
        alone, _ = _run(decoder, ids[b:b + 1], ones[b:b + 1], positions[b:b + 1], decoder.empty_past(1))
        close(alone, full[b:b + 1], f"row {b} alone")

    # (6) positions come only from position_ids: shifting cache indices (a hole in the middle,
    # compacted away) with the same position_ids changes nothing.
    holey_ids = torch.cat([ids[:, :4], junk[:, :2], ids[:, 4:8]], dim=1)
    holey_mask = torch.tensor([[1] * 4 + [0, 0] + [1] * 4] * batch)
    holey_positions = torch.cat([positions[:, :4], torch.zeros(batch, 2, dtype=torch.int64), positions[:, 4:8]], 1)
    holey, _ = _run(decoder, holey_ids, holey_mask, holey_positions, decoder.empty_past(batch))
    close(holey[:, 6:], full[:, 4:8], "positions from position_ids with a hole in the middle")
    return worst


def write_model_dir(decoder: LlamaDecoder, tokenizer_json: Path, out_dir: Path, extra: dict = None) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    worst = check_masking(decoder)
    export_onnx(decoder, out_dir / "model.onnx")
    with open(out_dir / "config.json", "w") as f:
        json.dump(decoder.config.hf_config(BOS_ID, EOS_ID, PAD_ID), f, indent=2)
        f.write("\n")
    with open(out_dir / "generation_config.json", "w") as f:
        json.dump({"bos_token_id": BOS_ID, "eos_token_id": EOS_ID, "pad_token_id": PAD_ID, "do_sample": False,
                   "max_length": decoder.config.max_position_embeddings, **(extra or {})}, f, indent=2)
        f.write("\n")
    shutil.copyfile(tokenizer_json, out_dir / "tokenizer.json")
    print(f"exported {out_dir} ({decoder.parameter_count()} parameters, masking checks max diff {worst:.2e})")
