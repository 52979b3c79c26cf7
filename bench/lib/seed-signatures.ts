/**
 * Fast, deterministic seeding of the `signatures` table for the export
 * bench: one prepared INSERT, large transactions, then the counters rebuilt
 * with aggregate INSERT … SELECT … GROUP BY exactly as a recount would.
 *
 * The database file must already exist with the project's schema (created
 * and migrated by db/client.ts's openDatabase), and no server may be using it.
 */
import fs from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import { COUNTER_SCOPES } from "../../db/schema";
import { isCountryCode } from "../../lib/countries";
import { normalizeEmail } from "../../lib/email";

const DAY_MS = 24 * 60 * 60 * 1000;
/** The app's share-code alphabet (server/security/tokens.ts). */
const REF_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";
const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** mulberry32: small, fast, seeded: the same seed gives the same million rows. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit mix of `n`; bijective on 32-bit integers (so distinct inputs give distinct outputs). */
function mix32(n: number): number {
  let x = Math.imul(n ^ 0x5bd1e995, 0x9e3779b1) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  return x >>> 0;
}

/**
 * Row `i`'s share code: 7 characters from a bijective mix of `i` (31^7 > 2^32,
 * so unique) plus 3 more from a second mix; looks random, recomputable for
 * `referred_by`.
 */
function refCodeOf(i: number): string {
  let x = mix32(i);
  let code = "";
  for (let k = 0; k < 7; k++) {
    code += REF_ALPHABET[x % 31];
    x = Math.floor(x / 31);
  }
  let y = mix32(i ^ 0x27d4eb2f);
  for (let k = 0; k < 3; k++) {
    code += REF_ALPHABET[y % 31];
    y = Math.floor(y / 31);
  }
  return code;
}

type Person = { display: string; handle: string };
const pairs = (list: string): Person[] =>
  list
    .trim()
    .split(/\s*;\s*/)
    .map((entry) => {
      const [display = "", handle = ""] = entry.split("|");
      return { display, handle: handle || display.toLowerCase().replace(/[^a-z]/g, "") };
    });

const RU_FIRST = pairs(
  "Анна|anna; Мария|maria; Елена|elena; Ольга|olga; Наталья|natalia; Татьяна|tatiana; Ирина|irina; Екатерина|ekaterina; Светлана|svetlana; Юлия|yulia; " +
    "Александр|alexander; Сергей|sergey; Дмитрий|dmitry; Андрей|andrey; Алексей|alexey; Максим|maxim; Иван|ivan; Михаил|mikhail; Олег|oleg; Никита|nikita; " +
    "Пётр|pyotr; Фёдор|fyodor; Ксения|ksenia; Дарья|darya; Григорий|grigory",
);
const RU_LAST = pairs(
  "Иванов|ivanov; Смирнова|smirnova; Кузнецов|kuznetsov; Попова|popova; Соколов|sokolov; Лебедева|lebedeva; Козлов|kozlov; Новикова|novikova; " +
    "Морозов|morozov; Петрова|petrova; Волков|volkov; Соловьёва|solovyova; Васильев|vasiliev; Зайцева|zaytseva; Павлов|pavlov; Семёнова|semyonova; " +
    "Голубев|golubev; Виноградова|vinogradova; Богданов|bogdanov; Воробьёва|vorobyova; Фёдоров|fedorov; Михайлова|mikhailova; Белов|belov; Орлова|orlova; " +
    "Римский-Корсаков|rimsky-korsakov",
);
const UK_FIRST = pairs(
  "Олександр|oleksandr; Марія|mariia; Андрій|andrii; Оксана|oksana; Юрій|yurii; Наталія|nataliia; Богдан|bohdan; Ірина|iryna; Тарас|taras; Ганна|hanna; " +
    "Віталій|vitalii; Софія|sofiia; Євген|yevhen; Олена|olena; Дмитро|dmytro",
);
const UK_LAST = pairs(
  "Шевченко|shevchenko; Коваленко|kovalenko; Бондаренко|bondarenko; Ткаченко|tkachenko; Кравченко|kravchenko; Олійник|oliinyk; Мельник|melnyk; " +
    "Бойко|boiko; Ковальчук|kovalchuk; Гнатюк|hnatiuk; Лисенко|lysenko; Савчук|savchuk; Руденко|rudenko; Поліщук|polishchuk; Мороз|moroz",
);
const LATIN_FIRST = pairs(
  "Anna; John; Lena; Lukas; Sophie; Emma; Noah; Olivia; Liam; Mia; Jakub; Zofia; Giorgi|giorgi; Nino; Aram; Lilit; Mateo; Lucía|lucia; " +
    "Chloé|chloe; Søren|soren; Björn|bjorn; Zoë|zoe; Seán|sean; José|jose; Ana María|anamaria; Jean-Luc|jeanluc; Nadia; Yusuf; Tamar; David",
);
const LATIN_LAST = pairs(
  "Smith; Müller|mueller; Schmidt; Dubois; García|garcia; Kowalski; Nowak; Rossi; Jansen; Andersson; O'Brien|obrien; Beridze; Petrosyan; " +
    "van der Berg|vandenberg; Kovačević|kovacevic; Dvořák|dvorak; Nielsen; Papadopoulos; Cohen; Lévy|levy; Fischer; Novak; Silva; Horvath; Ivanova",
);

/** ~60 countries, roughly as a Russian-language open letter's signers spread (Zipf-like tail). */
const COUNTRY_WEIGHTS: [code: string, weight: number][] = [
  ["RU", 300], ["DE", 95], ["UA", 60], ["GE", 45], ["US", 42], ["IL", 38], ["GB", 30], ["RS", 28], ["AM", 26], ["KZ", 24],
  ["FR", 20], ["LT", 18], ["PL", 17], ["NL", 15], ["FI", 14], ["CZ", 13], ["LV", 12], ["EE", 12], ["CA", 11], ["ES", 10],
  ["IT", 9], ["TR", 9], ["ME", 8], ["CY", 8], ["SE", 7], ["AT", 7], ["CH", 7], ["BY", 6], ["KG", 6], ["UZ", 5],
  ["AE", 5], ["TH", 5], ["PT", 4], ["BE", 4], ["NO", 4], ["DK", 4], ["IE", 3], ["AU", 3], ["AR", 3], ["BG", 3],
  ["HU", 3], ["SK", 2], ["MD", 2], ["AZ", 2], ["GR", 2], ["HR", 2], ["SI", 2], ["BR", 2], ["MX", 1], ["JP", 1],
  ["KR", 1], ["NZ", 1], ["ID", 1], ["VN", 1], ["IN", 1], ["CN", 1], ["ZA", 1], ["EG", 1], ["MN", 1], ["TJ", 1],
];

const CITIES: Record<string, string[]> = {
  RU: ["Москва", "Санкт-Петербург", "Екатеринбург", "Новосибирск", "Казань", "Нижний Новгород", "Пермь"],
  UA: ["Київ", "Львів", "Одеса", "Харків", "Дніпро"],
  DE: ["Berlin", "München", "Hamburg", "Köln", "Frankfurt am Main"],
  GE: ["Tbilisi", "Batumi"],
  US: ["New York", "San Francisco", "Boston", "Chicago"],
  IL: ["Tel Aviv", "Haifa", "Jerusalem"],
  GB: ["London", "Manchester", "Edinburgh"],
  RS: ["Belgrade", "Novi Sad"],
  AM: ["Yerevan", "Gyumri"],
  KZ: ["Алматы", "Астана"],
  FR: ["Paris", "Lyon"],
};

/** Codes organizers hand to partners (partner_codes), with how much each one brings (relative). */
const PARTNERS: [code: string, label: string, weight: number][] = [
  ["meduza", "Meduza", 30],
  ["ovd-info", "OVD-Info", 22],
  ["novaya-gazeta-eu", "Novaya Gazeta Europe", 15],
  ["tvrain", "TV Rain", 12],
  ["dw-russian", "DW Russian", 8],
  ["free-russia-berlin", "Free Russia Berlin", 6],
  ["memorial-fr", "Memorial France", 4],
  ["ark-tbilisi", "Ark, Tbilisi", 3],
];
const UTM_SOURCES: [source: string, weight: number][] = [
  ["telegram", 35], ["facebook", 15], ["twitter", 10], ["vk", 8], ["instagram", 8], ["youtube", 7], ["newsletter", 7], ["whatsapp", 4], ["reddit", 2], ["mastodon", 1],
];
const UTM_CAMPAIGNS = ["launch", "press-week", "reminder-1", "reminder-2", "goal-100k"];

const DOMAINS = ["gmail.com", "yandex.ru", "mail.ru", "proton.me", "outlook.com", "gmx.de", "ukr.net", "icloud.com", "yahoo.com", "posteo.de", "inbox.lv", "bk.ru"];
const INVALIDATION_REASONS = ["disposable email domain", "duplicate person", "bulk: flood from one network", "fake name"];

/** A 10,000-slot lookup table: one random draw picks a country with the weights above. */
function weightedTable(weights: [string, number][], slots = 10_000): string[] {
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0);
  const table: string[] = [];
  for (const [code, weight] of weights) {
    const n = Math.round((weight / total) * slots);
    for (let k = 0; k < n; k++) table.push(code);
  }
  return table;
}

/**
 * Signatures per day over `days` days: a launch spike that decays, two
 * press spikes, a weekly rhythm. Sums to exactly `rows`; every day has some.
 */
function dailyVolumes(rows: number, days: number): number[] {
  const weights: number[] = [];
  for (let d = 0; d < days; d++) {
    const launch = 12 * Math.exp(-d / 6);
    const press = 5 * Math.exp(-Math.abs(d - 41) / 2) + 3 * Math.exp(-Math.abs(d - 88) / 3);
    const weekly = d % 7 === 5 || d % 7 === 6 ? 0.8 : 1;
    weights.push((1 + launch + press) * weekly);
  }
  const total = weights.reduce((sum, w) => sum + w, 0);
  const volumes = weights.map((w) => Math.max(1, Math.floor((w / total) * rows)));
  // Put the rounding remainder (positive or negative) on the launch day.
  volumes[0] = (volumes[0] ?? 0) + rows - volumes.reduce((sum, v) => sum + v, 0);
  return volumes;
}

export type SeedOptions = {
  /** The project's better-sqlite3 connection (from openDatabase), already migrated. */
  sqlite: Database.Database;
  appDir: string;
  rows: number;
  rowsPerTransaction?: number;
  /** Verified signatures are spread over this many days, ending `endMs`. */
  days?: number;
  endMs?: number;
  /** Invalidated rows name this organizer (users.id) as the one who invalidated them. */
  invalidatedBy: number | null;
  seed?: number;
  onProgress?: (rowsDone: number) => void;
};

export type SeedResult = {
  rows: number;
  rowsPerTransaction: number;
  insertMs: number;
  countersMs: number;
  checkpointMs: number;
  totalMs: number;
  rowsPerSec: number;
  statusCounts: Record<string, number>;
  /** stat_counters rows per scope (the dashboard reads some scopes whole). */
  counterRows: Record<string, number>;
  partnerCodes: number;
  countries: number;
  days: number;
  verifiedFrom: string;
  verifiedTo: string;
  databaseMB: number;
  /** Every counter row equals a fresh recount of the rows (checked after writing them). */
  countersMatchRecount: boolean;
};

/**
 * What each counter scope must hold, counted from the rows (as the app's
 * counter tests recount them). A scope the app adds that is missing here
 * stops the seeding rather than leaving its counters at zero.
 */
const RECOUNT_SQL: Record<string, string> = {
  total: "SELECT 'total' AS scope, '' AS key, count(*) AS count FROM signatures WHERE status = 'verified'",
  country: "SELECT 'country' AS scope, country AS key, count(*) AS count FROM signatures WHERE status = 'verified' GROUP BY country",
  day: "SELECT 'day' AS scope, strftime('%Y-%m-%d', verified_at / 1000, 'unixepoch') AS key, count(*) AS count FROM signatures WHERE status = 'verified' GROUP BY 2",
  status: "SELECT 'status' AS scope, status AS key, count(*) AS count FROM signatures GROUP BY status",
  ref: "SELECT 'ref' AS scope, referred_by AS key, count(*) AS count FROM signatures WHERE status = 'verified' AND referred_by IS NOT NULL GROUP BY referred_by",
  utm: "SELECT 'utm' AS scope, utm_source AS key, count(*) AS count FROM signatures WHERE status = 'verified' AND utm_source IS NOT NULL GROUP BY utm_source",
};

/** The columns this seeder fills; any other column must be nullable or have a default. */
const KNOWN_COLUMNS = [
  "email", "email_key", "name", "country", "city", "is_public_name", "wants_updates", "locale", "status", "ref_code", "referred_by",
  "consent_version", "ip_hash", "created_at", "verified_at", "invalidated_at", "invalidation_reason", "invalidated_by", "utm_source", "utm_campaign",
] as const;
type KnownColumn = (typeof KNOWN_COLUMNS)[number];

/** Yields to the event loop (signals, the watchdog) between transactions. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Inserts `rows` signatures, then sets every stat_counters row from an
 * aggregate over them (total / country / day: verified only; status: all).
 * Realistic data: Latin and Cyrillic names (a few with apostrophes,
 * quotes or commas), ~60 countries with a skewed spread, 90 % verified, 8 %
 * pending, 2 % invalidated, verified_at over `days` days, unique email_key and
 * ref_code; ~5 % arrived through a partner code and ~10 % through a signer's
 * link, ~18 % carry a utm_source (when the schema has these). Deterministic
 * for a given seed and end time.
 */
export async function seedSignatures(options: SeedOptions): Promise<SeedResult> {
  const { sqlite, rows } = options;
  const rowsPerTransaction = options.rowsPerTransaction ?? 50_000;
  const days = options.days ?? 120;
  const endMs = Math.floor((options.endMs ?? Date.now()) / DAY_MS) * DAY_MS; // midnight UTC today
  const startMs = endMs - days * DAY_MS;
  const random = createRandom(options.seed ?? 20261121);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

  for (const [code] of COUNTRY_WEIGHTS) if (!isCountryCode(code)) throw new Error(`seed: ${code} is not a country code the app knows`);
  const countryTable = weightedTable(COUNTRY_WEIGHTS);
  const campaign = JSON.parse(fs.readFileSync(path.join(options.appDir, "content", "campaign.json"), "utf8")) as { consentVersion?: unknown };
  const consentVersion = typeof campaign.consentVersion === "string" ? campaign.consentVersion : "unknown";

  // Bulk-load settings for this connection only: nothing else reads the file
  // while it is seeded, and a crash only loses a throwaway bench database.
  sqlite.pragma("synchronous = OFF");
  sqlite.pragma("cache_size = -262144"); // 256 MB: the unique indexes' pages stay in memory
  sqlite.pragma("temp_store = MEMORY");

  // The schema is the migrations': fill the columns it has, refuse one this seeder cannot fill.
  type ColumnInfo = { name: string; notnull: number; dflt_value: unknown; pk: number };
  const tableColumns = sqlite.prepare("PRAGMA table_info(signatures)").all() as ColumnInfo[];
  const known = new Set<string>(KNOWN_COLUMNS);
  for (const column of tableColumns) {
    if (!known.has(column.name) && column.pk === 0 && column.notnull === 1 && column.dflt_value === null) {
      throw new Error(`seed: signatures.${column.name} is NOT NULL without a default; bench/lib/seed-signatures.ts must fill it`);
    }
  }
  const columns = KNOWN_COLUMNS.filter((name) => tableColumns.some((column) => column.name === name));
  for (const required of ["email", "email_key", "name", "country", "status", "ref_code", "referred_by", "created_at", "verified_at"] as const) {
    if (!columns.includes(required)) throw new Error(`seed: signatures has no ${required} column`);
  }
  for (const scope of COUNTER_SCOPES) {
    if (!RECOUNT_SQL[scope]) throw new Error(`seed: no recount for counter scope "${scope}"; add it to bench/lib/seed-signatures.ts`);
  }
  const recounts = COUNTER_SCOPES.map((scope) => RECOUNT_SQL[scope] ?? "");
  const insert = sqlite.prepare(`INSERT INTO signatures (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`);
  const hasUtm = columns.includes("utm_source");

  // Partner codes, when the schema has them: referrals count for partners as for signers.
  const hasPartners = (sqlite.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'partner_codes'").get() as { n: number }).n > 0;
  if (hasPartners) {
    const addPartner = sqlite.prepare("INSERT OR IGNORE INTO partner_codes (code, label, created_by, created_at) VALUES (?, ?, ?, ?)");
    for (const [code, label] of PARTNERS) addPartner.run(code, label, options.invalidatedBy, startMs);
  }
  const partnerTable = hasPartners ? weightedTable(PARTNERS.map(([code, , weight]) => [code, weight] as [string, number]), 1000) : [];
  const utmTable = weightedTable(UTM_SOURCES, 1000);
  /** Rows whose signers share their link (3 %): referrals go to them, early signers more often. */
  const sharers: number[] = [];
  const volumes = dailyVolumes(rows, days);
  const started = performance.now();

  let i = 0; // rows generated so far; row i gets id i + 1 in a fresh table
  let day = 0;
  let inDay = 0; // index of the next row within `day`
  const nextCreatedAt = (): number => {
    while (inDay >= (volumes[day] ?? 0) && day < days - 1) {
      day += 1;
      inDay = 0;
    }
    const count = volumes[day] ?? 1;
    // Evenly through the day, jittered, in order: ids grow with created_at as in the app.
    const t = startMs + day * DAY_MS + Math.floor(((inDay + random() * 0.9) / count) * DAY_MS);
    inDay += 1;
    return t;
  };

  const insertBatch = sqlite.transaction((count: number) => {
    for (let k = 0; k < count; k++, i++) {
      const country = countryTable[Math.floor(random() * countryTable.length)] ?? "RU";
      const cyrillic = (country === "RU" || country === "BY" || country === "KZ" || country === "KG") ? random() < 0.8 : country === "UA" ? random() < 0.75 : random() < 0.25;
      let first: Person;
      let last: Person;
      if (cyrillic) {
        const ukrainian = country === "UA";
        first = pick(ukrainian ? UK_FIRST : RU_FIRST);
        last = pick(ukrainian ? UK_LAST : RU_LAST);
      } else {
        first = pick(LATIN_FIRST);
        last = pick(LATIN_LAST);
      }
      let name = `${first.display} ${last.display}`;
      const oddity = random();
      if (oddity < 0.002) name = `${last.display}, ${first.display}`; // a comma: quoted in CSV
      else if (oddity < 0.003) name = `${first.display} "${first.display.slice(0, 3)}" ${last.display}`; // quotes: doubled in CSV
      else if (oddity < 0.0032) name = `=${first.display}`; // a would-be formula: escape_formulas

      const domain = pick(DOMAINS);
      const email = `${random() < 0.1 ? first.handle[0]?.toUpperCase() + first.handle.slice(1) : first.handle}.${last.handle}${i + 1}@${domain}`;
      const emailKey = normalizeEmail(email);

      const createdAt = nextCreatedAt();
      const roll = random();
      const status = roll < 0.9 ? "verified" : roll < 0.98 ? "pending" : "invalidated";
      let verifiedAt: number | null = null;
      let invalidatedAt: number | null = null;
      if (status !== "pending") {
        // Most confirm within minutes, some within hours; never after the end of the window.
        const delay = random() < 0.8 ? 30_000 + random() * 20 * 60_000 : random() * 20 * 60 * 60_000;
        verifiedAt = Math.min(Math.floor(createdAt + delay), endMs - 1);
      }
      if (status === "invalidated" && verifiedAt !== null) invalidatedAt = Math.min(verifiedAt + Math.floor(random() * 5 * DAY_MS), endMs - 1);

      const cities = CITIES[country];
      const city = cities && random() < 0.4 ? pick(cities) : null;
      const locale = country === "UA" ? (random() < 0.7 ? "uk" : "ru") : cyrillic ? "ru" : random() < 0.5 ? "ru" : "en";
      let ipHash = "";
      for (let c = 0; c < 22; c++) ipHash += BASE64URL[Math.floor(random() * 64)];

      // ~5 % through a partner's link, ~10 % through a signer's (heavy-tailed: a few sharers bring many).
      const viaLink = random();
      let referredBy: string | null = null;
      if (viaLink < 0.05 && partnerTable.length > 0) referredBy = partnerTable[Math.floor(random() * partnerTable.length)] ?? null;
      else if (viaLink < 0.15 && sharers.length > 0) referredBy = refCodeOf(sharers[Math.floor(sharers.length * random() ** 2)] ?? 0);
      if (random() < 0.03) sharers.push(i);
      const utmSource = hasUtm && random() < 0.18 ? (utmTable[Math.floor(random() * utmTable.length)] ?? null) : null;
      const utmCampaign = utmSource !== null && random() < 0.6 ? pick(UTM_CAMPAIGNS) : null;

      const row: Record<KnownColumn, string | number | null> = {
        email,
        email_key: emailKey,
        name,
        country,
        city,
        is_public_name: random() < 0.6 ? 1 : 0,
        wants_updates: random() < 0.35 ? 1 : 0,
        locale,
        status,
        ref_code: refCodeOf(i),
        referred_by: referredBy,
        consent_version: consentVersion,
        ip_hash: ipHash,
        created_at: createdAt,
        verified_at: verifiedAt,
        invalidated_at: invalidatedAt,
        invalidation_reason: invalidatedAt === null ? null : pick(INVALIDATION_REASONS),
        invalidated_by: invalidatedAt === null ? null : options.invalidatedBy,
        utm_source: utmSource,
        utm_campaign: utmCampaign,
      };
      insert.run(columns.map((column) => row[column]));
    }
  });

  while (i < rows) {
    insertBatch(Math.min(rowsPerTransaction, rows - i));
    options.onProgress?.(i);
    await breathe();
  }
  const insertMs = performance.now() - started;

  // The counters, exactly as a recount: one aggregate per scope, in one transaction.
  const countersStarted = performance.now();
  sqlite.transaction(() => {
    sqlite.prepare("DELETE FROM stat_counters").run();
    for (const select of recounts) sqlite.prepare(`INSERT INTO stat_counters (scope, key, count) ${select}`).run();
  })();
  const countersMs = performance.now() - countersStarted;

  // Fold the WAL back into the file so the server starts from a clean, compact database.
  const checkpointStarted = performance.now();
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  sqlite.pragma("synchronous = FULL");
  const checkpointMs = performance.now() - checkpointStarted;
  const totalMs = performance.now() - started;

  // Checks (not timed): counters against a fresh recount, and what was written.
  type CounterRow = { scope: string; key: string; count: number };
  const asMap = (list: CounterRow[]) => new Map(list.filter((row) => row.count !== 0).map((row) => [`${row.scope}:${row.key}`, row.count]));
  const stored = asMap(sqlite.prepare("SELECT scope, key, count FROM stat_counters").all() as CounterRow[]);
  const recounted = asMap(recounts.flatMap((select) => sqlite.prepare(select).all() as CounterRow[]));
  const countersMatchRecount = stored.size === recounted.size && [...recounted].every(([key, count]) => stored.get(key) === count);
  const statusCounts: Record<string, number> = {};
  for (const [key, count] of stored) if (key.startsWith("status:")) statusCounts[key.slice("status:".length)] = count;
  const dayKeys = [...stored.keys()].filter((key) => key.startsWith("day:")).sort();

  return {
    rows,
    rowsPerTransaction,
    insertMs: Math.round(insertMs),
    countersMs: Math.round(countersMs),
    checkpointMs: Math.round(checkpointMs),
    totalMs: Math.round(totalMs),
    rowsPerSec: Math.round(rows / (insertMs / 1000)),
    statusCounts,
    counterRows: Object.fromEntries(
      (sqlite.prepare("SELECT scope, count(*) AS n FROM stat_counters GROUP BY scope").all() as { scope: string; n: number }[]).map((row) => [row.scope, row.n]),
    ),
    partnerCodes: hasPartners ? PARTNERS.length : 0,
    countries: [...stored.keys()].filter((key) => key.startsWith("country:")).length,
    days: dayKeys.length,
    verifiedFrom: dayKeys[0]?.slice(4) ?? "",
    verifiedTo: dayKeys.at(-1)?.slice(4) ?? "",
    databaseMB: Math.round((fs.statSync(sqlite.name).size / 1024 ** 2) * 10) / 10,
    countersMatchRecount,
  };
}
