import { isAppError } from "../server/errors";

// How the operator commands (npm run user, npm run data) end: exit code 0
// when done, 1 with one line on stderr when something failed (an AppError's
// message key, never a stack or SQL), 2 with the usage when called wrong.

/** Runs a command's `main`; a failure becomes one line on stderr and exit code 1. */
export function runCommand(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(isAppError(error) ? `error: ${error.messageKey}` : `error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}

/** The command was called wrong: its usage on stderr, exit code 2. */
export function printUsage(usage: string): void {
  console.error(usage);
  process.exitCode = 2;
}
