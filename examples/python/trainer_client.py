#!/usr/bin/env python3
"""SpecStream trainer-side client: publish prompts, read rollouts.

Uses confluent-kafka's own client, Avro serializer (Confluent wire format) and schema-registry client
(``confluent_kafka.avro``), so it is also the proof that SpecStream's framing and embedded registry are Confluent's.
Debian: ``apt-get install python3-confluent-kafka python3-avro python3-requests``.

Keys are plain UTF-8 request ids (SpecStream keys every topic by request id so a GRPO group stays on one
partition); the legacy ``AvroProducer`` insists on Avro-encoded keys, so this client pairs the plain
``Producer``/``Consumer`` with Confluent's ``MessageSerializer`` for values.

Examples::

    trainer_client.py submit --file examples/prompts/rl-math.jsonl
    trainer_client.py tail --max-records 8 --timeout 60
"""
import argparse
import json
import sys
import uuid

from confluent_kafka import Consumer, KafkaError, Producer
from confluent_kafka.avro import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer


class TrainerClient:
    """Publishes RolloutRequests and reads Rollouts through the registry's latest schemas."""

    def __init__(self, bootstrap_servers, schema_registry_url, topic_prefix="", client_config=None):
        self._kafka_config = dict(client_config or {})
        self._kafka_config["bootstrap.servers"] = bootstrap_servers
        self._registry = CachedSchemaRegistryClient({"url": schema_registry_url})
        self._serializer = MessageSerializer(self._registry)
        self.prompts_topic = topic_prefix + "prompts"
        self.rollouts_topic = topic_prefix + "rollouts"

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

    def _latest_schema(self, topic):
        subject = topic + "-value"
        _id, schema, _version = self._registry.get_latest_schema(subject)
        if schema is None:
            raise RuntimeError("no schema under subject %s: run 'specstream topics create' (or 'up') first" % subject)
        return schema


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
    args = parser.parse_args(argv)

    client = TrainerClient(args.bootstrap_servers, args.schema_registry_url, args.topic_prefix)
    if args.command == "submit":
        with open(args.file, encoding="utf-8") as lines:
            requests = [json.loads(line) for line in lines if line.strip()]
        print("submitted %d prompts to %s" % (client.submit(requests), client.prompts_topic))
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
