// The browser half of the proof of work (decision 0011): fetch a challenge
// from GET /api/v1/challenge and find the number whose SHA-256(salt + number)
// is the challenge, in small batches so the page never stops responding.
// No widget: altcha's would cost more than the letter page's JS budget. A
// plain-JS SHA-256 is used, not crypto.subtle: each subtle call is a round
// trip to another thread (tens of µs), which would make the search several
// times slower than the hashing itself.

type Challenge = { algorithm: string; challenge: string; maxnumber?: number; salt: string; signature: string };

const BATCH = 2_000;
const DEFAULT_MAX_NUMBER = 1_000_000;

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
  0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
  0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const W = new Uint32Array(64);
const H = new Uint32Array(8);

/** A typed-array read: the index is always in range here. */
const at = (array: Uint32Array, index: number) => array[index] as number;

/** SHA-256 of an ASCII string, as eight 32-bit words (in H). */
function sha256Ascii(text: string): Uint32Array {
  const length = text.length;
  const blocks = ((length + 8) >> 6) + 1;
  const words = new Uint32Array(blocks * 16);
  for (let i = 0; i < length; i += 1) words[i >> 2] = at(words, i >> 2) | ((text.charCodeAt(i) & 0xff) << (24 - (i & 3) * 8));
  words[length >> 2] = at(words, length >> 2) | (0x80 << (24 - (length & 3) * 8));
  words[blocks * 16 - 1] = length * 8;
  H.set([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  for (let block = 0; block < blocks; block += 1) {
    for (let t = 0; t < 16; t += 1) W[t] = at(words, block * 16 + t);
    for (let t = 16; t < 64; t += 1) {
      const w15 = at(W, t - 15);
      const w2 = at(W, t - 2);
      const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      W[t] = (at(W, t - 16) + s0 + at(W, t - 7) + s1) | 0;
    }
    let a = at(H, 0);
    let b = at(H, 1);
    let c = at(H, 2);
    let d = at(H, 3);
    let e = at(H, 4);
    let f = at(H, 5);
    let g = at(H, 6);
    let h = at(H, 7);
    for (let t = 0; t < 64; t += 1) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + at(K, t) + at(W, t)) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    const state = [a, b, c, d, e, f, g, h];
    for (let i = 0; i < 8; i += 1) H[i] = at(H, i) + (state[i] as number);
  }
  return H;
}

async function solve(challenge: Challenge): Promise<number | null> {
  if (!/^[0-9a-f]{64}$/.test(challenge.challenge)) return null;
  const target = Uint32Array.from({ length: 8 }, (_, i) => parseInt(challenge.challenge.slice(i * 8, i * 8 + 8), 16));
  const max = challenge.maxnumber ?? DEFAULT_MAX_NUMBER;
  for (let start = 0; start <= max; start += BATCH) {
    const end = Math.min(max, start + BATCH - 1);
    for (let number = start; number <= end; number += 1) {
      const digest = sha256Ascii(challenge.salt + number);
      if (digest[0] === target[0] && digest.every((word, i) => word === target[i])) return number;
    }
    // Yield to the event loop between batches: typing and clicks stay instant.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return null;
}

/**
 * Fetches and solves a challenge; resolves to altcha's payload (base64 JSON
 * of algorithm, challenge, number, salt, signature), or null when the
 * challenge could not be fetched or solved (the server then says so).
 */
export async function solveProofOfWork(endpoint = "/api/v1/challenge"): Promise<string | null> {
  try {
    const response = await fetch(endpoint, { cache: "no-store", credentials: "same-origin" });
    if (!response.ok) return null;
    const challenge = (await response.json()) as Challenge;
    if (challenge.algorithm !== "SHA-256" || /[^\x20-\x7e]/.test(challenge.salt)) return null;
    const number = await solve(challenge);
    if (number === null) return null;
    const { algorithm, salt, signature } = challenge;
    return btoa(JSON.stringify({ algorithm, challenge: challenge.challenge, number, salt, signature }));
  } catch {
    return null;
  }
}
