import "server-only";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { ContentBlock } from "@/lib/content-blocks";
import { DEFAULT_LOCALE, type Locale } from "@/lib/i18n/locales";
import { getConfig } from "@/server/config";

const CONTENT_DIR = path.join(process.cwd(), "content");

const CampaignFileSchema = z.object({
  id: z.string().min(1),
  goal: z.number().int().positive(),
  publishedOn: z.iso.date(),
  originalLanguage: z.string().min(2),
  consentVersion: z.string().min(1),
  sources: z.array(
    z.object({ id: z.string(), publisher: z.string(), title: z.string(), url: z.url(), note: z.string().optional() }),
  ),
  signatories: z.array(z.string().min(1)).min(1),
  mail: z.object({ senderName: z.string().min(1) }),
  privacy: z.object({ contact: z.email() }),
});

const CampaignTextSchema = z.object({
  title: z.string().min(1),
  shortTitle: z.string().min(1),
  lede: z.string().min(1),
  demandsIntro: z.string().min(1),
  demands: z.array(z.object({ title: z.string().min(1), text: z.string().min(1) })).min(1),
  context: z.array(z.string()),
  signatories: z.record(z.string(), z.object({ name: z.string().min(1), bio: z.string().min(1) })),
});

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
  paragraphs: string[];
  source: CampaignSource | undefined;
  translator: string | undefined;
};

export type Campaign = {
  id: string;
  goal: number;
  publishedOn: string;
  originalLanguage: string;
  consentVersion: string;
  sources: CampaignSource[];
  senderName: string;
  /** Where signers write for a copy of their data or its deletion. */
  privacyContact: string;
  title: string;
  shortTitle: string;
  lede: string;
  demandsIntro: string;
  demands: { title: string; text: string }[];
  context: string[];
  signatories: { id: string; name: string; bio: string }[];
  letter: CampaignLetter;
};

function readContentFile(fileName: string): string | undefined {
  const filePath = path.join(CONTENT_DIR, fileName);
  return fs.existsSync(filePath) ? fs.readFileSync(filePath, "utf8") : undefined;
}

function parseContentJson<T>(fileName: string, schema: z.ZodType<T>): T {
  const raw = readContentFile(fileName);
  if (raw === undefined) throw new Error(`content/${fileName} is missing`);
  const result = schema.safeParse(JSON.parse(raw));
  if (!result.success) {
    throw new Error(`content/${fileName}: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return result.data;
}

/** Splits `---` front matter (key: value lines) from a Markdown body of plain paragraphs. */
export function parseLetterMarkdown(raw: string): { frontMatter: Record<string, string>; paragraphs: string[] } {
  const text = raw.replace(/\r\n?/g, "\n");
  const frontMatter: Record<string, string> = {};
  let body = text;
  const match = /^---\n([\s\S]*?)\n---\n?/.exec(text);
  if (match) {
    body = text.slice(match[0].length);
    for (const line of match[1]!.split("\n")) {
      const colon = line.indexOf(":");
      if (colon > 0) frontMatter[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    }
  }
  const paragraphs = body
    .split(/\n\s*\n/)
    .map((block) => block.replace(/\s*\n\s*/g, " ").trim())
    .filter(Boolean);
  return { frontMatter, paragraphs };
}

function loadLetter(locale: Locale, sources: CampaignSource[]): CampaignLetter {
  const own = readContentFile(`letter.${locale}.md`);
  const raw = own ?? readContentFile(`letter.${DEFAULT_LOCALE}.md`);
  if (raw === undefined) throw new Error(`content/letter.${DEFAULT_LOCALE}.md is missing`);
  const { frontMatter, paragraphs } = parseLetterMarkdown(raw);
  const meta = LetterFrontMatterSchema.parse(frontMatter);
  return {
    locale: own ? locale : DEFAULT_LOCALE,
    kind: meta.kind,
    isFallback: !own,
    paragraphs,
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
  const text = readContentFile(`${locale}.json`)
    ? parseContentJson(`${locale}.json`, CampaignTextSchema)
    : parseContentJson(`${DEFAULT_LOCALE}.json`, CampaignTextSchema);
  const campaign: Campaign = {
    id: file.id,
    goal: file.goal,
    publishedOn: file.publishedOn,
    originalLanguage: file.originalLanguage,
    consentVersion: file.consentVersion,
    sources: file.sources,
    senderName: file.mail.senderName,
    privacyContact: file.privacy.contact,
    title: text.title,
    shortTitle: text.shortTitle,
    lede: text.lede,
    demandsIntro: text.demandsIntro,
    demands: text.demands,
    context: text.context,
    signatories: file.signatories.map((id) => {
      const entry = text.signatories[id];
      if (!entry) throw new Error(`content/${locale}.json has no signatory "${id}"`);
      return { id, ...entry };
    }),
    letter: loadLetter(locale, file.sources),
  };
  cache.set(locale, campaign);
  return campaign;
}

export type { ContentBlock };

export function parseContentBlocks(raw: string): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  for (const chunk of raw.replace(/\r\n?/g, "\n").split(/\n\s*\n/)) {
    const lines = chunk.split("\n").map((line) => line.trim()).filter(Boolean);
    if (lines.length === 0) continue;
    if (lines[0]!.startsWith("## ")) {
      blocks.push({ type: "heading", text: lines[0]!.slice(3) });
      if (lines.length > 1) blocks.push({ type: "paragraph", text: lines.slice(1).join(" ") });
    } else if (lines.every((line) => line.startsWith("- "))) {
      blocks.push({ type: "list", items: lines.map((line) => line.slice(2)) });
    } else {
      blocks.push({ type: "paragraph", text: lines.join(" ") });
    }
  }
  return blocks;
}

/**
 * The values content pages may name in braces, read when the page renders
 * (pages render on their first request, with the server's settings):
 * what the privacy notice says about retention is what the server does.
 */
export function getContentPageValues(options: { formatDays: (count: number) => string }): Record<string, string> {
  const config = getConfig();
  return {
    contact: getCampaign(DEFAULT_LOCALE).privacyContact,
    unconfirmedDays: options.formatDays(config.unconfirmedRetentionDays),
    backupKeep: String(config.backupKeep),
    backupKeepDays: options.formatDays(config.backupKeep),
  };
}

/** `{name}` → its value; an unknown name stays as written (a test keeps the pages free of them). */
export function fillContentValues(raw: string, values: Record<string, string>): string {
  return raw.replace(/\{(\w+)\}/g, (placeholder, name: string) => values[name] ?? placeholder);
}

/** A page from content/pages/<name>.<locale>.md, falling back to the default locale, with its `{values}` filled in. */
export function getContentPage(
  name: string,
  locale: Locale,
  values: Record<string, string> = {},
): { blocks: ContentBlock[]; isFallback: boolean } {
  const own = readContentFile(path.join("pages", `${name}.${locale}.md`));
  const raw = own ?? readContentFile(path.join("pages", `${name}.${DEFAULT_LOCALE}.md`));
  if (raw === undefined) throw new Error(`content/pages/${name}.${DEFAULT_LOCALE}.md is missing`);
  return { blocks: parseContentBlocks(fillContentValues(raw, values)), isFallback: !own };
}

/** Content that must not go live as shipped: the example privacy contact. Printed at every production start. */
export function listContentWarnings(): string[] {
  const contact = getCampaign(DEFAULT_LOCALE).privacyContact;
  const domain = contact.slice(contact.lastIndexOf("@") + 1).toLowerCase();
  const isExample = /(^|\.)(example\.(org|com|net)|example|test|invalid|localhost)$/.test(domain);
  return isExample ? [`content/campaign.json privacy.contact is ${contact}, an example address: the privacy notice tells signers to write there`] : [];
}
