"""Synthetic corpus that looks like RL math rollouts.

Each example is a question, step-by-step reasoning and a final answer, e.g.::

    Q: A farmer has 17 sheep and buys 26 more, then sells 9. How many sheep now?
    Step 1: 17 + 26 = 43.
    Step 2: 43 - 9 = 34.
    Answer: 34

The prompt is everything up to and including the question's newline; the model continues with the
steps. The number of steps is heavy-tailed (mostly 1-4, sometimes 10-20) and some steps are
followed by verbose restating/checking lines, so rollout lengths have the long tail that makes RL
rollout batches straggle. Everything is a pure function of the seed.

Run as a script to write examples/prompts/rl-math.jsonl.
"""
import json
import random
from dataclasses import dataclass
from pathlib import Path

MAX_STEPS = 20


@dataclass(frozen=True)
class Problem:
    question: str  # "Q: ...?" without the trailing newline
    steps: tuple  # reasoning lines, without trailing newlines
    answer: int

    @property
    def prompt(self) -> str:
        return self.question + "\n"

    @property
    def completion(self) -> str:
        return "".join(line + "\n" for line in self.steps) + f"Answer: {self.answer}"

    @property
    def text(self) -> str:
        return self.prompt + self.completion


def _step_count(rng: random.Random) -> int:
    """Heavy tail: P(k) proportional to k^-1.8 on 1..MAX_STEPS (about 60% of problems take 1-2 steps)."""
    weights = [k ** -1.8 for k in range(1, MAX_STEPS + 1)]
    return rng.choices(range(1, MAX_STEPS + 1), weights=weights)[0]


class _Reasoning:
    """Collects numbered step lines, sometimes adding a restating or checking line after a step."""

    def __init__(self, rng: random.Random, verbosity: float):
        self.rng = rng
        self.verbosity = verbosity
        self.lines = []
        self.number = 0

    def step(self, a: int, op: str, b: int, result: int, restate: str = None):
        self.number += 1
        self.lines.append(f"Step {self.number}: {a} {op} {b} = {result}.")
        if self.rng.random() < self.verbosity:
            kind = self.rng.randrange(3)
            if kind == 0 and op in "+-":
                inverse = "-" if op == "+" else "+"
                self.lines.append(f"Check: {result} {inverse} {b} = {a}. Correct.")
            elif kind == 1 and restate:
                self.lines.append(f"So far: {result} {restate}.")
            else:
                self.lines.append(f"So the running total is {result}.")


def _apply(a: int, op: str, b: int) -> int:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    return a // b


def _farmer(rng, verbosity):
    animal, plural = rng.choice([("sheep", "sheep"), ("cow", "cows"), ("goat", "goats"), ("hen", "hens")])
    who = rng.choice(["A farmer", "Ana", "A ranch", "Old Tom"])
    start = rng.randint(5, 60)
    n = _step_count(rng)
    clauses, r, value = [], _Reasoning(rng, verbosity), start
    for i in range(n):
        if value > 3 and rng.random() < 0.45:
            b = rng.randint(1, min(value - 1, 40))
            verb = rng.choice(["sells", "gives away", "loses"])
            clauses.append(f"{verb} {b}")
            r.step(value, "-", b, value - b, plural)
            value -= b
        else:
            b = rng.randint(1, 40)
            verb = rng.choice(["buys", "gets", "breeds"])
            clauses.append(f"{verb} {b} more")
            r.step(value, "+", b, value + b, plural)
            value += b
    joined = clauses[0] if n == 1 else ", then ".join(clauses)
    q = f"Q: {who} has {start} {plural if start != 1 else animal} and {joined}. How many {plural} now?"
    return Problem(q, tuple(r.lines), value)


def _shop(rng, verbosity):
    item, plural = rng.choice([("apple", "apples"), ("pen", "pens"), ("book", "books"), ("ticket", "tickets")])
    count, price = rng.randint(2, 12), rng.randint(2, 15)
    r = _Reasoning(rng, verbosity)
    total = count * price
    r.step(count, "*", price, total, "dollars")
    extras = []
    for _ in range(_step_count(rng) - 1):
        fee = rng.randint(1, 20)
        what = rng.choice(["a bag", "a tip", "a fee", "a snack", "a stamp"])
        extras.append(f"{what} for {fee} dollars")
        r.step(total, "+", fee, total + fee, "dollars")
        total += fee
    tail = "" if not extras else " and also pays for " + ", ".join(extras)
    q = f"Q: Mia buys {count} {plural} at {price} dollars each{tail}. How much does she pay in total?"
    return Problem(q, tuple(r.lines), total)


def _arithmetic(rng, verbosity):
    n = _step_count(rng)
    start = rng.randint(1, 99)
    r, value, expr = _Reasoning(rng, verbosity), start, str(start)
    for _ in range(n):
        op = rng.choice("+-*") if value < 500 else rng.choice("+-")
        if op == "*":
            b = rng.randint(2, 9)
        elif op == "-":
            b = rng.randint(0, value) if value > 0 else 0
        else:
            b = rng.randint(1, 99)
        result = _apply(value, op, b)
        r.step(value, op, b, result)
        expr += f" {op} {b}"
        value = result
    return Problem(f"Q: Compute {expr}, from left to right.", tuple(r.lines), value)


def _sharing(rng, verbosity):
    friends = rng.randint(2, 9)
    each = rng.randint(2, 20)
    total = friends * each
    thing = rng.choice(["candies", "marbles", "stickers", "cookies"])
    r = _Reasoning(rng, verbosity)
    r.step(total, "/", friends, each, f"{thing} each")
    value, extras = each, []
    for _ in range(_step_count(rng) - 1):
        b = rng.randint(1, 15)
        extras.append(f"finds {b} more")
        r.step(value, "+", b, value + b, f"{thing}")
        value += b
    tail = "" if not extras else ". Then one friend " + ", then ".join(extras)
    q = f"Q: Leo shares {total} {thing} equally among {friends} friends{tail}. How many {thing} does that friend have?"
    return Problem(q, tuple(r.lines), value)


def _savings(rng, verbosity):
    start, weekly = rng.randint(0, 50), rng.randint(3, 25)
    weeks = _step_count(rng)
    r, value = _Reasoning(rng, verbosity), start
    for _ in range(weeks):
        r.step(value, "+", weekly, value + weekly, "dollars saved")
        value += weekly
    plural = "week" if weeks == 1 else "weeks"
    q = f"Q: Sam has {start} dollars and saves {weekly} dollars every week. How much does he have after {weeks} {plural}?"
    return Problem(q, tuple(r.lines), value)


def _travel(rng, verbosity):
    speed, hours = rng.randint(20, 90), rng.randint(1, 6)
    r = _Reasoning(rng, verbosity)
    distance = speed * hours
    r.step(speed, "*", hours, distance, "km")
    value, legs = distance, []
    for _ in range(_step_count(rng) - 1):
        b = rng.randint(5, 60)
        legs.append(f"{b} km more")
        r.step(value, "+", b, value + b, "km")
        value += b
    tail = "" if not legs else " and then drives " + ", then ".join(legs)
    q = f"Q: A train goes {speed} km per hour for {hours} hours{tail}. How far does it go?"
    return Problem(q, tuple(r.lines), value)


TEMPLATES = (_farmer, _shop, _arithmetic, _sharing, _savings, _travel)


def problem(rng: random.Random) -> Problem:
    template = rng.choice(TEMPLATES)
    verbosity = rng.choice([0.0, 0.0, 0.15, 0.4])
    return template(rng, verbosity)


def problems(count: int, seed: int) -> list:
    rng = random.Random(seed)
    return [problem(rng) for _ in range(count)]


def prompt_set(count: int = 64, seed: int = 7, repeats: int = 6, batch: int = 8, n_samples: int = 4) -> list:
    """Prompt records in trainer batches: group_id names the batch ("batch-03"), like one trainer step.

    Field names are RolloutRequest's (schemas/src/main/avro), so `specstream submit` publishes the file as is.

    The last `repeats` records re-sample prompts already used in earlier batches (RL re-visits the same
    prompts every epoch), so history-based drafters can see a prompt again under another group.
    """
    fresh = problems(count - repeats, seed)
    rng = random.Random(seed + 1)
    chosen = fresh + [fresh[i] for i in rng.sample(range(count - 2 * repeats), repeats)]
    return [
        {"request_id": f"rl-math-{i:04d}", "group_id": f"batch-{i // batch:02d}", "prompt_text": p.prompt,
         "n_samples": n_samples}
        for i, p in enumerate(chosen)
    ]


def write_prompt_set(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        for record in prompt_set():
            out.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[2]
    write_prompt_set(root / "examples" / "prompts" / "rl-math.jsonl")
    for p in problems(3, 1):
        print(p.text + "\n")
