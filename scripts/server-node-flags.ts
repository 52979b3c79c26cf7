/**
 * Node flags of the production server: `npm start` (package.json) and every
 * harness that starts dist/server.js (e2e, bench) use these, and a test keeps
 * package.json in step. A 256 MB old-space limit makes V8 collect before the
 * heap balloons under a crowd (peak RSS ~233 MB instead of ~350 MB through
 * the bench, same throughput; issue 6's ≤ 300 MB), with room above the
 * ~100 MB the server lives in and the largest export (decision 0014).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ["--max-old-space-size=256"];
