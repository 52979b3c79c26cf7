import path from "node:path";
import { build } from "esbuild";
import { chromium } from "@playwright/test";

/**
 * How long the sign form's proof of work takes in a browser (issue 5: "about
 * a second on a cheap phone"). No phone here: Chromium's CPU throttling
 * stands in for one (Lighthouse's mobile profile is 4× slower than the
 * machine it runs on; 6× and 10× stand for cheaper phones). The form's own
 * solver (components/sign/proof-of-work.ts, bundled as it is) fetches and
 * solves real challenges from the running server, on the letter page.
 */
export type PowBenchReport = {
  solvesPerRate: number;
  rates: { cpuSlowdown: number; meanMs: number; p50Ms: number; p90Ms: number; maxMs: number; failed: number }[];
};

export async function runPowBench(options: { appDir: string; baseUrl: string; solves: number; rates: number[]; log: (line: string) => void }): Promise<PowBenchReport> {
  const bundled = await build({
    entryPoints: [path.join(options.appDir, "components/sign/proof-of-work.ts")],
    bundle: true,
    format: "iife",
    globalName: "undersignedProofOfWork",
    platform: "browser",
    target: "es2020",
    write: false,
  });
  const solverSource = bundled.outputFiles[0]!.text;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium" });
  try {
    const rates: PowBenchReport["rates"] = [];
    for (const rate of options.rates) {
      const page = await browser.newPage({ baseURL: options.baseUrl });
      const cdp = await page.context().newCDPSession(page);
      await page.goto("/en", { waitUntil: "networkidle" });
      // Evaluated over CDP, which the page's script policy does not apply to.
      await page.evaluate(`${solverSource};window.undersignedProofOfWork = undersignedProofOfWork;`);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate });
      const times: number[] = [];
      let failed = 0;
      for (let index = 0; index < options.solves; index++) {
        const { ms, ok } = await page.evaluate(async () => {
          const started = performance.now();
          const solver = (window as unknown as { undersignedProofOfWork: { solveProofOfWork: () => Promise<string | null> } }).undersignedProofOfWork;
          const payload = await solver.solveProofOfWork();
          return { ms: performance.now() - started, ok: payload !== null };
        });
        if (ok) times.push(ms);
        else failed += 1;
      }
      await page.close();
      times.sort((a, b) => a - b);
      const at = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor(times.length * p))] ?? 0);
      const report = {
        cpuSlowdown: rate,
        meanMs: Math.round(times.reduce((sum, ms) => sum + ms, 0) / Math.max(1, times.length)),
        p50Ms: at(0.5),
        p90Ms: at(0.9),
        maxMs: Math.round(times.at(-1) ?? 0),
        failed,
      };
      options.log(`proof of work at ${rate}× CPU slowdown: mean ${report.meanMs} ms, p50 ${report.p50Ms}, p90 ${report.p90Ms}, max ${report.maxMs} (${times.length} solves)`);
      rates.push(report);
    }
    return { solvesPerRate: options.solves, rates };
  } finally {
    await browser.close();
  }
}
