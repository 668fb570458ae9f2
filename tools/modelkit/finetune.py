"""A second policy version of a shipped model: a few more supervised steps from its exported weights.

    /usr/bin/python3 tools/modelkit/finetune.py --from models/target --out models/target-v2 --steps 20 --lr 2e-5 --seed 44

Tests of policy switching need two target versions that share the tokenizer and I/O contract but decode
differently on some prompts and alike on the rest (and both still end `Answer: N</s>`). This loads
`--from` through onnx_weights (the ONNX file is the only copy of the weights that ships), continues
training on corpus problems of another seed than the original training (22), exports into `--out` exactly
as build_all.py does, and records in `finetune.json` the settings, the loss before and after, and how
greedy decoding of the shipped example prompts compares with `--from`. Deterministic: same command, same
model.onnx bit for bit (torch with 2 threads on CPU).
"""
import argparse
import json
import random
import sys
import time
from pathlib import Path

import torch

import bpe
import export
import onnx_weights
import train

ROOT = Path(__file__).resolve().parents[2]
PROMPTS = ROOT / "examples" / "prompts" / "rl-math.jsonl"
HELD_OUT = 256  # problems (seed + 1) whose mean loss is reported before and after


def well_formed(text: str, ended: bool) -> bool:
    """The rollout ended with </s> right after a last line `Answer: N`."""
    last = text.rstrip().split("\n")[-1]
    return ended and last.startswith("Answer: ") and last[len("Answer: "):].isdigit()


def mean_loss(decoder, examples: list, tokens_per_batch: int) -> float:
    """Token-weighted mean next-token loss over examples (no gradient), in a fixed batch order."""
    decoder.eval()
    total = count = 0.0
    with torch.no_grad():
        for batch in train.length_batches(examples, tokens_per_batch, random.Random(0)):
            ids, mask = train.to_tensors(examples, batch)
            tokens = float(mask[:, 1:].sum())
            total += train.loss_on(decoder, ids, mask).item() * tokens
            count += tokens
    return total / count


def finetune(decoder, examples: list, steps: int, lr: float, seed: int, tokens_per_batch: int, log=print) -> list:
    """AdamW at a constant lr (no warmup: the weights are trained already), clipped; returns per-step losses."""
    torch.manual_seed(seed)
    decoder.train()
    decay = [p for p in decoder.parameters() if p.dim() >= 2]
    no_decay = [p for p in decoder.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=lr, betas=(0.9, 0.98))
    rng = random.Random(seed)
    batches, losses = [], []
    for step in range(steps):
        if not batches:
            batches = train.length_batches(examples, tokens_per_batch, rng)
        ids, mask = train.to_tensors(examples, batches.pop())
        loss = train.loss_on(decoder, ids, mask)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(decoder.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
        if step % 10 == 0 or step == steps - 1:
            log(f"finetune step {step}/{steps} loss {loss.item():.4f}")
    decoder.eval()
    return losses


def greedy_outputs(decoder, tokenizer, prompts: list) -> list:
    """(text, ended) of greedy decoding per prompt, `<s>` + encode(prompt) as the pipeline feeds it."""
    return [train.greedy(decoder, tokenizer, prompt) for prompt in prompts]


def compare(before: list, after: list) -> dict:
    """How many prompts decode differently, and how many end well formed under each version."""
    return {"prompts": len(before),
            "greedy_differs": sum(a != b for a, b in zip(before, after)),
            "well_formed_from": sum(well_formed(*o) for o in before),
            "well_formed_out": sum(well_formed(*o) for o in after)}


def main(argv) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="source", default="models/target", help="model directory to start from")
    parser.add_argument("--out", required=True, help="model directory to write (Optimum layout)")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--lr", type=float, default=2e-5)
    parser.add_argument("--seed", type=int, default=44, help="data, order and torch seed (training used 22)")
    parser.add_argument("--examples", type=int, default=4000, help="corpus problems to fine-tune on")
    parser.add_argument("--tokens-per-batch", type=int, default=2048)
    parser.add_argument("--prompts", default=str(PROMPTS), help="prompt set (JSONL) for the greedy comparison")
    args = parser.parse_args(argv)
    torch.set_num_threads(2)
    began = time.time()
    source, out = Path(args.source), Path(args.out)
    tokenizer_json = source / "tokenizer.json"
    tokenizer = bpe.ByteLevelBpe.load(tokenizer_json)
    decoder = onnx_weights.load_decoder(source)
    with open(args.prompts, encoding="utf-8") as lines:
        prompts = [json.loads(line)["prompt_text"] for line in lines if line.strip()]
    before = greedy_outputs(decoder, tokenizer, prompts)

    examples = train.encode_examples(tokenizer, args.examples, args.seed)
    held_out = train.encode_examples(tokenizer, HELD_OUT, args.seed + 1)
    loss_before = mean_loss(decoder, held_out, args.tokens_per_batch)
    started = time.time()
    losses = finetune(decoder, examples, args.steps, args.lr, args.seed, args.tokens_per_batch)
    train_seconds = time.time() - started
    loss_after = mean_loss(decoder, held_out, args.tokens_per_batch)
    after = greedy_outputs(decoder, tokenizer, prompts)

    export.write_model_dir(decoder, tokenizer_json, out)
    summary = {"from": str(args.source), "steps": args.steps, "lr": args.lr, "seed": args.seed,
               "examples": args.examples, "tokens_per_batch": args.tokens_per_batch, "optimizer": "AdamW",
               "held_out_loss_before": round(loss_before, 4), "held_out_loss_after": round(loss_after, 4),
               "first_step_loss": round(losses[0], 4) if losses else None,
               "last_step_loss": round(losses[-1], 4) if losses else None,
               "train_seconds": round(train_seconds), "seconds": round(time.time() - began),
               "greedy_vs_from": compare(before, after)}
    (out / "finetune.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
