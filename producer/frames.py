"""Records to WebSocket frames, encoded once per batch (DESIGN §5, §6).

The worker and the repair path both use this module, so a record looks the same whichever
way it reached the client. Records are confluent-kafka Messages as consume() gives them:
building an object of our own per record cost more than the rest of the encoding.

The fast path encodes a whole batch in a few C calls (orjson, with each JSON value embedded
as it came, `orjson.Fragment`, after a check that builds no objects); a batch with a record
that cannot become a frame (a poison record) is sorted out record by record, then encoded
without it.
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate, chain, groupby, repeat

import msgspec
import orjson
from confluent_kafka import Message

MAX_FRAME_BYTES = 1024 * 1024  # daphne refuses larger messages; so do we
FORMATS = ("envelope", "batch", "columns", "raw")
TEXT_FINAL = 0x81  # FIN + text opcode

Record = Message  # what consume() returns (tests build them with Message(...))

_dumps, _loads, _Fragment = orjson.dumps, orjson.loads, orjson.Fragment
# Checks that bytes are one JSON document without building it: msgspec's decoder into Raw
# walks the grammar and keeps the span. A value of 230 bytes costs 0.14 us against orjson's
# parse 0.32, one of 670 bytes with 30 fields 0.63 against 4.9. It does not look at the
# UTF-8 inside strings; _json_value and _check_json do.
_skim = msgspec.json.Decoder(msgspec.Raw).decode


def record_id(r: Record) -> str:
    return f"{r.partition()}-{r.offset()}"


class PoisonRecord(ValueError):
    """A record that cannot become a frame; the message says why (never its content)."""


@dataclass
class EncodedBatch:
    frames: list[bytes]  # UTF-8 JSON or text, one WebSocket text frame each
    records: list[Record]  # the records that made it into frames
    poison: list[tuple[Record, str]]
    ids: list[list[int]] = field(default_factory=list)  # per frame: [partition, offset, …]
    # Where each run of one partition ends among the records given to encode_batch (all of
    # them, poison too): the caller's offset spans read them (producer.runner).
    runs: list[int] = field(default_factory=list)

    @cached_property
    def wire(self) -> bytes:
        """All frames as sent on a socket, built once however many clients get them."""
        return text_frames(self.frames)


# --- Values and keys -------------------------------------------------------------------------


def _text(raw: bytes | None, what: str) -> str | None:
    if raw is None:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PoisonRecord(f"{what} is not UTF-8 text") from None


def decode_value(raw: bytes | None, source_format: str):
    """The value as clients get it: a JSON value kept as is, text, or base64 of bytes."""
    if raw is None:
        return None
    if source_format == "json":
        _json_value(raw)
        return _Fragment(raw)  # valid JSON: embed the bytes, don't re-serialise
    if source_format == "text":
        return _text(raw, "value")
    return base64.b64encode(raw).decode()


def _values(raws: list[bytes | None], source_format: str) -> list:
    """decode_value() of a whole batch: for JSON one check per value and no other Python per
    record; raises PoisonRecord (without saying which) if any value is bad."""
    if source_format != "json" or None in raws:
        return [decode_value(raw, source_format) for raw in raws]
    _check_json(raws)
    return list(map(_Fragment, raws))


def _json_value(raw: bytes) -> None:
    """Raise PoisonRecord saying where `raw` stops being one JSON document (in UTF-8)."""
    try:
        _skim(raw)
        if not raw.isascii():
            raw.decode()
    except msgspec.DecodeError as exc:
        detail = str(exc).removeprefix("JSON is malformed: ")
    except RecursionError:  # nested deeper than the interpreter's limit (~1,000 levels)
        detail = "nested too deep"
    except UnicodeDecodeError as exc:
        detail = f"not UTF-8 at byte {exc.start}"
    else:
        return
    raise PoisonRecord(f"value is not JSON ({detail})")


def _check_json(raws: list[bytes]) -> None:
    """_json_value() of a whole batch, without saying which value is bad: the grammar per
    value, UTF-8 once for them all (usually one isascii())."""
    try:
        for raw in raws:
            _skim(raw)
        joined = b"".join(raws)
        if not joined.isascii():
            joined.decode()
    except (msgspec.DecodeError, RecursionError, UnicodeDecodeError):
        raise PoisonRecord("a value is not JSON") from None


def _value_json(records: list[Record], source_format: str) -> list[bytes]:
    """Each value as the JSON clients get (decode_value's, serialised); a JSON value as it
    came, checked."""
    raws = [r.value() for r in records]
    if source_format == "json" and None not in raws:
        _check_json(raws)
        return raws
    return list(map(_dumps, _values(raws, source_format)))


def _key_json(records: list[Record]) -> list[bytes]:
    keys = [r.key() for r in records]
    if keys.count(None) == len(keys):
        return [b"null"] * len(keys)
    return list(map(_dumps, _texts(keys, "key")))


def _ints(numbers: list[int | None]) -> list[bytes]:
    """Each number's JSON (null for None), from one serialisation of them all."""
    return _dumps(numbers)[1:-1].split(b",") if numbers else []


def _texts(raws: list[bytes | None], what: str) -> list[str | None]:
    try:
        return [raw.decode() if raw is not None else None for raw in raws]
    except UnicodeDecodeError:
        raise PoisonRecord(f"a {what} is not UTF-8 text") from None


def _stamps(records: list[Record]) -> list[int | None]:
    return [ts if kind else None for kind, ts in map(Message.timestamp, records)]


def _flat_ids(records: list[Record]) -> list[int]:
    partitions = list(map(Message.partition, records))
    ids = partitions * 2  # the right size; then filled slot by slot (see _pairs)
    ids[0::2] = partitions
    ids[1::2] = list(map(Message.offset, records))
    return ids


def _pairs(partition: int, offsets: list[int]) -> list[int]:
    """[partition, offset, partition, offset, …] by slice assignment: the per-record
    comprehension was a tenth of the worker's encoding time."""
    ids = [partition] * (2 * len(offsets))
    ids[1::2] = offsets
    return ids


# --- Formats ---------------------------------------------------------------------------------


def _envelopes(records: list[Record], source_format: str, runs: list[int]) -> list[bytes]:
    """Each record's envelope as JSON: {"id", "topic", "partition", "offset", "timestamp",
    "key", "value"} in that order, the bytes orjson gives for the envelope's dict (tested
    so). Filled into a template per partition run, in C: a dict per record, then its
    serialisation, took 1.04 us per record for a batch of 500; this 0.78."""
    values = _value_json(records, source_format)
    keys = _key_json(records)
    offsets = _ints(list(map(Message.offset, records)))
    stamps = _ints(_stamps(records))
    items: list[bytes] = []
    start = 0
    for end in runs:
        first = records[start]
        p = b"%d" % first.partition()
        head = b'{"id":"' + p + b"-"
        middle = b'","topic":' + _dumps(first.topic()) + b',"partition":' + p + b',"offset":'
        at = slice(start, end)
        items += map(
            b"".join,
            zip(
                repeat(head), offsets[at], repeat(middle), offsets[at],
                repeat(b',"timestamp":'), stamps[at], repeat(b',"key":'), keys[at],
                repeat(b',"value":'), values[at], repeat(b"}"),
            ),
        )  # fmt: skip
        start = end
    return items


def _envelope_frames(records: list[Record], source_format: str, runs) -> EncodedBatch:
    return _per_record_frames(records, _envelopes(records, source_format, runs))


def _raw_frames(records: list[Record], source_format: str, _runs) -> EncodedBatch:
    """The value as is (UTF-8 text frames; bytes records as base64)."""
    raws = [r.value() for r in records]
    if source_format == "bytes":
        frames = [(decode_value(raw, "bytes") or "").encode() for raw in raws]
    else:
        if source_format == "json":
            _values(raws, "json")  # refuse what is not JSON
        _texts(raws, "value")  # refuse what is not UTF-8
        frames = [raw or b"" for raw in raws]
    return _per_record_frames(records, frames)


def _per_record_frames(records: list[Record], frames: list[bytes]) -> EncodedBatch:
    if any(len(f) > MAX_FRAME_BYTES for f in frames):
        raise PoisonRecord(f"a frame exceeds {MAX_FRAME_BYTES} bytes")
    ids = [[r.partition(), r.offset()] for r in records]
    return EncodedBatch(frames, records, [], ids)


def _batch_frames(records: list[Record], source_format: str, runs) -> EncodedBatch:
    """One JSON array of envelopes per batch; split only past the frame limit."""
    envelopes = _envelopes(records, source_format, runs)
    frame = _join(envelopes)
    if len(frame) <= MAX_FRAME_BYTES:
        return EncodedBatch([frame], records, [], [_flat_ids(records)])
    return _split(records, envelopes)


def _split(records: list[Record], items: list[bytes]) -> EncodedBatch:
    """Array frames of at most MAX_FRAME_BYTES; a record too large for any frame is poison."""
    out = EncodedBatch([], [], [])
    chunk: list[bytes] = []
    chunk_ids: list[int] = []
    size = 2
    for r, item in zip(records, items, strict=True):
        if len(item) + 2 > MAX_FRAME_BYTES:
            raise PoisonRecord(f"a record exceeds the {MAX_FRAME_BYTES}-byte frame")
        if chunk and size + len(item) + 1 > MAX_FRAME_BYTES:
            out.frames.append(_join(chunk))
            out.ids.append(chunk_ids)
            chunk, chunk_ids, size = [], [], 2
        chunk.append(item)
        chunk_ids += [r.partition(), r.offset()]
        size += len(item) + 1
        out.records.append(r)
    out.frames.append(_join(chunk))
    out.ids.append(chunk_ids)
    return out


def _column_frames(records: list[Record], source_format: str, runs: list[int]) -> EncodedBatch:
    """One object per run of one partition: offsets, timestamps, keys and values side by
    side, so a client decodes little more than the values and can still resume."""
    values = _values([r.value() for r in records], source_format)
    keys = _texts([r.key() for r in records], "key")
    stamps = _stamps(records)
    out = EncodedBatch([], records, [])
    start = 0
    for end in runs:
        _columns(records, stamps, keys, values, start, end, out)
        start = end
    return out


def run_ends(records: list[Record]) -> list[int]:
    """Where each run of consecutive records of one partition ends (exclusive); grouped in
    C, half the cost of comparing neighbours in Python."""
    runs = groupby(map(Message.partition, records))
    return list(accumulate(len(list(run)) for _, run in runs))


def _columns(records, stamps, keys, values, start: int, end: int, out: EncodedBatch) -> None:
    run = records[start:end]
    offsets = list(map(Message.offset, run))
    partition = run[0].partition()
    frame = _dumps(
        {
            "topic": run[0].topic(),
            "partition": partition,
            "offsets": offsets,
            "timestamps": stamps[start:end],
            "keys": keys[start:end],
            "values": values[start:end],
        }
    )
    if len(frame) <= MAX_FRAME_BYTES:
        out.frames.append(frame)
        out.ids.append(_pairs(partition, offsets))
    elif end - start == 1:
        raise PoisonRecord(f"a record exceeds the {MAX_FRAME_BYTES}-byte frame")
    else:
        middle = (start + end) // 2
        _columns(records, stamps, keys, values, start, middle, out)
        _columns(records, stamps, keys, values, middle, end, out)


# (records, source format, run_ends(records)) -> frames
_ENCODERS: dict[str, Callable[[list[Record], str, list[int]], EncodedBatch]] = {
    "envelope": _envelope_frames,
    "batch": _batch_frames,
    "columns": _column_frames,
    "raw": _raw_frames,
}


def encode_batch(records: list[Record], frame_format: str, source_format: str) -> EncodedBatch:
    """Frames for a batch of records; poison records are set aside with their reason. The
    partition runs are found once, for the columns frames and the caller's offset spans."""
    runs = run_ends(records)
    try:
        out = _encode(records, frame_format, source_format, runs)
    except PoisonRecord:
        out = _without_poison(records, frame_format, source_format)
    out.runs = runs
    return out


def _encode(records: list[Record], frame_format: str, source_format: str, runs) -> EncodedBatch:
    if not records:
        return EncodedBatch([], [], [])
    return _ENCODERS[frame_format](records, source_format, runs)


def _without_poison(records: list[Record], frame_format: str, source_format: str) -> EncodedBatch:
    """The frames of the records that can be framed; each other one with its reason."""
    good, poison = [], []
    for r in records:
        try:
            _encode([r], frame_format, source_format, [1])
        except PoisonRecord as exc:
            poison.append((r, _reason(r, source_format, exc)))
        else:
            good.append(r)
    out = _encode(good, frame_format, source_format, run_ends(good))
    out.poison = poison
    return out


def _reason(r: Record, source_format: str, exc: PoisonRecord) -> str:
    """The precise reason for one record (decode_value says where the JSON breaks)."""
    try:
        decode_value(r.value(), source_format)
        if r.key() is not None:
            _text(r.key(), "key")
    except PoisonRecord as precise:
        return str(precise)
    return str(exc)


def trim(frame: bytes, keep: list[bool], frame_format: str) -> bytes:
    """A batch or columns frame without the records the client already has (rare: only
    after a resume or a repair)."""
    data = _loads(frame)
    if frame_format == "columns":
        for name in ("offsets", "timestamps", "keys", "values"):
            data[name] = [v for v, k in zip(data[name], keep, strict=True) if k]
        return _dumps(data)
    return _dumps([item for item, k in zip(data, keep, strict=True) if k])


# --- Wire ------------------------------------------------------------------------------------


def _join(items: list[bytes]) -> bytes:
    return b"[" + b",".join(items) + b"]"


def _header(length: int) -> bytes:
    if length < 126:
        return bytes((TEXT_FINAL, length))
    if length < 65536:
        return struct.pack("!BBH", TEXT_FINAL, 126, length)
    return struct.pack("!BBQ", TEXT_FINAL, 127, length)


def text_frames(payloads: Iterable[bytes]) -> bytes:
    """Unmasked final text frames (RFC 6455 §5.2) for UTF-8 payloads, as one buffer."""
    return b"".join(chain.from_iterable((_header(len(p)), p) for p in payloads))


def framed(payloads: list[bytes]) -> tuple[bytes, list[memoryview]]:
    """text_frames(payloads), and each payload as a view into that buffer: a batch then
    sits in memory once, not as payloads plus their framing."""
    headers = [_header(len(p)) for p in payloads]
    wire = b"".join(chain.from_iterable(zip(headers, payloads, strict=True)))
    view, views, at = memoryview(wire), [], 0
    for header, payload in zip(headers, payloads, strict=True):
        at += len(header)
        views.append(view[at : at + len(payload)])
        at += len(payload)
    return wire, views
