/**
 * The stack the end-to-end tests run against, started by Playwright's
 * webServer (`node --import tsx e2e/support/test-stack.ts`):
 *
 * - an SMTP server on 127.0.0.1:E2E_SMTP_PORT that keeps every message it
 *   is sent, parsed;
 * - a JSON API on 127.0.0.1:E2E_MAIL_API_PORT to read them
 *   (`GET /messages?to=<address>`, headers included), to make the SMTP
 *   server refuse an address for good (`POST /refusals?address=<address>`:
 *   `550 5.1.1` at RCPT TO from then on) and to read those refusals
 *   (`GET /refusals?to=<address>`);
 * - the production server as `npm start` runs it (dist/server.js of the
 *   existing build; this builds nothing) on 127.0.0.1:E2E_APP_PORT, with a
 *   fresh database in a temporary folder and SMTP_URL pointing at the SMTP
 *   server above;
 * - Debian's nginx in front of it with the production config (deploy/nginx,
 *   e2e/support/nginx.ts) on 127.0.0.1:E2E_NGINX_PORT (and its plain-HTTP
 *   redirect on E2E_NGINX_PLAIN_PORT), so the journeys that depend on the
 *   proxy (client address, rate limits, body limit, cached letter page) run
 *   through it; the server has TRUST_PROXY=1, as in production.
 *
 * Everything listens on loopback only. On SIGTERM/SIGINT it stops the
 * production server and nginx and removes the temporary folder; it exits if
 * either of them dies.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import PostalMime from "postal-mime";
import { SMTPServer } from "smtp-server";
import { startNginx } from "./nginx";
import { ORGANIZER_PASSWORD, ORGANIZERS } from "./organizer-accounts";
import { SERVER_NODE_FLAGS } from "../../scripts/server-node-flags";

export type CaughtEmail = {
  /** Envelope recipients, lower-cased. */
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** Header names lower-cased, values unfolded (List-Unsubscribe, …). */
  headers: Record<string, string>;
  receivedAt: string;
};

export type CaughtRefusal = { to: string; code: number; at: string };

const MAX_MESSAGE_BYTES = 1024 * 1024;
const HOST = "127.0.0.1";

function requirePort(name: string): number {
  const port = Number(process.env[name]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`[test-stack] ${name} must be a port number (playwright.config.ts sets it), got ${JSON.stringify(process.env[name])}`);
    process.exit(2);
  }
  return port;
}

const appPort = requirePort("E2E_APP_PORT");
const smtpPort = requirePort("E2E_SMTP_PORT");
const mailApiPort = requirePort("E2E_MAIL_API_PORT");
const nginxPort = requirePort("E2E_NGINX_PORT");
const nginxPlainPort = requirePort("E2E_NGINX_PLAIN_PORT");

const messages: CaughtEmail[] = [];
const refusals: CaughtRefusal[] = [];
/** Addresses the SMTP server refuses for good (a test asks for it through the mail API). */
const refused = new Set<string>();

// (a) The SMTP server: no TLS, no auth needed, loopback only.
const smtp = new SMTPServer({
  banner: "undersigned e2e mail catcher",
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  size: MAX_MESSAGE_BYTES,
  logger: false,
  onRcptTo(address, _session, callback) {
    const to = address.address.toLowerCase();
    if (!refused.has(to)) return callback();
    refusals.push({ to, code: 550, at: new Date().toISOString() });
    callback(Object.assign(new Error("5.1.1 No such mailbox here"), { responseCode: 550 }));
  },
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("error", (error) => callback(error));
    stream.on("end", () => {
      if ((stream as { sizeExceeded?: boolean }).sizeExceeded) {
        const error = Object.assign(new Error("Message exceeds the size limit"), { responseCode: 552 });
        callback(error);
        return;
      }
      const to = session.envelope.rcptTo.map((recipient) => recipient.address.toLowerCase());
      PostalMime.parse(Buffer.concat(chunks))
        .then((email) => {
          messages.push({
            to,
            subject: email.subject ?? "",
            text: email.text ?? "",
            html: email.html ?? "",
            messageId: email.messageId ?? "",
            headers: Object.fromEntries(email.headers.map((header) => [header.key.toLowerCase(), header.value])),
            receivedAt: new Date().toISOString(),
          });
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    });
  },
});
smtp.on("error", (error) => console.error("[test-stack] smtp:", error.message));

// (b) The mail API the tests read.
const mailApi = http.createServer((request, response) => {
  const url = new URL(request.url ?? "/", `http://${HOST}`);
  const to = url.searchParams.get("to")?.trim().toLowerCase();
  const answer = (body: unknown) => {
    response.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
    response.end(JSON.stringify(body));
  };
  if (request.method === "GET" && url.pathname === "/messages") return answer(to ? messages.filter((message) => message.to.includes(to)) : messages);
  if (request.method === "GET" && url.pathname === "/refusals") return answer(to ? refusals.filter((refusal) => refusal.to === to) : refusals);
  const address = url.searchParams.get("address")?.trim().toLowerCase();
  if (request.method === "POST" && url.pathname === "/refusals" && address) {
    refused.add(address);
    return answer({ refused: address });
  }
  response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
});

// (c) The production server.
const dataDir = process.env.E2E_DATA_DIR || fs.mkdtempSync(path.join(os.tmpdir(), "undersigned-e2e-"));
fs.mkdirSync(dataDir, { recursive: true });
let app: ChildProcess | undefined;
let nginx: ChildProcess | undefined;
let stopping = false;

function cleanUp(): void {
  fs.rmSync(dataDir, { recursive: true, force: true });
}

function stop(code: number): void {
  if (stopping) return;
  stopping = true;
  smtp.close(() => undefined);
  mailApi.close();
  if (nginx && nginx.exitCode === null && nginx.signalCode === null) nginx.kill("SIGTERM");
  if (app && app.exitCode === null && app.signalCode === null) {
    app.once("exit", () => {
      cleanUp();
      process.exit(code);
    });
    app.kill("SIGTERM");
    setTimeout(() => {
      app?.kill("SIGKILL");
      cleanUp();
      process.exit(code);
    }, 5_000).unref();
  } else {
    cleanUp();
    process.exit(code);
  }
}

process.on("SIGTERM", () => stop(0));
process.on("SIGINT", () => stop(0));
process.on("exit", () => {
  if (app && app.exitCode === null && app.signalCode === null) app.kill("SIGKILL");
  if (nginx && nginx.exitCode === null && nginx.signalCode === null) nginx.kill("SIGKILL");
});

function listen(server: { listen(port: number, host: string, callback: () => void): unknown; once(event: "error", listener: (error: Error) => void): unknown }, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, HOST, () => resolve());
  });
}

/** Creates the e2e organizer accounts with the same command an operator uses (scripts/user.ts). */
async function createOrganizers(): Promise<void> {
  for (const { email, role } of Object.values(ORGANIZERS)) {
    await new Promise<void>((resolve, reject) => {
      const cli = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/user.ts", "create", "--email", email, "--role", role, "--password-stdin"], {
        cwd: process.cwd(),
        stdio: ["pipe", "inherit", "inherit"],
        env: { ...process.env, NODE_ENV: "production", DATABASE_URL: `file:${path.join(dataDir, "e2e.db")}` },
      });
      cli.stdin?.end(`${ORGANIZER_PASSWORD}\n`);
      cli.once("error", reject);
      cli.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`user create ${email} exited with ${code}`))));
    });
  }
}

async function main(): Promise<void> {
  await listen(smtp.server, smtpPort);
  await listen(mailApi, mailApiPort);
  console.log(`[test-stack] SMTP on ${HOST}:${smtpPort}, mail API on http://${HOST}:${mailApiPort}, data in ${dataDir}`);

  await createOrganizers();

  // nginx's workers run as another user when the stack runs as root: they may pass through, not list.
  fs.chmodSync(dataDir, 0o711);
  nginx = await startNginx({ appPort, port: nginxPort, plainPort: nginxPlainPort, dir: path.join(dataDir, "nginx") });
  nginx.on("exit", (code, signal) => {
    if (stopping) return;
    console.error(`[test-stack] nginx exited (${signal ?? code}); stopping`);
    stop(1);
  });
  console.log(`[test-stack] nginx (deploy/nginx) on http://${HOST}:${nginxPort}`);

  // The production server exactly as `npm start` runs it (dist/server.js, built by `npm run build`).
  app = spawn(process.execPath, [...SERVER_NODE_FLAGS, path.join(process.cwd(), "dist", "server.js")], {
    cwd: process.cwd(),
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      HOSTNAME: HOST,
      PORT: String(appPort),
      DATABASE_URL: `file:${path.join(dataDir, "e2e.db")}`,
      SMTP_URL: `smtp://${HOST}:${smtpPort}`,
      APP_URL: `http://${HOST}:${appPort}`,
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      MAIL_FROM: "no-reply@example.test",
      NEXT_TELEMETRY_DISABLED: "1",
      // The suite signs hundreds of times from 127.0.0.1 and fills forms in
      // milliseconds: raise the sign rate limits and skip only the minimum
      // fill time; the honeypot stays on (README, decision 0011).
      SIGN_RATE_LIMIT_SCALE: "100",
      BOT_CHECK_MIN_FILL_SECONDS: "0",
      // nginx (above) is one hop in front, as in production (deploy/README.md).
      TRUST_PROXY: "1",
      // The daily backup of the maintenance run (decision 0019), checked by its own spec.
      BACKUP_DIR: path.join(dataDir, "backups"),
      // Mailings go out unthrottled here (the throttle has its unit tests).
      MAIL_RATE_PER_MINUTE: "0",
    },
  });
  app.on("exit", (code, signal) => {
    if (stopping) return;
    console.error(`[test-stack] the server exited (${signal ?? code}); stopping`);
    stop(1);
  });
}

main().catch((error: unknown) => {
  console.error("[test-stack] could not start:", error instanceof Error ? error.message : error);
  stop(1);
});
