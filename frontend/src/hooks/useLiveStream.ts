/** React side of a live stream: starts it for a producer, re-renders a few times a second. */
import { useEffect, useRef, useState } from "react";
import { ApiError } from "../api/client";
import { producersApi } from "../api/endpoints";
import type { ProducerSummary } from "../api/types";
import type { FrameFormat, LiveRecord } from "../live/frames";
import { ResumePoint } from "../live/resume";
import { RecordStore } from "../live/store";
import { type ConnectionState, LiveStream, StreamStop } from "../live/stream";

export interface StreamSource {
  componentId: number;
  endpoint: string;
  format: FrameFormat;
}

/** What the stream needs, stable while the summary's polls change only the figures. */
export function streamSourceOf(producer: ProducerSummary | null): StreamSource | null {
  if (!producer?.streaming) return null;
  return { componentId: producer.id, endpoint: producer.endpoint, format: producer.frame_format };
}

export interface LiveStreamHandle {
  connection: ConnectionState;
  store: RecordStore;
  /** Changes on every refresh: a dependency for what is derived from the store. */
  tick: number;
  retryNow: () => void;
  restart: () => void;
}

const REFRESH_MS = 250;
const IDLE_REFRESH_MS = 1000; // the chart scrolls and countdowns tick even with no records

/** A request made for the stream; no access or no producer any more ends the stream. */
export async function orStop<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      // Signed out, e.g. by a new password set elsewhere (the server closed with 4504).
      throw new StreamStop("You are signed out: sign in again to watch this producer.");
    }
    if (error instanceof ApiError && (error.status === 403 || error.status === 404)) {
      throw new StreamStop("You can no longer watch this producer.");
    }
    throw error;
  }
}

/** A token for one connection attempt. */
const mintToken = async (componentId: number) => (await orStop(() => producersApi.token(componentId))).token;

/** The producer's deployed frame format, after Update Pipeline changed the stream. */
const readFormat = async (componentId: number) =>
  (await orStop(() => producersApi.get(componentId))).frame_format;

export function useLiveStream(
  source: StreamSource | null,
  options: { keep: number; onRecords?: (records: LiveRecord[]) => void },
): LiveStreamHandle {
  const [store] = useState(() => new RecordStore(options.keep));
  const [resume] = useState(() => new ResumePoint());
  const [connection, setConnection] = useState<ConnectionState>({ status: "idle" });
  const [tick, setTick] = useState(0);
  const streamRef = useRef<LiveStream | null>(null);
  const onRecords = useRef(options.onRecords);
  onRecords.current = options.onRecords;

  const componentId = source?.componentId;
  const endpoint = source?.endpoint;
  // The stream reads a new format itself when Update Pipeline reconfigures it (4001): a page's
  // poll catching up later must not restart it.
  const format = useRef(source?.format);
  if (source?.format) format.current = source.format;
  useEffect(() => {
    if (componentId === undefined || !endpoint || !format.current) return;
    const stream = new LiveStream({
      endpoint,
      format: format.current,
      currentFormat: () => readFormat(componentId),
      token: () => mintToken(componentId),
      onRecords: (records) => {
        store.add(records);
        onRecords.current?.(records);
      },
      onControl: (message) => store.control(message),
      onNotice: (message) => store.note(message),
      onState: setConnection,
      resume,
    });
    streamRef.current = stream;
    stream.start();
    return () => {
      stream.stop();
      streamRef.current = null;
      setConnection({ status: "idle" });
    };
  }, [componentId, endpoint, store, resume]);

  useEffect(() => {
    let last = Date.now();
    const timer = window.setInterval(() => {
      const changed = store.flush();
      if (changed || Date.now() - last >= IDLE_REFRESH_MS) {
        last = Date.now();
        setTick((t) => t + 1);
      }
    }, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [store]);

  return {
    connection,
    store,
    tick,
    retryNow: () => streamRef.current?.retryNow(),
    restart: () => streamRef.current?.start(),
  };
}
