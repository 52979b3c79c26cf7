import { randomBytes } from "node:crypto";
import { expect } from "@playwright/test";
import type { CaughtEmail, CaughtRefusal } from "./test-stack";

export type { CaughtEmail, CaughtRefusal };

function mailApiUrl(): string {
  const port = process.env.E2E_MAIL_API_PORT;
  if (!port) throw new Error("E2E_MAIL_API_PORT is not set: run the tests with `npx playwright test`");
  return `http://127.0.0.1:${port}`;
}

/** Every email the test SMTP server caught for `to` (any case), oldest first. */
export async function listEmails(to: string): Promise<CaughtEmail[]> {
  const response = await fetch(`${mailApiUrl()}/messages?to=${encodeURIComponent(to.toLowerCase())}`);
  if (!response.ok) throw new Error(`mail API answered ${response.status}`);
  return (await response.json()) as CaughtEmail[];
}

/** From now on the test SMTP server refuses `address` for good (550 5.1.1 at RCPT TO), as a mailbox that no longer exists. */
export async function refuseMailTo(address: string): Promise<void> {
  const response = await fetch(`${mailApiUrl()}/refusals?address=${encodeURIComponent(address.toLowerCase())}`, { method: "POST" });
  if (!response.ok) throw new Error(`mail API answered ${response.status}`);
}

/** Every time the test SMTP server refused mail to `to`. */
export async function listRefusals(to: string): Promise<CaughtRefusal[]> {
  const response = await fetch(`${mailApiUrl()}/refusals?to=${encodeURIComponent(to.toLowerCase())}`);
  if (!response.ok) throw new Error(`mail API answered ${response.status}`);
  return (await response.json()) as CaughtRefusal[];
}

/**
 * Waits until at least `count` emails to `to` that match `predicate` have
 * arrived, and returns them (oldest first).
 */
export async function waitForEmails(
  to: string,
  options: { count: number; predicate?: (email: CaughtEmail) => boolean; timeout?: number },
): Promise<CaughtEmail[]> {
  let found: CaughtEmail[] = [];
  await expect
    .poll(
      async () => {
        found = (await listEmails(to)).filter((email) => !options.predicate || options.predicate(email));
        return found.length;
      },
      { message: `${options.count} email(s) to ${to}`, timeout: options.timeout ?? 15_000 },
    )
    .toBeGreaterThanOrEqual(options.count);
  return found;
}

/** Waits for the first email to `to` that matches `predicate` (any email without one). */
export async function waitForEmail(
  to: string,
  predicate?: (email: CaughtEmail) => boolean,
  options: { timeout?: number } = {},
): Promise<CaughtEmail> {
  const [email] = await waitForEmails(to, { count: 1, predicate, timeout: options.timeout });
  return email!;
}

/** The first http(s) link in `text` whose URL contains `pathPart`. */
export function extractLink(text: string, pathPart: string): string {
  const links = text.match(/https?:\/\/[^\s<>"')]+/g) ?? [];
  const link = links.find((candidate) => candidate.includes(pathPart));
  if (!link) throw new Error(`No link containing ${JSON.stringify(pathPart)} in:\n${text}`);
  return link;
}

/** A fresh address nobody used before: `e2e-<tag>-<random>@example.test`. */
export function uniqueEmail(tag: string): string {
  return `e2e-${tag}-${randomBytes(5).toString("hex")}@example.test`;
}
