// `npm start`: the production server (server/http/start-server.ts), bundled
// by scripts/build-server.mjs into dist/server.js at `npm run build`.
import path from "node:path";
import { startServer } from "@/server/http/start-server";

// Set by `npm start` before Node starts: Next reads it when it is loaded, before this line could.
if (process.env.NODE_ENV !== "production") {
  console.error("[server] NODE_ENV must be production: start it with `npm start`.");
  process.exit(1);
}

const port = Number(process.env.PORT || 3000);
const hostname = process.env.HOSTNAME || "0.0.0.0";

startServer({ dir: path.resolve(__dirname, ".."), port, hostname }).then(
  (server) => {
    console.warn(`[server] listening on http://${hostname}:${port}`);
    const stop = () => server.close(() => process.exit(0));
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  },
  (error: unknown) => {
    console.error("[server] could not start:", error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
