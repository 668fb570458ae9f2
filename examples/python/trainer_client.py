#!/usr/bin/env python3
"""SpecStream trainer-side client: publish prompts, read rollouts, publish policy versions.

Uses confluent-kafka's own client, Avro serializer (Confluent wire format) and schema-registry client
(``confluent_kafka.avro``), so it is also the proof that SpecStream's framing and embedded registry are Confluent's.
Debian: ``apt-get install python3-confluent-kafka python3-avro python3-requests``.

Keys are plain UTF-8 request ids (SpecStream keys every topic by request id so a GRPO group stays on one
partition); the legacy ``AvroProducer`` insists on Avro-encoded keys, so this client pairs the plain
``Producer``/``Consumer`` with Confluent's ``MessageSerializer`` for values.

Examples::

    trainer_client.py submit --file examples/prompts/rl-math.jsonl
    trainer_client.py tail --max-records 8 --timeout 60
    trainer_client.py policy --version 1 --model-dir /shared/policies/v1
"""
import argparse
import json
import os
import sys
import time
import uuid

try:
    from confluent_kafka import Consumer, KafkaError, OFFSET_END, Producer, TopicPartition
    from confluent_kafka.admin import AdminClient, NewTopic
    from confluent_kafka.avro import CachedSchemaRegistryClient, loads as parse_schema
    from confluent_kafka.avro.serializer.message_serializer import MessageSerializer
except ModuleNotFoundError as missing:
    # a pyenv or venv python3 first on PATH hides Debian's packages, which live with /usr/bin/python3
    sys.exit(f"trainer_client.py needs the Python module '{missing.name}', which {sys.executable} does not have. "
             "Install Debian's python3-confluent-kafka python3-avro python3-requests and run "
             f"/usr/bin/python3 {sys.argv[0]} ... (or use an interpreter that has them)")

# The schemas' source of truth, used when the registry does not hold a subject yet (e.g. 'policies' on a
# cluster whose topics were created before that topic existed).
AVRO_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas", "src", "main", "avro")


class TrainerClient:
    """Publishes RolloutRequests and reads Rollouts through the registry's latest schemas."""

    def __init__(self, bootstrap_servers, schema_registry_url, topic_prefix="", client_config=None):
        self._kafka_config = dict(client_config or {})
        self._kafka_config["bootstrap.servers"] = bootstrap_servers
        self._registry = CachedSchemaRegistryClient({"url": schema_registry_url})
        self._serializer = MessageSerializer(self._registry)
        self.prompts_topic = topic_prefix + "prompts"
        self.rollouts_topic = topic_prefix + "rollouts"
        self.policies_topic = topic_prefix + "policies"

    def submit(self, requests):
        """Publishes each request (a dict of RolloutRequest fields; absent ones take the schema's defaults)."""
        schema = self._latest_schema(self.prompts_topic)
        producer = Producer(dict(self._kafka_config, **{"enable.idempotence": True, "linger.ms": 0}))
        errors = []
        for request in requests:
            record = _with_defaults(schema, request)
            value = self._serializer.encode_record_with_schema(self.prompts_topic, schema, record)
            producer.produce(self.prompts_topic, key=record["request_id"].encode("utf-8"), value=value,
                             on_delivery=lambda err, _msg: errors.append(err) if err else None)
        producer.flush()
        if errors:
            raise RuntimeError("delivery failed: %s" % errors)
        return len(requests)

    def rollouts(self, max_records, timeout_s):
        """Yields rollouts (dicts) from the beginning, read_committed, until max_records or timeout_s of silence."""
        consumer = Consumer(dict(self._kafka_config, **{
            "group.id": "trainer-" + str(uuid.uuid4()),
            "auto.offset.reset": "earliest",
            "isolation.level": "read_committed",
            "enable.auto.commit": False,
        }))
        consumer.subscribe([self.rollouts_topic])
        seen = 0
        try:
            while seen < max_records:
                message = consumer.poll(timeout_s)
                if message is None:
                    return
                if message.error():
                    if message.error().code() == KafkaError._PARTITION_EOF:
                        continue
                    raise RuntimeError(str(message.error()))
                rollout = self._serializer.decode_message(message.value())
                seen += 1
                yield rollout
        finally:
            consumer.close()

    def rollout_reader(self):
        """A RolloutReader positioned at the current end of the rollouts topic (call before submitting)."""
        return RolloutReader(self._kafka_config, self.rollouts_topic, self._serializer)

    def publish_policy(self, version, model_dir, draft_model_dirs=(), published_at_ms=None):
        """Publishes PolicyVersion `version` (key: the version in decimal) to the compacted 'policies' topic.

        model_dir (and each draft dir) is passed as given: it must be the path as every verify (draft)
        instance sees it, best absolute on a shared volume. The topic is created (1 partition, compacted, as the catalogue declares it) if the
        cluster predates it.
        """
        if version < 1:
            raise ValueError("policy version must be 1 or more (0 is each verifier's own configured model)")
        self._ensure_policies_topic()
        schema = self._schema_or_file(self.policies_topic, "PolicyVersion.avsc")
        record = {"version": int(version), "model_dir": str(model_dir),
                  "draft_model_dirs": [str(d) for d in draft_model_dirs],
                  "published_at_ms": int(time.time() * 1000) if published_at_ms is None else int(published_at_ms)}
        value = self._serializer.encode_record_with_schema(self.policies_topic, schema, record)
        producer = Producer(dict(self._kafka_config, **{"enable.idempotence": True, "linger.ms": 0}))
        errors = []
        producer.produce(self.policies_topic, key=str(version).encode("utf-8"), value=value,
                         on_delivery=lambda err, _msg: errors.append(err) if err else None)
        producer.flush()
        if errors:
            raise RuntimeError("delivery failed: %s" % errors)
        return record

    def _ensure_policies_topic(self):
        admin = AdminClient(self._kafka_config)
        if self.policies_topic in admin.list_topics(timeout=30).topics:
            return
        print("topic %s is missing: creating it (1 partition, compacted)" % self.policies_topic, file=sys.stderr)
        future = admin.create_topics([NewTopic(self.policies_topic, num_partitions=1, replication_factor=-1,
                                               config={"cleanup.policy": "compact"})])[self.policies_topic]
        try:
            future.result(30)
        except Exception as error:  # a concurrent creator won the race: fine
            if "TOPIC_ALREADY_EXISTS" not in str(error):
                raise

    def _schema_or_file(self, topic, avsc):
        """The registry's latest schema of the topic's value subject, else the .avsc file (registered on encode)."""
        _id, schema, _version = self._registry.get_latest_schema(topic + "-value")
        if schema is not None:
            return schema
        with open(os.path.join(AVRO_DIR, avsc), encoding="utf-8") as source:
            return parse_schema(source.read())

    def _latest_schema(self, topic):
        subject = topic + "-value"
        _id, schema, _version = self._registry.get_latest_schema(subject)
        if schema is None:
            raise RuntimeError("no schema under subject %s: run 'specstream topics create' (or 'up') first" % subject)
        return schema


class RolloutReader:
    """One read_committed consumer for a whole training run, assigned every rollouts partition at the end
    the topic has when it is created, so each wait reads only what came after; rollouts of other requests
    (another trainer's, an earlier step's) are skipped. The end offsets are fetched explicitly, not left to a
    lazy OFFSET_END, so nothing published between creating the reader and the first poll can be missed.
    """

    def __init__(self, kafka_config, topic, serializer):
        self._serializer = serializer
        self._consumer = Consumer(dict(kafka_config, **{
            "group.id": "trainer-" + str(uuid.uuid4()),
            "isolation.level": "read_committed",
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
        }))
        partitions = self._consumer.list_topics(topic, timeout=30).topics[topic].partitions
        if not partitions:
            raise RuntimeError("topic %s has no partitions (does it exist?)" % topic)
        start = []
        for partition in sorted(partitions):
            _low, high = self._consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=30)
            start.append(TopicPartition(topic, partition, high if high >= 0 else OFFSET_END))
        self._consumer.assign(start)

    def wait_for(self, expected, timeout_s, on_rollout=None):
        """Reads until every request in `expected` (request id -> n_samples) has all its samples.

        Returns {request_id: [rollout, ...] ordered by sample_index}. Duplicates of a (request, sample) are
        dropped. Raises TimeoutError naming what is missing after timeout_s without a wanted rollout.
        """
        got = {request_id: {} for request_id in expected}
        missing = sum(expected.values())
        last_progress = time.monotonic()
        while missing:
            message = self._consumer.poll(1.0)
            if message is None or (message.error() and message.error().code() == KafkaError._PARTITION_EOF):
                if time.monotonic() - last_progress > timeout_s:
                    short = {r: expected[r] - len(s) for r, s in got.items() if len(s) < expected[r]}
                    raise TimeoutError("%d rollouts missing after %.0f s without progress: %s"
                                       % (missing, timeout_s, dict(list(short.items())[:8])))
                continue
            if message.error():
                raise RuntimeError(str(message.error()))
            key = message.key()
            if key is not None and key.decode("utf-8") not in got:
                continue  # not ours (rollouts are keyed by request id): decode nothing
            rollout = self._serializer.decode_message(message.value())
            if rollout["request_id"] not in got:
                continue
            samples = got[rollout["request_id"]]
            if rollout["sample_index"] in samples:
                continue
            samples[rollout["sample_index"]] = rollout
            missing -= 1
            last_progress = time.monotonic()
            if on_rollout:
                on_rollout(rollout)
        return {r: [samples[i] for i in sorted(samples)] for r, samples in got.items()}

    def close(self):
        self._consumer.close()


def _with_defaults(schema, record):
    unknown = set(record) - {field.name for field in schema.fields}
    if unknown:
        raise ValueError("unknown fields %s; fields are %s" % (sorted(unknown), [f.name for f in schema.fields]))
    full = {}
    for field in schema.fields:
        if field.name in record:
            full[field.name] = record[field.name]
        elif field.has_default:
            full[field.name] = field.default
        else:
            raise ValueError("missing required field %s" % field.name)
    return full


def _json_default(value):
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(type(value))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap-servers", default="127.0.0.1:9092")
    parser.add_argument("--schema-registry-url", default="http://127.0.0.1:8081")
    parser.add_argument("--topic-prefix", default="")
    commands = parser.add_subparsers(dest="command", required=True)
    submit = commands.add_parser("submit", help="publish prompts from a JSONL file")
    submit.add_argument("--file", required=True)
    tail = commands.add_parser("tail", help="print rollouts as JSONL")
    tail.add_argument("--max-records", type=int, default=1)
    tail.add_argument("--timeout", type=float, default=30.0, help="seconds without a record before giving up")
    policy = commands.add_parser("policy", help="publish a PolicyVersion (new weights for the verifiers)")
    policy.add_argument("--version", type=int, required=True, help="policy version, 1 or more")
    policy.add_argument("--model-dir", required=True, help="target model directory every verifier can read")
    policy.add_argument("--draft-model-dir", action="append", default=[],
                        help="draft model directory for draft-service (repeatable, in its drafters' order)")
    args = parser.parse_args(argv)

    client = TrainerClient(args.bootstrap_servers, args.schema_registry_url, args.topic_prefix)
    if args.command == "submit":
        with open(args.file, encoding="utf-8") as lines:
            requests = [json.loads(line) for line in lines if line.strip()]
        print("submitted %d prompts to %s" % (client.submit(requests), client.prompts_topic))
    elif args.command == "policy":
        record = client.publish_policy(args.version, args.model_dir, args.draft_model_dir)
        print("published policy %s to %s" % (json.dumps(record), client.policies_topic))
    else:
        count = 0
        for rollout in client.rollouts(args.max_records, args.timeout):
            print(json.dumps(rollout, default=_json_default), flush=True)
            count += 1
        if count < args.max_records:
            print("only %d of %d rollouts arrived within %.0f s" % (count, args.max_records, args.timeout),
                  file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
