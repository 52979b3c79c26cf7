import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createRefCode, createToken, hashToken, randomBytesFromPool, timePrefix } from "./tokens";

describe("tokens", () => {
  it("are unique, URL-safe, and their hashes sort by the time they were made", () => {
    const made = Array.from({ length: 5000 }, (_, index) => createToken(1_800_000_000_000 + index * 7));
    expect(new Set(made.map((entry) => entry.token)).size).toBe(5000);
    for (const { token, tokenHash } of made) {
      expect(token).toMatch(/^[0-9a-z]{9}[A-Za-z0-9_-]{43}$/);
      expect(tokenHash).toBe(hashToken(token));
      expect(tokenHash).toMatch(/^[0-9a-z]{9}[0-9a-f]{64}$/);
    }
    const hashes = made.map((entry) => entry.tokenHash);
    expect([...hashes].sort()).toEqual(hashes);
  });

  it("keeps hashing tokens made before the time prefix as plain SHA-256", () => {
    const oldToken = "Zq3kZ0vJ2mB9xQpR7tLw4nYc8sHd1fGa6eKu5oIjX2M";
    expect(hashToken(oldToken)).toBe(createHash("sha256").update(oldToken).digest("hex"));
  });

  it("cannot be matched by changing the time prefix", () => {
    const { token, tokenHash } = createToken(1_800_000_000_000);
    const moved = `${timePrefix(1_800_000_000_001)}${token.slice(9)}`;
    expect(hashToken(moved)).not.toBe(tokenHash);
  });

  it("draws pool bytes that never repeat across refills", () => {
    const seen = new Set<string>();
    for (let index = 0; index < 2000; index++) seen.add(randomBytesFromPool(16).toString("hex"));
    expect(seen.size).toBe(2000);
    expect(randomBytesFromPool(10_000)).toHaveLength(10_000);
  });

  it("makes share codes from the unambiguous alphabet", () => {
    expect(createRefCode()).toMatch(/^[2-9a-hjkmnp-z]{10}$/);
  });
});
