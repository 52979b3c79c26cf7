// Bundles the production server (scripts/server.ts and the server/ code it
// uses) into dist/server.js, run by `npm start` after `next build`.
// Packages stay in node_modules (they are required at run time, like Next
// itself); only our TypeScript is bundled. `server-only` is a marker for
// Next's bundler: outside Next it would throw, so it becomes an empty module.
import { build } from "esbuild";

await build({
  entryPoints: ["scripts/server.ts"],
  outfile: "dist/server.js",
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
  plugins: [
    {
      name: "server-only-marker",
      setup(pluginBuild) {
        pluginBuild.onResolve({ filter: /^server-only$/ }, () => ({ path: "server-only", namespace: "empty" }));
        pluginBuild.onLoad({ filter: /.*/, namespace: "empty" }, () => ({ contents: "", loader: "js" }));
      },
    },
  ],
});
