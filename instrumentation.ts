// Runs once when the server starts: check the environment, create and
// migrate the database, start the outbox sender and the mailing sender
// (decision 0022). Nothing here runs at build.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { getConfig, printConfigWarningsOnce } = await import("./server/config");
  const { getDb } = await import("./db/client");
  const { startOutboxSender } = await import("./server/mail/outbox-sender");
  const { startMailingSender } = await import("./server/mailings/mailing-sender");
  getConfig();
  printConfigWarningsOnce();
  getDb();
  startOutboxSender();
  startMailingSender();
}
