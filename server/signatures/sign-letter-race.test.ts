import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "@/db/client";
import { setUpTestDatabase } from "@/test/database";

const SIGNER = path.resolve(__dirname, "../../test/workers/sign-in-process.ts");

function startSigner(databaseUrl: string, email: string, count: number): { child: ChildProcess; ready: Promise<void>; done: Promise<void> } {
  const child = fork(SIGNER, [databaseUrl, email, String(count)], {
    // tsx for TypeScript and the @/ paths; react-server makes `server-only` resolve as it does in Next.
    execArgv: ["--import", "tsx", "--conditions=react-server"],
    env: { ...process.env, NODE_ENV: "test" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("error", reject);
  });
  const done = new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`signer exited with ${code}`))));
  });
  return { child, ready, done };
}

describe("racing signatures from separate processes", () => {
  let filePath: string;
  setUpTestDatabase((opened) => ({ filePath } = opened), { file: true });

  it("the same address submitted at once by four processes makes exactly one row", async () => {
    const signers = Array.from({ length: 4 }, () => startSigner(`file:${filePath}`, "racer@example.org", 12));
    await Promise.all(signers.map((signer) => signer.ready));
    for (const signer of signers) signer.child.send("go");
    await Promise.all(signers.map((signer) => signer.done));

    const check = openDatabase(`file:${filePath}`);
    const rows = check.$client.prepare("select count(*) as n from signatures where email_key = 'racer@example.org'").get() as { n: number };
    const emails = check.$client.prepare("select count(*) as n from mail_outbox").get() as { n: number };
    const integrity = check.$client.pragma("integrity_check", { simple: true });
    check.$client.close();
    expect(rows.n).toBe(1);
    expect(emails.n).toBe(3);
    expect(integrity).toBe("ok");
  });
});
