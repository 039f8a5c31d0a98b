"""Create a benchmark pipeline (input event → WebSocket Producer) through the services.

Run as a child with the run's environment (DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS, …), so
the orchestrator never imports Django and each measurement can point at a fresh broker:

    python -m benchmarks.pipeline --kind kafka|shared [--topic T] --frame batch --batch-size 500

Prints one JSON line: guid, ingestion_id, secret and the input topic.
"""

from __future__ import annotations

import argparse
import sys
import uuid

import django
import orjson


def build(kind: str, topic: str, frame: str, batch_size: int) -> dict:
    from django.contrib.auth import get_user_model

    from pipelines import services
    from pipelines.models import Pipeline

    owner, _ = get_user_model().objects.get_or_create(username="bench")
    pipeline = services.create_pipeline(owner, name=f"Bench {uuid.uuid4().hex[:8]}")
    # A private (kafka) event is read from its start, a shared one from its end (runner).
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
    return {
        "guid": str(producer.guid),
        "ingestion_id": producer.ingestion_id,
        "secret": producer.ingestion_secret,
        "topic": event.topic,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=("kafka", "shared"), required=True)
    parser.add_argument("--topic", default="")
    parser.add_argument("--frame", default="batch")
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args(argv)
    django.setup()
    info = build(args.kind, args.topic, args.frame, args.batch_size)
    sys.stdout.write(orjson.dumps(info).decode() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
