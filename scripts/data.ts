// Personal data and retention, from the command line (operators only):
//   npm run data -- purge-unconfirmed [--days N]      delete signatures never confirmed (default UNCONFIRMED_RETENTION_DAYS or 14)
//   npm run data -- anonymise --yes                    closed campaign: erase all personal data, keep every count
//   npm run data -- export-person --email E            print what is stored about one address (JSON)
// Deleting one person's data on request: use their withdrawal link, or `npm run data -- delete-person --email E`
// once withdrawal is available from the command line.
import { parseArgs } from "node:util";
import { SYSTEM } from "../server/auth/actor";
import { isAppError } from "../server/errors";
import { anonymiseAllSignatures, exportPersonalData, purgeUnconfirmedSignatures } from "../server/privacy/retention";

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({ args: rest, options: { days: { type: "string" }, email: { type: "string" }, yes: { type: "boolean", default: false } } });
  switch (command) {
    case "purge-unconfirmed": {
      const days = values.days === undefined ? undefined : Number(values.days);
      if (days !== undefined && (!Number.isInteger(days) || days < 1)) throw new Error("--days must be a whole number of days, 1 or more");
      console.log(JSON.stringify(purgeUnconfirmedSignatures({ actor: SYSTEM, days })));
      return;
    }
    case "anonymise": {
      if (!values.yes) throw new Error("this erases every signer's personal data for good: add --yes");
      console.log(JSON.stringify(anonymiseAllSignatures({ actor: SYSTEM })));
      return;
    }
    case "export-person": {
      if (!values.email) throw new Error("--email is required");
      console.log(JSON.stringify(exportPersonalData({ actor: SYSTEM, email: values.email }), null, 2));
      return;
    }
    default:
      console.error("usage: data purge-unconfirmed [--days N] | anonymise --yes | export-person --email E");
      process.exitCode = 2;
  }
}

main().catch((error: unknown) => {
  console.error(isAppError(error) ? `error: ${error.messageKey}` : `error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
