"""Counters of components served by the web processes (API Ingestion), kept in Redis.

Such a component has no runner and so no heartbeat. Each request adds what it carried in
one pipelined round trip (per request, never per record): running totals in a hash, and
the records of the current second in short-lived keys from which a recent rate is read.
Counting is best effort: Redis being away never fails an ingest request.
"""

from __future__ import annotations

import logging
import time

from pipelines import redis_keys

log = logging.getLogger(__name__)

RATE_SECONDS = 5  # the rate is the mean over the last complete seconds
BUCKET_TTL = RATE_SECONDS + 5
TOTALS_TTL = 7 * 24 * 3600  # a removed component's totals go a week after its last request


_key = redis_keys.traffic_key


def record(guid: str, records: int, size: int, outputs: int, *, now: float | None = None) -> None:
    """A request whose `records` (`size` bytes) were written to `outputs` events."""
    pipe = _pipeline()
    if pipe is None:
        return
    now = time.time() if now is None else now
    key = _key(guid)
    pipe.hincrby(key, "records_in", records)
    pipe.hincrby(key, "records_out", records * outputs)
    latest = {"last_processed_at": now, "last_batch_records": records, "last_batch_bytes": size}
    pipe.hset(key, mapping=latest)
    pipe.expire(key, TOTALS_TTL)
    for direction, count in (("in", records), ("out", records * outputs)):
        bucket = f"{key}:{direction}:{int(now)}"
        pipe.incrby(bucket, count)
        pipe.expire(bucket, BUCKET_TTL)
    _execute(pipe)


def record_failure(guid: str, records: int, error: str) -> None:
    """A request whose records could not be written (Kafka refused or timed out)."""
    pipe = _pipeline()
    if pipe is None:
        return
    pipe.hincrby(_key(guid), "failed", records)
    pipe.hset(_key(guid), mapping={"last_error": error, "last_error_at": time.time()})
    _execute(pipe)


def _pipeline():
    r = redis_keys.client()
    return None if r is None else r.pipeline(transaction=False)


def _execute(pipe) -> None:
    try:
        pipe.execute()
    except Exception as exc:  # monitoring is best effort; the request's answer does not wait
        log.warning("Ingest counters not updated: %s", exc)


def read(guid: str, *, now: float | None = None) -> dict:
    """Totals, the latest request and the mean rates of the last complete seconds."""
    r = redis_keys.client()
    if r is None:
        return {}
    second = int(time.time() if now is None else now)
    key = _key(guid)
    seconds = range(second - RATE_SECONDS, second)
    pipe = r.pipeline(transaction=False)
    pipe.hgetall(key)
    pipe.mget([f"{key}:in:{s}" for s in seconds])
    pipe.mget([f"{key}:out:{s}" for s in seconds])
    totals, ins, outs = pipe.execute()
    if not totals:
        return {}
    fields = {k.decode(): v.decode() for k, v in totals.items()}
    return {
        "records_in": int(fields.get("records_in", 0)),
        "records_out": int(fields.get("records_out", 0)),
        "failed": int(fields.get("failed", 0)),
        "last_processed_at": float(fields["last_processed_at"])
        if "last_processed_at" in fields
        else None,
        "last_batch_records": int(fields.get("last_batch_records", 0)),
        "last_batch_bytes": int(fields.get("last_batch_bytes", 0)),
        "last_error": fields.get("last_error", ""),
        "last_error_at": float(fields["last_error_at"]) if "last_error_at" in fields else None,
        "records_in_per_sec": round(sum(int(v or 0) for v in ins) / RATE_SECONDS, 1),
        "records_out_per_sec": round(sum(int(v or 0) for v in outs) / RATE_SECONDS, 1),
    }
