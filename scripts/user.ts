// Organizer accounts from the command line (an operator with shell access):
//   npm run user:create -- --email E --role owner [--name N] [--password-stdin]
//   npm run user -- list
//   npm run user -- disable --email E | enable --email E
//   npm run user -- role --email E --role admin
//   npm run user -- password --email E [--password-stdin]
//   npm run user -- totp-reset --email E   (lost phone and recovery codes: removes the second factor)
import readline from "node:readline";
import { parseArgs } from "node:util";
import { SYSTEM } from "../server/auth/actor";
import { resetTotp } from "../server/auth/second-factor";
import { createOrganizer, listOrganizers, updateOrganizer } from "../server/users/manage-users";
import { USER_ROLES, type UserRole } from "../lib/organizer-roles";
import { printUsage, runCommand } from "./run-command";

const ROLES = USER_ROLES.join("|");
const USAGE = `usage:
  user create --email E --role ${ROLES} [--name N] [--password-stdin]
  user list
  user disable --email E
  user enable --email E
  user role --email E --role ${ROLES}
  user password --email E [--password-stdin]
  user totp-reset --email E`;

/** One line from stdin (--password-stdin), or a prompt that does not echo. */
async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    const lines = readline.createInterface({ input: process.stdin });
    for await (const line of lines) {
      lines.close();
      return line;
    }
    throw new Error("no password on standard input");
  }
  const ask = (prompt: string) =>
    new Promise<string>((resolve) => {
      const output = process.stdout;
      const rl = readline.createInterface({ input: process.stdin, output, terminal: true });
      const write = (output as unknown as { write: (s: string) => boolean }).write.bind(output);
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (text: string) => {
        if (text.includes(prompt)) write(text);
      };
      rl.question(prompt, (answer) => {
        rl.close();
        write("\n");
        resolve(answer);
      });
    });
  const first = await ask("Password (12+ characters): ");
  const second = await ask("Repeat the password: ");
  if (first !== second) throw new Error("the passwords differ");
  return first;
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: "string" },
      role: { type: "string" },
      name: { type: "string" },
      "password-stdin": { type: "boolean", default: false },
    },
  });
  const email = values.email ?? "";
  switch (command) {
    case "create": {
      const password = await readPassword(values["password-stdin"] ?? false);
      const user = await createOrganizer({ actor: SYSTEM, input: { email, name: values.name, password, role: values.role ?? "" } });
      console.log(`created ${user.email} (${user.role})`);
      return;
    }
    case "list": {
      for (const user of listOrganizers({ actor: SYSTEM })) {
        const last = user.lastLoginAt ? new Date(user.lastLoginAt).toISOString() : "never";
        console.log(`${user.email}\t${user.role}\t${user.isDisabled ? "disabled" : "active"}\tlast login ${last}`);
      }
      return;
    }
    case "disable":
    case "enable": {
      const user = await updateOrganizer({ actor: SYSTEM, email, changes: { isDisabled: command === "disable" } });
      console.log(`${user.email} is ${user.isDisabled ? "disabled" : "enabled"}`);
      return;
    }
    case "role": {
      const user = await updateOrganizer({ actor: SYSTEM, email, changes: { role: values.role as UserRole } });
      console.log(`${user.email} is now ${user.role}`);
      return;
    }
    case "password": {
      const password = await readPassword(values["password-stdin"] ?? false);
      const user = await updateOrganizer({ actor: SYSTEM, email, changes: { password } });
      console.log(`password changed for ${user.email}`);
      return;
    }
    case "totp-reset": {
      const user = resetTotp({ actor: SYSTEM, email });
      console.log(`second factor removed for ${user.email}; they set up a new one after signing in`);
      return;
    }
    default:
      printUsage(USAGE);
  }
}

runCommand(main);
