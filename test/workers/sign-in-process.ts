// A second server process in miniature: its own SQLite connection; waits
// for "go", then signs `count` times through the sign path's entry and
// reports back.
import { openDatabase } from "@/db/client";
import { submitTestSignature } from "@/test/factories";

const [databaseUrl = "", email = "", count = "1"] = process.argv.slice(2);
const db = openDatabase(databaseUrl);
process.send?.("ready");
process.once("message", async () => {
  for (let i = 0; i < Number(count); i += 1) {
    const result = await submitTestSignature(db, { name: "Racer", email, country: "UA", now: Date.now() });
    if (result.outcome !== "accepted") throw new Error(`refused: ${result.outcome}`);
  }
  db.$client.close();
  process.send?.("done", () => process.exit(0));
});
