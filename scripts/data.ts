// Personal data and retention, from the command line (operators only):
//   npm run data -- maintenance [--task NAME]...      run the server's hourly maintenance now (all tasks, or these:
//                                                     rotateHashKeys, purgeUnconfirmed, remindUnconfirmed, sendDigests,
//                                                     expireRows, checkpoint, backup)
//   npm run data -- purge-unconfirmed [--days N]      delete signatures never confirmed (default UNCONFIRMED_RETENTION_DAYS, 30)
//   npm run data -- anonymise --yes                    closed campaign: erase all personal data, keep every count
//   npm run data -- export-person --email E            print what is stored about one address (JSON)
//   npm run data -- erase-person --email E             erase one person's signature on request, as their withdrawal link would
// The maintenance command runs the same code as the server's schedule, under the same lease, and is
// logged in the same table (decision 0019).
import { parseArgs } from "node:util";
import { SYSTEM } from "../server/auth/actor";
import { MAINTENANCE_TASKS, runMaintenance, type MaintenanceTask } from "../server/maintenance/run-maintenance";
import { anonymiseAllSignatures, erasePersonalData, exportPersonalData, purgeUnconfirmedSignatures } from "../server/privacy/retention";
import { printUsage, runCommand } from "./run-command";

const USAGE =
  "usage: data maintenance [--task NAME]... | purge-unconfirmed [--days N] | anonymise --yes | export-person --email E | erase-person --email E";

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: { days: { type: "string" }, email: { type: "string" }, yes: { type: "boolean", default: false }, task: { type: "string", multiple: true } },
  });
  switch (command) {
    case "maintenance": {
      const unknown = (values.task ?? []).filter((task) => !(MAINTENANCE_TASKS as readonly string[]).includes(task));
      if (unknown.length > 0) throw new Error(`unknown task ${unknown.join(", ")} (tasks: ${MAINTENANCE_TASKS.join(", ")})`);
      const report = await runMaintenance({ trigger: "manual", tasks: values.task as MaintenanceTask[] | undefined });
      if (!report.ran) throw new Error("another process is running maintenance now: try again in a minute");
      console.log(JSON.stringify(report.results, null, 2));
      if (report.results.some((result) => result.outcome === "failed")) process.exitCode = 1;
      return;
    }
    case "purge-unconfirmed": {
      const days = values.days === undefined ? undefined : Number(values.days);
      if (days !== undefined && (!Number.isInteger(days) || days < 1)) throw new Error("--days must be a whole number of days, 1 or more");
      console.log(JSON.stringify(purgeUnconfirmedSignatures({ actor: SYSTEM, days })));
      return;
    }
    case "anonymise": {
      if (!values.yes) throw new Error("this erases every signer's personal data from the database: add --yes");
      console.log(JSON.stringify(anonymiseAllSignatures({ actor: SYSTEM })));
      return;
    }
    case "export-person": {
      if (!values.email) throw new Error("--email is required");
      console.log(JSON.stringify(exportPersonalData({ actor: SYSTEM, email: values.email }), null, 2));
      return;
    }
    case "erase-person": {
      if (!values.email) throw new Error("--email is required");
      console.log(JSON.stringify(erasePersonalData({ actor: SYSTEM, email: values.email })));
      return;
    }
    default:
      printUsage(USAGE);
  }
}

runCommand(main);
