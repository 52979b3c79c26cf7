import { afterEach, beforeEach, vi } from "vitest";
import { resetConfigForTesting } from "@/server/config";

/**
 * Every test of the enclosing `describe` (or file) reads the config afresh,
 * so what it stubs with `vi.stubEnv` takes effect, and its stubs are undone
 * after it: no test sees another's environment.
 */
export function setUpFreshConfig(): void {
  beforeEach(() => resetConfigForTesting());
  afterEach(() => {
    vi.unstubAllEnvs();
    resetConfigForTesting();
  });
}
