#!/usr/bin/env bash
# Tokens/s of one mode through the real pipeline, each service in its own JVM pinned to its own core with taskset
# (one core stands in for one device): the broker + registry (`specstream up`), verify-service on core 0 and, in
# decoupled and fastest modes, draft-service on core 1. Coupled mode drafts inside the verifier
# (--coupled-draft-model-dir). Fastest-of-N: both draft models in draft-service, n-gram and suffix inside the
# verifier (fastest) or in draft-service (fastest-draft), and the selector as its own process beside the broker.
#
#   tools/bench/pinned-pipeline.sh decoupled 64     # mode, max new tokens (default 64)
#
# A warm-up quarter of the prompts goes through first (group joins, JIT, ORT), then the shipped prompts; the time is taken, with the
# shipped Python trainer client, from publishing them to reading their last rollout (read_committed). Needs
# deploy/target/specstream.jar (bin/specstream builds it), python3-confluent-kafka and free ports 9092 / 8081.
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:?usage: pinned-pipeline.sh plain|coupled|decoupled|fastest|fastest-draft [max-new-tokens]}
max_new_tokens=${2:-64}
verify_core=${VERIFY_CORE:-0}
draft_core=${DRAFT_CORE:-1}
jar=deploy/target/specstream.jar
python=${PYTHON:-/usr/bin/python3} # Debian's, where python3-confluent-kafka installs
prompts=examples/prompts/rl-math.jsonl
work=$(mktemp -d)
pids=()
names=()
stop() {
  if [[ ${#pids[@]} -gt 0 ]]; then # CPU seconds each JVM used, warm-up and start included (ps TIME, [[dd-]hh:]mm:ss)
    echo "  cpu time: $(for i in "${!pids[@]}"; do echo -n "${names[$i]:-?} $(ps -o time= -p "${pids[$i]}" 2>/dev/null | tr -d ' ')  "; done)"
  fi
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT

await_line() { # file, text
  for _ in $(seq 1 600); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for '$2' in $1" >&2; cat "$1" >&2; exit 1
}

${BROKER_CORE:+taskset -c "$BROKER_CORE"} java -jar "$jar" up >"$work/up.log" 2>&1 & pids+=($!); names+=(broker)
await_line "$work/up.log" "SpecStream is up"
case "$mode" in
  plain) taskset -c "$verify_core" java ${VERIFY_JAVA_OPTS:-} -jar "$jar" verify --no-draft-service --no-selector \
           >"$work/verify.log" 2>&1 & pids+=($!); names+=(verify) ;;
  coupled) taskset -c "$verify_core" java ${VERIFY_JAVA_OPTS:-} -jar "$jar" verify --coupled-draft-model-dir models/draft-small \
             >"$work/verify.log" 2>&1 & pids+=($!); names+=(verify) ;;
  decoupled)
    taskset -c "$verify_core" java ${VERIFY_JAVA_OPTS:-} -jar "$jar" verify --no-selector >"$work/verify.log" 2>&1 & pids+=($!); names+=(verify)
    taskset -c "$draft_core" java -jar "$jar" draft >"$work/draft.log" 2>&1 & pids+=($!); names+=(draft)
    await_line "$work/draft.log" "is running" ;;
  fastest|fastest-draft)
    if [[ "$mode" == fastest ]]; then in_verifier=ngram,suffix; in_draft=none; else in_verifier=none; in_draft=ngram,suffix; fi
    if [[ "${SELECTOR:-1}" == 1 ]]; then # SELECTOR=0: every drafter runs and the longest valid tail is verified
      ${BROKER_CORE:+taskset -c "$BROKER_CORE"} java ${SELECTOR_JAVA_OPTS:-} -jar "$jar" selector ${SELECTOR_OPTS:-} >"$work/selector.log" 2>&1 & pids+=($!); names+=(selector)
      await_line "$work/selector.log" "is running"
    fi
    taskset -c "$verify_core" java ${VERIFY_JAVA_OPTS:-} -jar "$jar" verify --model-free "$in_verifier" \
      >"$work/verify.log" 2>&1 & pids+=($!); names+=(verify)
    taskset -c "$draft_core" java -jar "$jar" draft --draft-model-dir models/draft-small,models/draft-tiny \
      --model-free "$in_draft" >"$work/draft.log" 2>&1 & pids+=($!); names+=(draft)
    await_line "$work/draft.log" "is running" ;;
  *) echo "mode '$mode' is not valid; allowed values: plain, coupled, decoupled, fastest, fastest-draft" >&2; exit 2 ;;
esac
await_line "$work/verify.log" "is running"

# the trainer's view, through the shipped Python client: from publishing the prompts to the last rollout read
PYTHONPATH=examples/python "$python" - "$prompts" "$max_new_tokens" "$mode" <<'PY'
import json, sys, time
from trainer_client import TrainerClient
prompts, max_new, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
requests = [dict(json.loads(l), max_new_tokens=max_new) for l in open(prompts) if l.strip()]
client = TrainerClient("127.0.0.1:9092", "http://127.0.0.1:8081")
# warm-up: a quarter of the prompts under other ids, so every JVM (the selector's too) has compiled its hot paths
warmup = [dict(r, request_id="warmup-" + r["request_id"]) for r in requests[:len(requests) // 4]]
client.submit(warmup)
seen = len(list(client.rollouts(sum(r.get("n_samples", 1) for r in warmup), 120)))
expected = seen + sum(r.get("n_samples", 1) for r in requests)
start = time.monotonic()
client.submit(requests)
rollouts = [r for r in client.rollouts(expected, 120) if not r["request_id"].startswith("warmup")]
seconds = time.monotonic() - start
tokens = sum(r["response_tokens"] for r in rollouts)
steps = sum(s["verify_steps"] for r in rollouts for s in r["drafter_stats"])
accepted = sum(s["accepted"] for r in rollouts for s in r["drafter_stats"])
print(f"{mode}: {len(rollouts)} sequences, {tokens} tokens in {seconds:.2f} s = {tokens / seconds:.0f} tokens/s; "
      f"{accepted / steps if steps else 0:.2f} draft tokens accepted per drafted verify step (max new tokens {max_new})")
per_drafter = {}
for r in rollouts:
    for s in r["drafter_stats"]:
        totals = per_drafter.setdefault(s["drafter"], [0, 0, 0])
        totals[0] += s["proposed"]; totals[1] += s["accepted"]; totals[2] += s["verify_steps"]
for name, (proposed, accepted_d, steps_d) in sorted(per_drafter.items()):
    print(f"  {name}: verified in {steps_d} sequence-steps, {accepted_d}/{proposed} accepted "
          f"({accepted_d / max(1, proposed):.2f}), {accepted_d / max(1, steps_d):.2f} accepted per step")

# the verifier's side, from its acceptance batches (one per step and partition; a step's events share its cost).
# Only a verifier with a selector publishes them (plain and decoupled runs use --no-selector): then this part is empty.
from confluent_kafka import Consumer
import uuid
consumer = Consumer({"bootstrap.servers": "127.0.0.1:9092", "group.id": "bench-" + str(uuid.uuid4()),
                     "auto.offset.reset": "earliest", "enable.auto.commit": False})
consumer.subscribe(["acceptance-batches"])
step_events = {}
while True:
    message = consumer.poll(3.0)
    if message is None:
        break
    if message.error():
        continue
    for event in client._serializer.decode_message(message.value())["events"]:
        if event["request_id"].startswith("warmup"):
            continue
        step = (event["step_cost_micros"], event["batch_size"])  # a step's events share its cost and batch
        step_events.setdefault(step, []).append(event)
consumer.close()
verify_steps = len(step_events)
busy = sum(micros for (micros, _) in step_events) / 1e6
drafted = sum(1 for events in step_events.values() if any(e["proposed"] > 0 for e in events))
mean_batch = sum(batch for (_, batch) in step_events) / max(1, verify_steps)
# a batched step feeds every sequence as many positions as the widest draft in it: that width sets its cost
mean_width = sum(1 + max(e["proposed"] for e in events) for events in step_events.values()) / max(1, verify_steps)
print(f"  verifier: {verify_steps} steps, mean batch {mean_batch:.1f}, mean width {mean_width:.1f}, "
      f"{1000 * busy / max(1, verify_steps):.2f} ms per step, "
      f"{busy:.2f} s stepping of {seconds:.2f} s; {100 * drafted / max(1, verify_steps):.0f}% of steps verified a draft")

if mode.startswith("fastest"):  # what the selector decided: each request's last assignment before its tombstone
    from collections import Counter
    consumer = Consumer({"bootstrap.servers": "127.0.0.1:9092", "group.id": "bench-" + str(uuid.uuid4()),
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe(["assignments"])
    last, records = {}, 0
    while True:
        message = consumer.poll(3.0)
        if message is None:
            break
        if message.error() or message.value() is None:
            continue
        records += 1
        assignment = client._serializer.decode_message(message.value())
        last[assignment["request_id"]] = assignment
    consumer.close()
    measured = {r: a for r, a in last.items() if not r.startswith("warmup")}
    primaries = Counter(a["primary"] for a in measured.values())
    widths = Counter(len(a["drafters"]) for a in measured.values())
    ks = Counter(a["k"] for a in measured.values())
    print(f"  selector: {records} assignments for {len(measured)} measured requests; last primary {dict(primaries)}, "
          f"drafters run {dict(widths)}, k {dict(ks)}")
PY
