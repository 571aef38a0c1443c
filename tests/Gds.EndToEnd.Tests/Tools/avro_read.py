#!/usr/bin/python3
"""Reads a topic from its start with Confluent's Python client (Debian's python3-confluent-kafka, python3-avro) and
prints each value as one JSON line, decoded through the schema registry (a JSON record is reported as such): a reader of our Avro records that nobody here
wrote. Debian's kcat would be the first choice, but its build lacks Avro support ("This build of kcat lacks
Avro/Schema-Registry support"). Keys are plain strings, so values are decoded one by one (AvroConsumer would try the
keys too).

usage: avro_read.py BOOTSTRAP REGISTRY_URL TOPIC COUNT
"""
import json
import sys

from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.avro import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer

bootstrap, registry, topic, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
serializer = MessageSerializer(CachedSchemaRegistryClient({"url": registry}))
consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "avro-read", "enable.auto.commit": False,
                     "auto.offset.reset": "earliest"})
partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
read = 0
while read < count:
    message = consumer.poll(10)
    if message is None:
        sys.exit(f"only {read} of {count} records on {topic} within 10 s")
    if message.error():
        sys.exit(f"{topic}: {message.error()}")
    raw = message.value()
    if raw[:1] != b"\x00":
        # A JSON record of a topic moving to Avro: reported, not decoded (it is not Avro).
        print(json.dumps({"key": message.key().decode(), "format": "json"}), flush=True)
    else:
        value = serializer.decode_message(raw)
        print(json.dumps({"key": message.key().decode(), "schema_id": int.from_bytes(raw[1:5], "big"), "value": value},
                         default=str), flush=True)
    read += 1
consumer.close()
