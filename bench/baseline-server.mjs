// The bare baseline of the sign bench (issues 6 and 16): node:http,
// JSON.parse, a few checks, and one INSERT per request into SQLite (WAL, a
// unique email index). No framework, no rate limits, no email: the
// machine's ceiling for "validate and store a signature". SYNC is NORMAL
// (the yardstick issue 16 asks for: a commit per request, synced at
// checkpoints) or FULL (an fsync per request: the yardstick of issue 6).
// Usage: node bench/baseline-server.mjs PORT DATABASE_FILE [NORMAL|FULL]
import http from "node:http";
import Database from "better-sqlite3";

const [port, file, sync = "NORMAL"] = process.argv.slice(2);
if (sync !== "NORMAL" && sync !== "FULL") throw new Error(`SYNC must be NORMAL or FULL, not ${sync}`);
const db = new Database(file);
db.pragma("journal_mode = WAL");
db.pragma(`synchronous = ${sync}`);
db.exec(
  "CREATE TABLE IF NOT EXISTS signatures (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, country TEXT NOT NULL, created_at INTEGER NOT NULL)",
);
const insert = db.prepare("INSERT INTO signatures (email, name, country, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(email) DO NOTHING");
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function answer(response, status, body) {
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  response.end(body);
}

http
  .createServer((request, response) => {
    if (request.method !== "POST") return answer(response, 200, '{"ok":true}');
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return answer(response, 400, '{"error":"json"}');
      }
      const { name, email, country, acceptPrivacy } = body ?? {};
      if (typeof name !== "string" || !name.trim() || name.length > 200) return answer(response, 400, '{"error":"name"}');
      if (typeof email !== "string" || !EMAIL.test(email) || email.length > 254) return answer(response, 400, '{"error":"email"}');
      if (typeof country !== "string" || !/^[A-Z]{2}$/.test(country)) return answer(response, 400, '{"error":"country"}');
      if (acceptPrivacy !== true) return answer(response, 400, '{"error":"acceptPrivacy"}');
      insert.run(email.toLowerCase(), name.trim(), country, Date.now());
      answer(response, 202, '{"status":"pending"}');
    });
  })
  .listen(Number(port), "127.0.0.1");
