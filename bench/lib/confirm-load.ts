import { spawnSync } from "node:child_process";
import path from "node:path";

/**
 * Confirmation tokens from the confirmation emails the sign load queued: the
 * bench has no SMTP, so a child process sends up to `limit` of them as the
 * outbox sender does (its claim makes the links, decision 0029) and keeps
 * their confirm links, the same links a signer would click.
 */
export function readConfirmTokens(databasePath: string, limit: number): string[] {
  const appDir = path.resolve(__dirname, "../..");
  const result = spawnSync(
    path.join(appDir, "node_modules/.bin/tsx"),
    ["--conditions=react-server", path.join(appDir, "bench/lib/send-confirmation-emails.ts"), databasePath, String(limit)],
    { cwd: appDir, encoding: "utf8", maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "inherit"] },
  );
  if (result.status !== 0) throw new Error(`sending the queued confirmation emails failed (exit ${result.status})`);
  return JSON.parse(result.stdout) as string[];
}

export type ConfirmLoadSummary = {
  concurrency: number;
  durationSeconds: number;
  /** Whole flows that ended on the "confirmed" page. */
  confirmed: number;
  confirmedPerSec: number;
  /** HTTP requests made (three per confirmation). */
  requests: number;
  /** Latency of one whole flow: the page, the button, the page it redirects to. */
  flowP50Ms: number;
  flowP99Ms: number;
  failures: number;
  firstFailure: string | null;
  tokensLeftUnused: number;
};

const FORM_ACTION = /<form action="(\/api\/v1\/confirmations)" method="post">/;

/**
 * Signers confirming, the way a browser does it (with or without
 * JavaScript, the form is the same): GET /en/confirm?token=…, submit the
 * page's form (POST /api/v1/confirmations), follow the 303 to /en/confirmed. `concurrency` signers at once, each token used once, for
 * `durationSeconds` or until the tokens run out.
 */
export async function runConfirmFlows(options: {
  baseUrl: string;
  tokens: string[];
  concurrency: number;
  durationSeconds: number;
}): Promise<ConfirmLoadSummary> {
  const { baseUrl, tokens, concurrency } = options;
  const deadline = performance.now() + options.durationSeconds * 1000;
  const latencies: number[] = [];
  let next = 0;
  let requests = 0;
  let failures = 0;
  let firstFailure: string | null = null;
  const fail = (reason: string) => {
    failures += 1;
    firstFailure ??= reason;
  };

  const confirmOne = async (token: string) => {
    const started = performance.now();
    const pageUrl = `${baseUrl}/en/confirm?token=${token}`;
    requests += 1;
    const page = await fetch(pageUrl, { headers: { "accept-language": "en" } });
    const html = await page.text();
    const action = FORM_ACTION.exec(html)?.[1];
    if (page.status !== 200 || !action || !html.includes(`value="${token}"`)) return fail(`confirm page: ${page.status}${action ? "" : ", no form"}`);
    requests += 1;
    const pressed = await fetch(`${baseUrl}${action}`, {
      method: "POST",
      body: new URLSearchParams({ token, locale: "en" }),
      redirect: "manual",
      headers: { origin: baseUrl },
    });
    await pressed.arrayBuffer();
    const location = pressed.headers.get("location") ?? "";
    if (pressed.status !== 303 || !location.startsWith("/en/confirmed")) return fail(`button: ${pressed.status} → ${location || "no location"}`);
    requests += 1;
    const confirmed = await fetch(`${baseUrl}${location}`, { headers: { "accept-language": "en" } });
    await confirmed.arrayBuffer();
    if (confirmed.status !== 200) return fail(`confirmed page: ${confirmed.status}`);
    latencies.push(performance.now() - started);
  };

  const signer = async () => {
    while (performance.now() < deadline && next < tokens.length) {
      const token = tokens[next++]!;
      try {
        await confirmOne(token);
      } catch (error) {
        fail(error instanceof Error ? error.message : String(error));
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, signer));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0) * 10) / 10;
  return {
    concurrency,
    durationSeconds: Math.round(seconds * 100) / 100,
    confirmed: latencies.length,
    confirmedPerSec: Math.round((latencies.length / seconds) * 10) / 10,
    requests,
    flowP50Ms: percentile(0.5),
    flowP99Ms: percentile(0.99),
    failures,
    firstFailure,
    tokensLeftUnused: tokens.length - next,
  };
}
