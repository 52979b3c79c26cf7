import { createHash } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { exportFileTarget, hashStream, sha256Hex, type HashedStreamEnd } from "./hash-stream";

function sourceOf(chunks: string[], options: { failAfter?: number; onCancel?: () => void } = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (options.failAfter !== undefined && index === options.failAfter) throw new Error("disk on fire");
      if (index === chunks.length) controller.close();
      else controller.enqueue(encoder.encode(chunks[index++]));
    },
    cancel: options.onCancel,
  });
}

describe("hashStream", () => {
  it("passes the bytes through unchanged and reports their SHA-256 and length once, before closing", async () => {
    const ends: HashedStreamEnd[] = [];
    const bytes = new Uint8Array(await new Response(hashStream(sourceOf(["Ёлка ", "Кириллица", ""]), (end) => ends.push(end))).arrayBuffer());

    const expected = new TextEncoder().encode("Ёлка Кириллица");
    expect(bytes).toEqual(expected);
    expect(ends).toEqual([{ status: "complete", sha256: createHash("sha256").update(expected).digest("hex"), bytes: expected.byteLength }]);
  });

  it("hashes an empty stream as the empty file", async () => {
    const onEnd = vi.fn();
    await new Response(hashStream(sourceOf([]), onEnd)).arrayBuffer();
    expect(onEnd).toHaveBeenCalledWith({ status: "complete", sha256: sha256Hex(""), bytes: 0 });
  });

  it("reports a cancel after the source has been cancelled, with the bytes sent so far", async () => {
    const order: string[] = [];
    const stream = hashStream(sourceOf(["abc", "def", "ghi"], { onCancel: () => void order.push("source cancelled") }), (end) => {
      order.push(`${end.status} after ${end.bytes} bytes`);
    });
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    expect(order).toEqual(["source cancelled", "cancelled after 3 bytes"]);
  });

  it("reports a failing source and fails the same way", async () => {
    const onEnd = vi.fn();
    const stream = hashStream(sourceOf(["abc", "def"], { failAfter: 1 }), onEnd);
    await expect(new Response(stream).arrayBuffer()).rejects.toThrow("disk on fire");
    expect(onEnd).toHaveBeenCalledExactlyOnceWith({ status: "failed", bytes: 3 });
  });

  it("fails the download when the end cannot be recorded, instead of completing it", async () => {
    const stream = hashStream(sourceOf(["abc"]), () => {
      throw new Error("audit table locked");
    });
    await expect(new Response(stream).arrayBuffer()).rejects.toThrow("audit table locked");
  });
});

describe("exportFileTarget", () => {
  const sha256 = sha256Hex("x");

  it("names the file by its sha256sum line", () => {
    expect(exportFileTarget("delivery-DE-2026-11-21.pdf", sha256)).toEqual({ targetType: "file", targetId: `${sha256}  delivery-DE-2026-11-21.pdf` });
  });

  it.each(["", "../etc/passwd", "a b.pdf", "a\nb.pdf", "-rf.pdf", "x\\y.csv"])("refuses the name %j", (name) => {
    expect(() => exportFileTarget(name, sha256)).toThrow();
  });

  it("refuses what is not a hex SHA-256", () => {
    expect(() => exportFileTarget("a.pdf", sha256.toUpperCase())).toThrow();
    expect(() => exportFileTarget("a.pdf", sha256.slice(1))).toThrow();
  });
});
