// A second server process in miniature: its own SQLite connection; waits
// for "go", then signs `count` times and reports back.
import { openDatabase } from "@/db/client";
import { parseSignLetter } from "@/lib/schemas/sign-letter";
import { signLetter } from "@/server/signatures/sign-letter";

const [databaseUrl = "", email = "", count = "1"] = process.argv.slice(2);
const db = openDatabase(databaseUrl);
const parsed = parseSignLetter({ name: "Racer", email, country: "UA", acceptPrivacy: true });
if (!parsed.success) throw new Error("bad input");
process.send?.("ready");
process.once("message", () => {
  for (let i = 0; i < Number(count); i += 1) signLetter({ data: parsed.data, db });
  db.$client.close();
  process.send?.("done", () => process.exit(0));
});
