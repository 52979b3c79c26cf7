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
