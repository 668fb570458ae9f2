"""Regenerates everything the model kit ships, deterministically:

    /usr/bin/python3 tools/modelkit/build_all.py                # tokenizer, prompts, trained models (~45 min on 2 shared cores)
    /usr/bin/python3 tools/modelkit/build_all.py --preliminary  # same files, models untrained (seconds)

Writes models/tokenizer.json, models/tokenizer-fixture.jsonl, models/{target,draft-small,draft-tiny}/
{model.onnx,config.json,generation_config.json,tokenizer.json}, models/training.json, models/STATUS and
examples/prompts/rl-math.jsonl.
"""
import argparse
import json
import sys
import time
from pathlib import Path

import torch

import corpus
import bpe
import export
import train
from model import LlamaDecoder, config_for, SIZES

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"
VOCAB_SIZE = 768
TOKENIZER_SEED, TRAIN_SEED, EVAL_SEED = 11, 22, 33
TRAIN_EXAMPLES = 30000
# Per model, training stages run one after another; each later stage is a warm restart (new optimizer,
# new cosine schedule, smaller batches, other data order) from the previous stage's weights.
STAGES = {
    "target": [train.TrainPlan(steps=450),
               train.TrainPlan(steps=1100, tokens_per_batch=2048, lr=2e-3, warmup=20, seed=4321)],
    "draft-small": [train.TrainPlan(steps=500)],
    "draft-tiny": [train.TrainPlan(steps=500)],
}
CHECKPOINTS = Path("/tmp/specstream-modelkit")  # torch weights, so a re-export needs no retraining

FIXTURE_EXTRAS = [
    "Answer: 34",
    "Step 12: 305 + 1 = 306.\n",
    "1234567890",
    "  two leading spaces and two trailing  ",
    "line one\n\nline three after a blank line\n",
    "tabs\tand\ttabs",
    "trailing newline\n",
    "\n",
    " ",
    "Check: 233 - 12 = 221. Correct.",
    "Hello, world! What's 7*8? It's 56; don't forget (really).",
    "a-b_c.d,e:f;g!h?i",
    "$5 + $10 = $15",
    "x=1,y=22,z=333,w=4444",
    "café costs 3€",
    "Q: Compute 7 + 69, from left to right.\n",
]


def build_tokenizer() -> bpe.ByteLevelBpe:
    texts = [p.text for p in corpus.problems(4000, TOKENIZER_SEED)]
    tokenizer = bpe.train(texts, VOCAB_SIZE)
    MODELS.mkdir(parents=True, exist_ok=True)
    tokenizer.save(MODELS / "tokenizer.json")
    assert bpe.ByteLevelBpe.load(MODELS / "tokenizer.json").vocab == tokenizer.vocab
    return tokenizer


def write_fixture(tokenizer: bpe.ByteLevelBpe) -> None:
    texts = [p.text for p in corpus.problems(14, EVAL_SEED)] + FIXTURE_EXTRAS
    with open(MODELS / "tokenizer-fixture.jsonl", "w", encoding="utf-8") as out:
        for text in texts:
            ids = tokenizer.encode(text)
            assert tokenizer.decode(ids) == text
            out.write(json.dumps({"text": text, "ids": ids}, ensure_ascii=False) + "\n")


def write_status(word: str) -> None:
    (MODELS / "STATUS").write_text(word + "\n")


def evaluate(decoder, tokenizer, count: int = 24) -> dict:
    """Greedy rollouts on held-out problems: how many are well formed and how many are right."""
    well_formed = correct = 0
    sample = None
    for p in corpus.problems(count, EVAL_SEED):
        text, ended = train.greedy(decoder, tokenizer, p.prompt)
        last = text.rstrip().split("\n")[-1]
        if ended and last.startswith("Answer: ") and last[len("Answer: "):].isdigit():
            well_formed += 1
            correct += last == f"Answer: {p.answer}"
        sample = sample or p.prompt + text
    return {"prompts": count, "well_formed": well_formed, "correct": correct, "sample": sample}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--preliminary", action="store_true", help="export untrained models (fast)")
    parser.add_argument("--only", choices=list(SIZES), action="append", help="train only these models")
    parser.add_argument("--reuse-checkpoints", action="store_true",
                        help=f"load a stage's weights from {CHECKPOINTS} when present instead of training it again")
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(0)
    began = time.time()
    tokenizer = build_tokenizer()
    write_fixture(tokenizer)
    corpus.write_prompt_set(ROOT / "examples" / "prompts" / "rl-math.jsonl")
    if args.preliminary:
        write_status("preliminary")
        for name in SIZES:
            torch.manual_seed(1)
            export.write_model_dir(LlamaDecoder(config_for(name, tokenizer.vocab_size)), MODELS / "tokenizer.json",
                                   MODELS / name)
        return
    examples = train.encode_examples(tokenizer, TRAIN_EXAMPLES, TRAIN_SEED)
    record_path = MODELS / "training.json"
    record = json.loads(record_path.read_text()) if record_path.exists() else {}
    for name in args.only or list(SIZES):
        decoder, stages = None, []
        previous = record.get(name, {}).get("stages", [])
        for number, plan in enumerate(STAGES[name], start=1):
            checkpoint = CHECKPOINTS / f"{name}-stage{number}.pt"
            if args.reuse_checkpoints and checkpoint.exists() and len(previous) >= number:
                decoder = LlamaDecoder(config_for(name, tokenizer.vocab_size))
                decoder.load_state_dict(torch.load(checkpoint))
                stages.append(previous[number - 1])
                print(f"{name} stage {number}: reused {checkpoint}", flush=True)
                continue
            result = train.train(name, tokenizer, examples, plan,
                                 init_state=None if decoder is None else decoder.state_dict())
            decoder = result["model"]
            CHECKPOINTS.mkdir(parents=True, exist_ok=True)
            torch.save(decoder.state_dict(), checkpoint)
            stages.append({"steps": plan.steps, "tokens_per_batch": plan.tokens_per_batch, "lr": plan.lr,
                           "final_loss": round(result["final_loss"], 4), "train_seconds": round(result["seconds"])})
        decoder.eval()
        quality = evaluate(decoder, tokenizer)
        export.write_model_dir(decoder, MODELS / "tokenizer.json", MODELS / name)
        record[name] = {"parameters": decoder.parameter_count(), "final_loss": stages[-1]["final_loss"],
                        "train_seconds": sum(s["train_seconds"] for s in stages), "stages": stages,
                        "greedy_eval": quality, "config": config_for(name, tokenizer.vocab_size).__dict__}
        print(f"{name}: final loss {stages[-1]['final_loss']:.4f}, {quality['well_formed']}/{quality['prompts']} "
              f"well formed, {quality['correct']} correct", flush=True)
        record_path.write_text(json.dumps(record, indent=2) + "\n")
    print(f"total {time.time() - began:.0f}s")
    if all(name in record for name in SIZES):
        write_status("final")


if __name__ == "__main__":
    sys.exit(main())
