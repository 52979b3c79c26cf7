import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

/**
 * End-to-end tests against the production build (`npm run build` first),
 * in Debian's Chromium, with a real SMTP server on loopback catching the
 * emails and Debian's nginx with the production config in front
 * (e2e/support/test-stack.ts starts them and the production server, `npm start`'s dist/server.js).
 */

/** A port that is free right now on 127.0.0.1 (asked of the OS, synchronously). */
function pickFreePort(): string {
  return execFileSync(
    process.execPath,
    ["-e", "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"],
    { encoding: "utf8" },
  ).trim();
}

// Picked once, in the main process; the workers inherit the environment and
// so see the same ports.
for (const name of ["E2E_APP_PORT", "E2E_SMTP_PORT", "E2E_MAIL_API_PORT", "E2E_NGINX_PORT", "E2E_NGINX_PLAIN_PORT"] as const) {
  if (!process.env[name]) process.env[name] = pickFreePort();
}

// The server's fresh database folder, also picked here so tests can read the
// database (read-only) to check what no public page shows, such as row counts.
process.env.E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "undersigned-e2e-"));

const baseURL = `http://127.0.0.1:${process.env.E2E_APP_PORT}`;

export default defineConfig({
  testDir: "e2e",
  // The tests share one server and its live counter: one at a time.
  workers: 1,
  fullyParallel: false,
  // On CI one retry, in a fresh browser: a Chromium that stops producing
  // frames fails a test for reasons outside the app (decision 0028). A test
  // that needed it is listed as flaky; locally a failure is a failure.
  retries: process.env.CI ? 1 : 0,
  forbidOnly: true,
  reporter: "list",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    browserName: "chromium",
    baseURL,
    locale: "en-GB",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
      ],
    },
  },
  webServer: {
    command: "node --import tsx e2e/support/test-stack.ts",
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    // SIGTERM lets the stack stop the production server and remove its temporary database.
    gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
  },
});
