import v8 from "node:v8";
import vm from "node:vm";
import { vi } from "vitest";
import { openReadOnlyDatabase, type AppDatabase } from "@/db/client";

// For tests of the streamed exports (decision 0008). A test file that wants
// to watch the read-only connections an export opens mocks them itself, at
// its top (vi.mock is hoisted per file):
//   vi.mock("@/db/client", async (importOriginal) => {
//     const actual = await importOriginal<typeof import("@/db/client")>();
//     return { ...actual, openReadOnlyDatabase: vi.fn(actual.openReadOnlyDatabase) };
//   });

/** Everything a stream sends, read to the end. */
export async function readBytes(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The read-only connection the export under test opened last (with the mock above). */
export function lastReadConnection(): AppDatabase {
  const result = vi.mocked(openReadOnlyDatabase).mock.results.at(-1);
  if (!result || result.type !== "return") throw new Error("no read-only connection was opened");
  return result.value;
}

export type StreamMeasurement = {
  bytes: number;
  firstByteMs: number | undefined;
  totalMs: number;
  /** User CPU time of this process while it read. */
  cpuMs: number;
  /** Peak growth over the baseline taken after a full garbage collection. */
  heapGrowthMb: number;
  /** The same for buffers outside the JS heap, where encoded chunks live: a stream that ignored backpressure would show here. */
  buffersGrowthMb: number;
};

/**
 * Collects garbage, opens the stream with `open` and reads it to the end one
 * chunk at a time (handing each to `onChunk`), measuring how far memory grows
 * above that clean baseline and how long the first byte and the whole took:
 * what the "flat memory" tests of the streamed exports (decision 0008) assert.
 */
export async function measureStream(open: () => ReadableStream<Uint8Array>, onChunk: (chunk: Uint8Array) => void = () => undefined): Promise<StreamMeasurement> {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const buffersBefore = process.memoryUsage().arrayBuffers;
  let heapPeak = heapBefore;
  let buffersPeak = buffersBefore;

  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const reader = open().getReader();
  let firstByteMs: number | undefined;
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    firstByteMs ??= performance.now() - started;
    bytes += value.byteLength;
    onChunk(value);
    const memory = process.memoryUsage();
    heapPeak = Math.max(heapPeak, memory.heapUsed);
    buffersPeak = Math.max(buffersPeak, memory.arrayBuffers);
  }
  return {
    bytes,
    firstByteMs,
    totalMs: performance.now() - started,
    cpuMs: process.cpuUsage(cpuBefore).user / 1000,
    heapGrowthMb: (heapPeak - heapBefore) / 1024 / 1024,
    buffersGrowthMb: (buffersPeak - buffersBefore) / 1024 / 1024,
  };
}
