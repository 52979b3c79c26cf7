/**
 * Prepares and confirms the mailing of one update in a bench database, as
 * an organizer's two clicks do, with the production domain functions (the
 * command line's actor). Run as a child process of the bench, beside the
 * running server, which picks the mailing up:
 *   node --import tsx --conditions=react-server bench/lib/fanout-trigger.ts <database file> <update id>
 * Prints { mailingId, recipientCount, prepareMs } as JSON.
 */
import { openDatabase } from "../../db/client";
import { SYSTEM } from "../../server/auth/actor";
import { confirmMailing } from "../../server/mailings/mailing-lifecycle";
import { prepareMailing } from "../../server/mailings/prepare-mailing";

const [databasePath, updateIdArgument] = process.argv.slice(2);
if (!databasePath || !updateIdArgument) {
  process.stderr.write("usage: fanout-trigger.ts <database file> <update id>\n");
  process.exit(2);
}
const db = openDatabase(`file:${databasePath}`);
const started = performance.now();
const { mailingId, recipientCount } = prepareMailing({ actor: SYSTEM, updateId: Number(updateIdArgument), db });
const prepareMs = Math.round(performance.now() - started);
confirmMailing({ actor: SYSTEM, mailingId, db });
db.$client.close();
process.stdout.write(`${JSON.stringify({ mailingId, recipientCount, prepareMs })}\n`);
