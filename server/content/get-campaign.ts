import "server-only";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_LOCALE, type Locale } from "@/lib/i18n/locales";
import { splitFrontMatter } from "./front-matter";
import { readMarkdownParagraphs } from "./markdown-text";
import { renderMarkdown } from "./render-markdown";
import { getConfig } from "@/server/config";

const CONTENT_DIR = path.join(process.cwd(), "content");

const CampaignFileSchema = z.object({
  id: z.string().min(1),
  goal: z.number().int().positive(),
  publishedOn: z.iso.date(),
  consentVersion: z.string().min(1),
  sources: z.array(
    z.object({ id: z.string(), publisher: z.string(), title: z.string(), url: z.url(), note: z.string().optional() }),
  ),
  signatories: z.array(z.string().min(1)).min(1),
  mail: z.object({ senderName: z.string().min(1) }),
  privacy: z.object({ contact: z.email() }),
});

/**
 * Ids from campaign.json's sources: every statement of fact on the page
 * names where it comes from, so a journalist can check it before citing it.
 */
const SourceIdsSchema = z.array(z.string().min(1)).min(1, "name at least one source");

const CampaignTextSchema = z.object({
  title: z.string().min(1),
  shortTitle: z.string().min(1),
  lede: z.string().min(1),
  ledeSources: SourceIdsSchema,
  demandsIntro: z.string().min(1),
  demands: z.array(z.object({ title: z.string().min(1), text: z.string().min(1), sources: SourceIdsSchema })).min(1),
  context: z.array(z.object({ text: z.string().min(1), sources: SourceIdsSchema })),
  signatories: z.record(z.string(), z.object({ name: z.string().min(1), bio: z.string().min(1), sources: SourceIdsSchema })),
});

type CampaignText = z.infer<typeof CampaignTextSchema>;

/** How the letter text on a page relates to what its authors wrote. */
export const LETTER_KINDS = ["original", "published-translation", "translation"] as const;
export type LetterKind = (typeof LETTER_KINDS)[number];

const LetterFrontMatterSchema = z.object({
  kind: z.enum(LETTER_KINDS),
  source: z.string().optional(),
  translator: z.string().optional(),
});

export type CampaignSource = z.infer<typeof CampaignFileSchema>["sources"][number];

export type CampaignLetter = {
  /** The locale the text is in (may differ from the page's: then `isFallback`). */
  locale: string;
  kind: LetterKind;
  isFallback: boolean;
  /** The text as HTML, rendered from Markdown with safe defaults (render-markdown.ts): insert as it is. */
  html: string;
  /** The same text as plain paragraphs, for documents that are not HTML (the delivery PDF). */
  paragraphs: string[];
  source: CampaignSource | undefined;
  translator: string | undefined;
};

export type Campaign = {
  id: string;
  goal: number;
  publishedOn: string;
  consentVersion: string;
  sources: CampaignSource[];
  senderName: string;
  /** Where signers write for a copy of their data or its deletion. */
  privacyContact: string;
  title: string;
  shortTitle: string;
  lede: string;
  ledeSources: CampaignSource[];
  demandsIntro: string;
  demands: { title: string; text: string; sources: CampaignSource[] }[];
  context: { text: string; sources: CampaignSource[] }[];
  signatories: { id: string; name: string; bio: string; sources: CampaignSource[] }[];
  letter: CampaignLetter;
};

function readContentFile(fileName: string): string | undefined {
  const filePath = path.join(CONTENT_DIR, fileName);
  return fs.existsSync(filePath) ? fs.readFileSync(filePath, "utf8") : undefined;
}

function parseContent<T>(fileName: string, value: unknown, schema: z.ZodType<T>): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new Error(`content/${fileName}: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return result.data;
}

function readContentJson(fileName: string): unknown {
  const raw = readContentFile(fileName);
  if (raw === undefined) throw new Error(`content/${fileName} is missing`);
  return JSON.parse(raw);
}

function parseContentJson<T>(fileName: string, schema: z.ZodType<T>): T {
  return parseContent(fileName, readContentJson(fileName), schema);
}

/** What a campaign text file says, with each source id looked up in `sources`. */
type SourcedCampaignText = Omit<Campaign, "id" | "goal" | "publishedOn" | "consentVersion" | "sources" | "senderName" | "privacyContact" | "letter">;

/**
 * Checks a `content/<locale>.json` against the campaign: one entry per
 * signatory, and a source for the lede, every demand, every paragraph of
 * context and every bio, each a known id. Throws (naming the file and the
 * entry) so a campaign with an unsourced claim fails its tests and build.
 */
export function parseCampaignText(
  fileName: string,
  value: unknown,
  campaign: { sources: CampaignSource[]; signatories: string[] },
): SourcedCampaignText {
  const text: CampaignText = parseContent(fileName, value, CampaignTextSchema);
  const resolve = (ids: string[], where: string): CampaignSource[] =>
    ids.map((id) => {
      const source = campaign.sources.find((candidate) => candidate.id === id);
      if (!source) throw new Error(`content/${fileName}: ${where} cites "${id}", which is not a source in content/campaign.json`);
      return source;
    });
  return {
    title: text.title,
    shortTitle: text.shortTitle,
    lede: text.lede,
    ledeSources: resolve(text.ledeSources, "ledeSources"),
    demandsIntro: text.demandsIntro,
    demands: text.demands.map((demand, index) => ({ ...demand, sources: resolve(demand.sources, `demands.${index}`) })),
    context: text.context.map((paragraph, index) => ({ ...paragraph, sources: resolve(paragraph.sources, `context.${index}`) })),
    signatories: campaign.signatories.map((id) => {
      const entry = text.signatories[id];
      if (!entry) throw new Error(`content/${fileName} has no signatory "${id}"`);
      return { id, ...entry, sources: resolve(entry.sources, `signatories.${id}`) };
    }),
  };
}

function loadLetter(locale: Locale, sources: CampaignSource[]): CampaignLetter {
  const own = readContentFile(`letter.${locale}.md`);
  const raw = own ?? readContentFile(`letter.${DEFAULT_LOCALE}.md`);
  if (raw === undefined) throw new Error(`content/letter.${DEFAULT_LOCALE}.md is missing`);
  const { data, body } = splitFrontMatter(raw);
  const meta = LetterFrontMatterSchema.parse(data);
  return {
    locale: own ? locale : DEFAULT_LOCALE,
    kind: meta.kind,
    isFallback: !own,
    html: renderMarkdown(body),
    paragraphs: readMarkdownParagraphs(body),
    source: sources.find((source) => source.id === meta.source),
    translator: meta.translator,
  };
}

const cache = new Map<Locale, Campaign>();

/**
 * The campaign as a reader in `locale` sees it. Content files are read once
 * per process; a missing translation of the campaign text falls back to the
 * default locale's, a missing letter to the default letter (marked).
 * Anyone may call it: everything in it is public.
 */
export function getCampaign(locale: Locale): Campaign {
  const cached = cache.get(locale);
  if (cached) return cached;
  const file = parseContentJson("campaign.json", CampaignFileSchema);
  const textFile = readContentFile(`${locale}.json`) ? `${locale}.json` : `${DEFAULT_LOCALE}.json`;
  const text = parseCampaignText(textFile, readContentJson(textFile), file);
  const campaign: Campaign = {
    id: file.id,
    goal: file.goal,
    publishedOn: file.publishedOn,
    consentVersion: file.consentVersion,
    sources: file.sources,
    senderName: file.mail.senderName,
    privacyContact: file.privacy.contact,
    ...text,
    letter: loadLetter(locale, file.sources),
  };
  cache.set(locale, campaign);
  return campaign;
}

/**
 * The values content pages may name in braces, read when the page renders
 * (pages render on their first request, with the server's settings):
 * what the privacy notice says about retention is what the server does.
 */
export function getContentPageValues(options: {
  formatDays: (count: number) => string;
  /** The sentence about the one reminder to confirm, for CONFIRM_REMINDER_HOURS (0: reminders are off). */
  describeConfirmReminder: (hours: number) => string;
}): Record<string, string> {
  const config = getConfig();
  return {
    contact: getCampaign(DEFAULT_LOCALE).privacyContact,
    unconfirmedDays: options.formatDays(config.unconfirmedRetentionDays),
    backupKeep: String(config.backupKeep),
    backupKeepDays: options.formatDays(config.backupKeep),
    confirmReminder: options.describeConfirmReminder(config.confirmReminderHours),
  };
}

/** `{name}` → its value; an unknown name stays as written (a test keeps the pages free of them). */
export function fillContentValues(raw: string, values: Record<string, string>): string {
  return raw.replace(/\{(\w+)\}/g, (placeholder, name: string) => values[name] ?? placeholder);
}

/**
 * A page from content/pages/<name>.<locale>.md (Markdown: `## ` headings,
 * `- ` lists, paragraphs; optional `---` front matter), with its `{values}`
 * filled in, rendered to HTML with the same safe renderer as the updates;
 * the default locale's page when the locale has none.
 */
export function getContentPage(name: string, locale: Locale, values: Record<string, string> = {}): { html: string; isFallback: boolean } {
  const own = readContentFile(path.join("pages", `${name}.${locale}.md`));
  const raw = own ?? readContentFile(path.join("pages", `${name}.${DEFAULT_LOCALE}.md`));
  if (raw === undefined) throw new Error(`content/pages/${name}.${DEFAULT_LOCALE}.md is missing`);
  return { html: renderMarkdown(fillContentValues(splitFrontMatter(raw).body, values)), isFallback: !own };
}

/** Content that must not go live as shipped: the example privacy contact. Printed at every production start. */
export function listContentWarnings(): string[] {
  const contact = getCampaign(DEFAULT_LOCALE).privacyContact;
  const domain = contact.slice(contact.lastIndexOf("@") + 1).toLowerCase();
  const isExample = /(^|\.)(example\.(org|com|net)|example|test|invalid|localhost)$/.test(domain);
  return isExample ? [`content/campaign.json privacy.contact is ${contact}, an example address: the privacy notice tells signers to write there`] : [];
}
