import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { SMTPServer } from "smtp-server";
import { SERVER_NODE_FLAGS } from "../../scripts/server-node-flags";

// A production server of a test's own (dist/server.js, as `npm start` runs
// it), with its own database, for tests that kill it or take its mail away:
// the shared stack must not be disturbed.

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Debian's libfaketime (package faketime), preloaded to start a server with its clock moved (LIBFAKETIME_PATH if elsewhere). */
function findLibfaketime(): string {
  const candidates = [process.env.LIBFAKETIME_PATH, `/usr/lib/${process.arch === "arm64" ? "aarch64" : "x86_64"}-linux-gnu/faketime/libfaketime.so.1`, "/usr/lib/faketime/libfaketime.so.1"];
  const found = candidates.find((candidate) => candidate && fs.existsSync(candidate));
  if (!found) throw new Error("libfaketime is missing: apt-get install faketime (or set LIBFAKETIME_PATH)");
  return found;
}

export type OwnServer = {
  baseUrl: string;
  databasePath: string;
  /**
   * `fakeTime` (libfaketime's FAKETIME: "+49h" for that far ahead, or
   * "@2026-12-08 06:30:00" for that instant, UTC) starts the server with its
   * clock moved, still ticking: the production code as it is, at another
   * time. The `faketime` command is not used: it forks, and `kill()` must
   * reach the server itself.
   */
  start(options?: { fakeTime?: string }): Promise<void>;
  /** SIGKILL: no shutdown code runs, as in a crash or a power cut of the process. */
  kill(): Promise<void>;
  stop(): Promise<void>;
  remove(): void;
};

/** `env` adds to (or overrides) the server's environment, e.g. MAIL_RATE_PER_MINUTE. */
export async function createOwnServer(options: { smtpPort: number; env?: Record<string, string> }): Promise<OwnServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "undersigned-own-"));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const databasePath = path.join(dir, "own.db");
  const authSecret = randomBytes(32).toString("base64url");
  let child: ChildProcess | undefined;

  const exited = () =>
    new Promise<void>((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
    });

  return {
    baseUrl,
    databasePath,
    async start(startOptions: { fakeTime?: string } = {}) {
      const clock = startOptions.fakeTime ? { LD_PRELOAD: findLibfaketime(), FAKETIME: startOptions.fakeTime, TZ: "UTC" } : {};
      child = spawn(process.execPath, [...SERVER_NODE_FLAGS, path.join(process.cwd(), "dist", "server.js")], {
        stdio: ["ignore", "ignore", "inherit"],
        env: {
          ...process.env,
          NODE_ENV: "production",
          HOSTNAME: "127.0.0.1",
          PORT: String(port),
          DATABASE_URL: `file:${databasePath}`,
          APP_URL: baseUrl,
          SMTP_URL: `smtp://127.0.0.1:${options.smtpPort}`,
          MAIL_FROM: "no-reply@example.test",
          AUTH_SECRET: authSecret,
          TRUST_PROXY: "1",
          BOT_CHECK: "off",
          NEXT_TELEMETRY_DISABLED: "1",
          ...options.env,
          ...clock,
        },
      });
      for (let attempt = 0; ; attempt += 1) {
        try {
          const response = await fetch(`${baseUrl}/api/health`);
          if (response.ok) return;
        } catch {
          // not listening yet
        }
        if (attempt > 300 || child.exitCode !== null) throw new Error("the test's own server did not start");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async kill() {
      child?.kill("SIGKILL");
      await exited();
    },
    async stop() {
      child?.kill("SIGTERM");
      await exited();
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Reads the own server's database read-only (after it stopped, or alongside it: WAL). */
export function readDatabase<T>(databasePath: string, read: (db: Database.Database) => T): T {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

export type CaughtMessage = { to: string; messageId: string };

/** A real SMTP server on loopback that records each message's recipient and Message-ID. */
export function createMailCatcher(port: number) {
  const messages: CaughtMessage[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const head = Buffer.concat(chunks).toString("utf8").split(/\r?\n\r?\n/)[0] ?? "";
        const messageId = /^message-id:\s*(.+)$/im.exec(head)?.[1]?.trim() ?? "";
        for (const recipient of session.envelope.rcptTo) messages.push({ to: recipient.address.toLowerCase(), messageId });
        callback();
      });
    },
  });
  // A killed sender cuts its SMTP connections: a reset is expected, not a failure of the test.
  server.on("error", () => undefined);
  let isListening = false;
  return {
    messages,
    listen: () =>
      new Promise<void>((resolve) =>
        server.listen(port, "127.0.0.1", () => {
          isListening = true;
          resolve();
        }),
      ),
    close: () => (isListening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve()),
  };
}

/** Creates an organizer account in a database with the operators' own command (scripts/user.ts), which also creates and migrates it. */
export function createOrganizerAccount(databasePath: string, account: { email: string; role: "owner" | "admin" | "viewer"; password: string }): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cli = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=react-server", "scripts/user.ts", "create", "--email", account.email, "--role", account.role, "--password-stdin"],
      { cwd: process.cwd(), stdio: ["pipe", "ignore", "inherit"], env: { ...process.env, NODE_ENV: "production", DATABASE_URL: `file:${databasePath}` } },
    );
    cli.stdin?.end(`${account.password}\n`);
    cli.once("error", reject);
    cli.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`user create exited with ${code}`))));
  });
}
