import { afterEach, beforeEach } from "vitest";

/**
 * Time in tests (docs/decisions/0016-time-in-tests.md): a test either passes one fixed `now` to
 * everything it calls, or uses the real clock throughout. A file that works at fixed dates calls
 * this once at the top of its `describe`; from then on any read of the real clock in its tests
 * (`Date.now()`, `new Date()`, `Date()`) throws, naming the rule, so a call that forgot to pass
 * `now` fails today instead of on the day its token expires.
 *
 * Dates built from a value (`new Date(T0)`, `Date.parse(…)`, `Date.UTC(…)`) keep working, and so
 * do reads from inside a library (pdfkit stamps `new Date()` into a field our code then replaces
 * with `now`): the rule is about our code and our tests.
 */
export function forbidRealClock(): void {
  let restore: (() => void) | undefined;
  beforeEach(() => {
    restore = installClockGuard();
  });
  afterEach(() => {
    restore?.();
    restore = undefined;
  });
}

export class RealClockReadError extends Error {
  constructor(how: string) {
    super(
      `${how} read the real clock in a test that uses fixed dates: pass the test's \`now\` to the function that read it (docs/decisions/0016-time-in-tests.md)`,
    );
    this.name = "RealClockReadError";
  }
}

/** Whether the code that asked for the time lives in a dependency rather than in this project. */
function isReadFromLibrary(): boolean {
  const frames = (new Error().stack ?? "").split("\n").slice(1);
  const caller = frames.find((frame) => frame.includes("/") && !frame.includes("/test/clock.ts"));
  return caller?.includes("/node_modules/") ?? false;
}

/** Replaces the global Date with one that refuses to tell our code the current time; returns the undo. */
export function installClockGuard(): () => void {
  const RealDate = globalThis.Date;
  const GuardedDate: DateConstructor = new Proxy(RealDate, {
    construct(target, args: unknown[], newTarget): object {
      if (args.length === 0 && !isReadFromLibrary()) throw new RealClockReadError("new Date()");
      return Reflect.construct(target, args, newTarget === GuardedDate ? target : newTarget) as object;
    },
    apply(target) {
      if (!isReadFromLibrary()) throw new RealClockReadError("Date()");
      return target();
    },
    get(target, property, receiver) {
      if (property === "now") {
        return () => {
          if (!isReadFromLibrary()) throw new RealClockReadError("Date.now()");
          return target.now();
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  globalThis.Date = GuardedDate;
  return () => {
    globalThis.Date = RealDate;
  };
}
