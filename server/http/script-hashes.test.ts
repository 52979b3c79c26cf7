import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { inlineScriptHashes, withScriptHashes } from "./script-hashes";

const sha = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

describe("hash-based script policy", () => {
  it("hashes each inline script exactly as written, once, and skips external ones", () => {
    const first = "(self.__next_f=self.__next_f||[]).push([0])";
    const second = 'self.__next_f.push([1,"Анна \\u003cb\\u003e"])\n';
    const html = `<html><head><script src="/_next/static/a.js" async=""></script><SCRIPT>${first}</SCRIPT></head><body><script nonce="x">${second}</script><script>${first}</script><script type="module" src='/b.js'></script><script></script></body></html>`;
    expect(inlineScriptHashes(html)).toEqual([sha(first), sha(second), sha("")]);
  });

  it("replaces only script-src, keeping every other directive", () => {
    const policy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; frame-ancestors *";
    expect(withScriptHashes(policy, ["'sha256-abc'"])).toBe(
      "default-src 'self'; script-src 'self' 'sha256-abc'; style-src 'self' 'unsafe-inline'; frame-ancestors *",
    );
    expect(withScriptHashes("default-src 'self'", [])).toBe("default-src 'self'; script-src 'self'");
  });
});
