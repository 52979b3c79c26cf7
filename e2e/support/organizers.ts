import { spawn } from "node:child_process";
import path from "node:path";
import { expect, type Page } from "@playwright/test";

import { ORGANIZER_PASSWORD, ORGANIZERS } from "./organizer-accounts";

export { ORGANIZER_PASSWORD, ORGANIZERS };

/** Signs in through the login page and waits for the dashboard. */
export async function signInAs(page: Page, who: keyof typeof ORGANIZERS): Promise<void> {
  await page.goto("/admin/login");
  await page.getByLabel("Email").fill(ORGANIZERS[who].email);
  await page.getByLabel("Password").fill(ORGANIZER_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
}

/**
 * Runs `npm run user -- …` (scripts/user.ts) against the test server's
 * database, as an operator on the server would, while the server runs.
 */
export function runUserCommand(args: string[], stdin = ""): Promise<string> {
  const dataDir = process.env.E2E_DATA_DIR;
  if (!dataDir) throw new Error("E2E_DATA_DIR is not set: run the tests with `npx playwright test`");
  return new Promise((resolve, reject) => {
    const cli = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/user.ts", ...args], {
      cwd: process.cwd(),
      stdio: ["pipe", "pipe", "inherit"],
      env: { ...process.env, NODE_ENV: "production", DATABASE_URL: `file:${path.join(dataDir, "e2e.db")}` },
    });
    let output = "";
    cli.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    cli.stdin?.end(stdin);
    cli.once("error", reject);
    cli.once("exit", (code) => (code === 0 ? resolve(output) : reject(new Error(`user ${args.join(" ")} exited with ${code}`))));
  });
}
