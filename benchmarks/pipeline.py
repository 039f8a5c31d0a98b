"""Create a benchmark pipeline (input event → WebSocket Producer) through the services.

Run as a child with the run's environment (DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS, …), so
the orchestrator never imports Django and each measurement can point at a fresh broker:

    python -m benchmarks.pipeline --kind kafka|shared [--topic T] --frame batch --batch-size 500
    python -m benchmarks.pipeline --hops 2 --topic SOURCE --frame columns

`--hops 2` builds the seed's pipeline: a Kafka Consumer reads SOURCE (from its end) into a
private Kafka Event, which the producer reads. Prints one JSON line: guid, ingestion_id,
secret, a `?token=` for the producer (producer.tokens, valid FLOWCAST_TOKEN_MAX_AGE s), the
producer's input topic and, with two hops, the Kafka Consumer's guid (`source_guid`).
"""

from __future__ import annotations

import argparse
import sys
import uuid

import django
import orjson


def build(kind: str, topic: str, frame: str, batch_size: int, hops: int = 1) -> dict:
    from django.contrib.auth import get_user_model

    from pipelines import services
    from pipelines.models import Pipeline
    from producer.tokens import mint_token

    owner, _ = get_user_model().objects.get_or_create(username="bench")
    pipeline = services.create_pipeline(owner, name=f"Bench {uuid.uuid4().hex[:8]}")
    # A private (kafka) event is read from its start, a shared one from its end (runner).
    if hops == 2:
        event = services.create_event(pipeline, name="Records", kind="kafka")
        source = services.create_component(
            pipeline,
            type="kafka_consumer",
            name="Source",
            config={"basic": {"batch_size": batch_size}, "meta": {"topic": topic}},
        )
        services.connect(pipeline, event=event, component=source, direction="output")
    else:
        event = services.create_event(pipeline, name="Records", kind=kind, topic=topic)
    producer = services.create_component(
        pipeline,
        type="websocket_producer",
        name="Feed",
        config={"basic": {"batch_size": batch_size}, "meta": {"frame_format": frame}},
    )
    services.connect(pipeline, event=event, component=producer, direction="input")
    services.deploy(pipeline, user=owner)  # creates a private event's topic
    services.set_active(Pipeline.objects.get(pk=pipeline.pk), True)
    producer.refresh_from_db()
    event.refresh_from_db()
    info = {
        "guid": str(producer.guid),
        "ingestion_id": producer.ingestion_id,
        "secret": producer.ingestion_secret,
        "token": mint_token(producer)["token"],
        "topic": event.topic,
    }
    if hops == 2:
        source.refresh_from_db()
        info["source_guid"] = str(source.guid)
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=("kafka", "shared"), default="shared")
    parser.add_argument("--hops", type=int, choices=(1, 2), default=1)
    parser.add_argument("--topic", default="")
    parser.add_argument("--frame", default="batch")
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args(argv)
    django.setup()
    info = build(args.kind, args.topic, args.frame, args.batch_size, args.hops)
    sys.stdout.write(orjson.dumps(info).decode() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
