"""Trains the three decoders on the synthetic corpus, on CPU, seeded and deterministic.

Each sequence is <s> question steps answer </s>. Batches group examples of similar length (a token
budget per batch, padding on the right, which a causal model never attends to from real tokens) and
the loss covers every real next token, so the models learn to stop with </s> after "Answer: N".
"""
import math
import random
import time
from dataclasses import dataclass

import torch

import corpus
from bpe import BOS_ID, EOS_ID, PAD_ID, ByteLevelBpe
from model import LlamaDecoder, config_for

MAX_TRAIN_TOKENS = 384  # longer examples (well under 1%) are cut; positions up to 512 stay valid


@dataclass(frozen=True)
class TrainPlan:
    steps: int
    tokens_per_batch: int = 4096
    lr: float = 3e-3
    warmup: int = 30
    weight_decay: float = 0.01
    seed: int = 1234


def encode_examples(tokenizer: ByteLevelBpe, count: int, seed: int) -> list:
    return [([BOS_ID] + tokenizer.encode(p.text) + [EOS_ID])[:MAX_TRAIN_TOKENS]
            for p in corpus.problems(count, seed)]


def length_batches(examples: list, tokens_per_batch: int, rng: random.Random) -> list:
    """Shuffled batches of similar-length examples, each about tokens_per_batch tokens padded."""
    order = sorted(range(len(examples)), key=lambda i: (len(examples[i]), i))
    batches, current = [], []
    for i in order:
        longest = max(len(examples[i]), max((len(examples[j]) for j in current), default=0))
        if current and longest * (len(current) + 1) > tokens_per_batch:
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    rng.shuffle(batches)
    return batches


def to_tensors(examples: list, batch: list):
    width = max(len(examples[i]) for i in batch)
    ids = torch.full((len(batch), width), PAD_ID, dtype=torch.int64)
    mask = torch.zeros((len(batch), width), dtype=torch.int64)
    for row, i in enumerate(batch):
        ids[row, :len(examples[i])] = torch.tensor(examples[i])
        mask[row, :len(examples[i])] = 1
    return ids, mask


def loss_on(decoder: LlamaDecoder, ids, mask):
    positions = torch.arange(ids.shape[1]).repeat(ids.shape[0], 1)
    logits, _ = decoder(ids, torch.ones_like(mask), positions, decoder.empty_past(ids.shape[0]))
    targets = ids[:, 1:].masked_fill(mask[:, 1:] == 0, -100)
    return torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), targets.reshape(-1),
                                             ignore_index=-100)


def train(name: str, tokenizer: ByteLevelBpe, examples: list, plan: TrainPlan, log=print,
          init_state: dict = None) -> dict:
    """Returns {"model", "final_loss" (mean of the last 20 steps), "seconds", "steps"}.

    init_state: weights to continue from (a warm restart: fresh optimizer and learning-rate schedule).
    """
    torch.manual_seed(plan.seed)
    decoder = LlamaDecoder(config_for(name, tokenizer.vocab_size))
    if init_state is not None:
        decoder.load_state_dict(init_state)
    decoder.train()
    decay = [p for n, p in decoder.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in decoder.named_parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": plan.weight_decay},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=plan.lr, betas=(0.9, 0.98))

    def lr_at(step):
        if step < plan.warmup:
            return plan.lr * (step + 1) / plan.warmup
        progress = (step - plan.warmup) / max(1, plan.steps - plan.warmup)
        return plan.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))

    rng = random.Random(plan.seed)
    batches = []
    recent = []
    start = time.time()
    for step in range(plan.steps):
        if not batches:
            batches = length_batches(examples, plan.tokens_per_batch, rng)
        ids, mask = to_tensors(examples, batches.pop())
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step)
        loss = loss_on(decoder, ids, mask)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(decoder.parameters(), 1.0)
        optimizer.step()
        recent = (recent + [loss.item()])[-20:]
        if step % 50 == 0 or step == plan.steps - 1:
            log(f"{name} step {step}/{plan.steps} loss {loss.item():.4f} ({time.time() - start:.0f}s)")
    decoder.eval()
    return {"model": decoder, "final_loss": sum(recent) / len(recent), "seconds": time.time() - start,
            "steps": plan.steps}


def greedy(decoder: LlamaDecoder, tokenizer: ByteLevelBpe, prompt: str, max_new: int = 400) -> tuple:
    """Greedy decoding with the KV cache through the export code path; returns (text, ended_with_eos)."""
    ids = [BOS_ID] + tokenizer.encode(prompt)
    with torch.no_grad():
        x = torch.tensor([ids])
        logits, past = decoder(x, torch.ones_like(x), torch.arange(len(ids))[None], decoder.empty_past(1))
        out = []
        while len(out) < max_new and len(ids) + len(out) < decoder.config.max_position_embeddings:
            token = int(logits[0, -1].argmax())
            if token == EOS_ID:
                return tokenizer.decode(out), True
            out.append(token)
            total = len(ids) + len(out)
            logits, past = decoder(torch.tensor([[token]]), torch.ones(1, total, dtype=torch.int64),
                                   torch.tensor([[total - 1]]), past)
    return tokenizer.decode(out), False
