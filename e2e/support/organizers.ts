import { spawn } from "node:child_process";
import path from "node:path";
import { expect, type Page } from "@playwright/test";

import { ORGANIZER_PASSWORD, ORGANIZERS } from "./organizer-accounts";

export { ORGANIZER_PASSWORD, ORGANIZERS };

/**
 * Sends the login form; what comes next (the dashboard, a code prompt, a
 * refusal) is the caller's to check. `baseUrl` is for a spec's own server.
 */
export async function submitLogin(page: Page, email: string, password: string, baseUrl = ""): Promise<void> {
  await page.goto(`${baseUrl}/admin/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Signs in through the login page and waits for the dashboard. */
export async function signIn(page: Page, email: string, password: string, baseUrl = ""): Promise<void> {
  await submitLogin(page, email, password, baseUrl);
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
}

/** Signs in as one of the accounts the test stack creates. */
export async function signInAs(page: Page, who: keyof typeof ORGANIZERS): Promise<void> {
  await signIn(page, ORGANIZERS[who].email, ORGANIZER_PASSWORD);
}

/**
 * The owner creates an organizer account on the Organizers page, as an
 * owner does, and sees it confirmed; leaves `page` signed in as the owner.
 */
export async function addOrganizerAsOwner(page: Page, account: { email: string; password: string; role: "admin" | "viewer" }): Promise<void> {
  await signInAs(page, "owner");
  await page.getByRole("link", { name: "Organizers", exact: true }).click();
  await page.getByLabel("Email", { exact: true }).fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByLabel("Role", { exact: true }).selectOption(account.role);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("status")).toHaveText("Account created.");
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
