// npm run db:migrate: create the database (DATABASE_URL) if needed and apply
// the committed migrations. The server does the same at start; this is for
// operators who want to do it ahead of a deploy.
import { openDatabase, resolveDatabasePath } from "../db/client";

const databaseUrl = process.env.DATABASE_URL || "file:./data/app.db";
const db = openDatabase(databaseUrl);
const applied = db.$client.prepare("select count(*) as n from __drizzle_migrations").get() as { n: number };
console.log(`database ${resolveDatabasePath(databaseUrl)}: ${applied.n} migration(s) applied`);
db.$client.close();
