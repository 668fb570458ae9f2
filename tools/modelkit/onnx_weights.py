"""Reads a shipped model directory back into the PyTorch LlamaDecoder, so a trainer can continue from it.

    /usr/bin/python3 tools/modelkit/onnx_weights.py --check models/target   # round-trip check, a few seconds

`load_decoder(model_dir)` rebuilds the decoder from `config.json` and the initializers of `model.onnx`.
torch.onnx.export keeps some parameter names (embeddings, norms) but stores every nn.Linear weight as a
transposed, renamed constant (`onnx::MatMul_806`), and the number in the name is a tracing counter, not
something to rely on. So the mapping is learned, not written down: a *probe* decoder of the same config,
with random weights (seeded), is exported the same way; each probe initializer is matched to the parameter
it equals (as is or transposed), and each real initializer to the probe one in the same place, named by the
graph node that consumes it (`/decoder/layers.0/self_attn/q_proj/MatMul`, a stable scope path).

`check(model_dir)` proves the result: re-exporting the loaded decoder gives a model.onnx whose every
initializer is bit-identical to the original's (and whose graph is the same, node for node), and the
loaded decoder's forward is self-consistent under the export's masking checks. (With this kit's torch the
re-export is even the same file, byte for byte; reported as `file_identical`.)
"""
import argparse
import json
import sys
import tempfile
from pathlib import Path

import onnx
import torch
from onnx import numpy_helper

import export
from model import LlamaConfig, LlamaDecoder

PROBE_SEED = 1729


def read_config(model_dir: Path) -> LlamaConfig:
    """The LlamaConfig fields of a Hugging Face style config.json (the rest, e.g. bos/eos, is ignored)."""
    raw = json.loads((Path(model_dir) / "config.json").read_text())
    fields = LlamaConfig.__dataclass_fields__
    return LlamaConfig(**{name: raw[name] for name in fields if name in raw})


def _consumer_keys(model: onnx.ModelProto) -> dict:
    """Initializer name -> a key independent of tracing counters: its consumers' node names and input slots."""
    names = {t.name for t in model.graph.initializer}
    keys = {name: [] for name in names}
    for node in model.graph.node:
        for slot, name in enumerate(node.input):
            if name in keys:
                keys[name].append(f"{node.name}#{slot}")
    # An initializer nobody consumes is keyed by its own name (it cannot matter to the forward).
    return {name: "|".join(sorted(k)) or name for name, k in keys.items()}


def _initializers(model: onnx.ModelProto) -> dict:
    """Consumer key -> numpy array, one per initializer."""
    keys = _consumer_keys(model)
    out = {}
    for tensor in model.graph.initializer:
        key = keys[tensor.name]
        if key in out:
            raise ValueError(f"two initializers share the consumer key {key}")
        out[key] = numpy_helper.to_array(tensor)
    return out


def _probe_mapping(config: LlamaConfig) -> dict:
    """Consumer key -> (state-dict name, transposed) learned from exporting seeded random weights.

    Every parameter (norm weights too) gets random values, so equality pins down one parameter and
    whether it was transposed; a square matrix and its transpose differ for random values.
    """
    torch.manual_seed(PROBE_SEED)
    probe = LlamaDecoder(config)
    with torch.no_grad():
        for param in probe.parameters():
            param.copy_(torch.randn_like(param))
    state = {name: t.detach().numpy() for name, t in probe.state_dict().items()}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "probe.onnx"
        export.export_onnx(probe, path)
        probe_inits = _initializers(onnx.load(str(path)))
    mapping = {}
    for key, array in probe_inits.items():
        hits = [(name, False) for name, p in state.items() if p.shape == array.shape and (p == array).all()]
        hits += [(name, True) for name, p in state.items()
                 if p.ndim == 2 and p.T.shape == array.shape and (p.T == array).all()]
        if len(hits) > 1:
            raise ValueError(f"initializer {key} matches several parameters: {hits}")
        if hits:
            mapping[key] = hits[0]
        # No hit: a constant derived from the config (e.g. folded shapes), not a weight; check() covers it.
    missing = set(state) - {name for name, _ in mapping.values()}
    if missing:
        raise ValueError(f"parameters not found among the exported initializers: {sorted(missing)}")
    return mapping


def load_decoder(model_dir) -> LlamaDecoder:
    """The LlamaDecoder whose export is model_dir/model.onnx (eval mode, float32)."""
    model_dir = Path(model_dir)
    config = read_config(model_dir)
    mapping = _probe_mapping(config)
    real = _initializers(onnx.load(str(model_dir / "model.onnx")))
    decoder = LlamaDecoder(config)
    state = decoder.state_dict()
    loaded = set()
    for key, (name, transposed) in mapping.items():
        if key not in real:
            raise ValueError(f"{model_dir}/model.onnx has no initializer at {key} (expected {name}): "
                             "was it exported by tools/modelkit/export.py with this config?")
        tensor = torch.from_numpy(real[key].copy())
        tensor = tensor.T.contiguous() if transposed else tensor
        if tensor.shape != state[name].shape:
            raise ValueError(f"{name}: shape {tuple(tensor.shape)} in the ONNX file, {tuple(state[name].shape)} "
                             "in the config")
        state[name] = tensor
        loaded.add(name)
    assert loaded == set(state), sorted(set(state) - loaded)
    decoder.load_state_dict(state)
    decoder.eval()
    return decoder


def _graph_without_weights(model: onnx.ModelProto) -> list:
    """Nodes as comparable tuples, initializer references replaced by their consumer keys."""
    keys = _consumer_keys(model)
    return [(n.op_type, n.name, tuple(keys.get(i, i) for i in n.input), tuple(n.output),
             tuple(a.SerializeToString() for a in n.attribute)) for n in model.graph.node]


def check(model_dir) -> dict:
    """load_decoder(model_dir) re-exported equals model_dir/model.onnx: weights bit for bit, graph node for node."""
    model_dir = Path(model_dir)
    decoder = load_decoder(model_dir)
    original = onnx.load(str(model_dir / "model.onnx"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.onnx"
        export.export_onnx(decoder, path)
        again = onnx.load(str(path))
        # Not asserted (another torch version may name or order things differently), but with this
        # kit's torch the re-export is the very same file.
        file_identical = path.read_bytes() == (model_dir / "model.onnx").read_bytes()
    before, after = _initializers(original), _initializers(again)
    assert set(before) == set(after), f"initializer sets differ: {set(before) ^ set(after)}"
    differing = [key for key in before if before[key].dtype != after[key].dtype
                 or before[key].shape != after[key].shape or before[key].tobytes() != after[key].tobytes()]
    assert not differing, f"initializers differ after the round trip: {differing}"
    assert _graph_without_weights(original) == _graph_without_weights(again), "graphs differ after the round trip"
    worst = export.check_masking(decoder)
    return {"model_dir": str(model_dir), "parameters": decoder.parameter_count(), "initializers": len(before),
            "bit_identical": True, "file_identical": file_identical, "masking_max_diff": worst}


def main(argv) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", nargs="+", metavar="MODEL_DIR", required=True,
                        help="load each directory and prove the round trip")
    args = parser.parse_args(argv)
    torch.set_num_threads(2)
    for model_dir in args.check:
        print(json.dumps(check(model_dir)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
