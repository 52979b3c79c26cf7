import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

export type Asset = { url: string; bytes: number; gzipBytes: number };

export type PageWeight = {
  path: string;
  status: number;
  htmlBytes: number;
  htmlGzip: number;
  cssGzip: number;
  /** Scripts a modern browser runs (`nomodule` polyfills excluded, see below). */
  jsGzip: number;
  totalGzip: number;
  css: Asset[];
  js: Asset[];
  /** `<script nomodule>`: only browsers without ES modules load these. */
  nomoduleJs: Asset[];
  /** Every `<script>` is async/defer/module/nomodule, or inline after `</main>`. */
  scriptsDeferred: boolean;
  blockingScripts: string[];
  html: string;
};

const gzipSize = (data: Buffer) => gzipSync(data, { level: 9 }).length;

function decodeEntities(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&nbsp;/g, "\u00a0")
    .replace(/&amp;/g, "&");
}

/** Attributes of one start tag, names lower-cased, values entity-decoded ("" for bare ones). */
function parseAttributes(tag: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const body = tag.replace(/^<[a-z0-9]+/i, "").replace(/\/?>$/, "");
  for (const match of body.matchAll(/([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    const name = match[1];
    if (!name) continue;
    attributes.set(name.toLowerCase(), decodeEntities(match[2] ?? match[3] ?? match[4] ?? ""));
  }
  return attributes;
}

async function fetchBytes(url: string): Promise<{ status: number; data: Buffer }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(15_000), headers: { "accept-language": "en" } });
  return { status: response.status, data: Buffer.from(await response.arrayBuffer()) };
}

/**
 * Fetches a page and everything it references with `<script src>` and
 * `<link rel="stylesheet">`, and measures each file gzipped (level 9) on
 * its own, as a browser would download it. Chunks named only inside the
 * inline React payload (loaded later by the runtime) count as JS too.
 */
export async function measurePage(baseUrl: string, pagePath: string): Promise<PageWeight> {
  const page = await fetchBytes(`${baseUrl}${pagePath}`);
  if (page.status !== 200) throw new Error(`GET ${pagePath} answered ${page.status}`);
  const html = page.data.toString("utf8");
  const mainEnd = html.lastIndexOf("</main>");

  const cssUrls: string[] = [];
  const jsUrls: string[] = [];
  const nomoduleUrls: string[] = [];
  const blockingScripts: string[] = [];
  for (const match of html.matchAll(/<(script|link)\b[^>]*>/gi)) {
    const tag = match[0];
    const attributes = parseAttributes(tag);
    if (match[1]?.toLowerCase() === "link") {
      const rel = (attributes.get("rel") ?? "").toLowerCase().split(/\s+/);
      const href = attributes.get("href");
      if (rel.includes("stylesheet") && href && !cssUrls.includes(href)) cssUrls.push(href);
      continue;
    }
    const src = attributes.get("src");
    const isModule = (attributes.get("type") ?? "").toLowerCase() === "module";
    const isNomodule = attributes.has("nomodule");
    const deferred = attributes.has("async") || attributes.has("defer") || isModule || isNomodule;
    const atEnd = mainEnd >= 0 && (match.index ?? 0) > mainEnd;
    if (!deferred && !atEnd) blockingScripts.push(src ?? `inline script at offset ${match.index ?? 0}`);
    if (!src) continue;
    if (isNomodule) {
      if (!nomoduleUrls.includes(src)) nomoduleUrls.push(src);
    } else if (!jsUrls.includes(src)) {
      jsUrls.push(src);
    }
  }
  // The flight payload escapes quotes (\"), so stop at a backslash too.
  for (const match of html.matchAll(/\/_next\/static\/[^"'\\\s<>]+?\.js\b/g)) {
    const src = match[0];
    if (!jsUrls.includes(src) && !nomoduleUrls.includes(src)) jsUrls.push(src);
  }

  const fetchAssets = (urls: string[]) =>
    Promise.all(
      urls.map(async (url): Promise<Asset> => {
        const absolute = new URL(url, `${baseUrl}${pagePath}`).toString();
        const asset = await fetchBytes(absolute);
        if (asset.status !== 200) throw new Error(`GET ${url} (from ${pagePath}) answered ${asset.status}`);
        return { url, bytes: asset.data.length, gzipBytes: gzipSize(asset.data) };
      }),
    );
  const [css, js, nomoduleJs] = await Promise.all([fetchAssets(cssUrls), fetchAssets(jsUrls), fetchAssets(nomoduleUrls)]);
  const sum = (assets: Asset[]) => assets.reduce((total, asset) => total + asset.gzipBytes, 0);
  const htmlGzip = gzipSize(page.data);
  return {
    path: pagePath,
    status: page.status,
    htmlBytes: page.data.length,
    htmlGzip,
    cssGzip: sum(css),
    jsGzip: sum(js),
    totalGzip: htmlGzip + sum(css) + sum(js),
    css,
    js,
    nomoduleJs,
    scriptsDeferred: blockingScripts.length === 0,
    blockingScripts,
    html,
  };
}

/** The first `<form>…</form>` that posts the sign form's fields without JavaScript. */
export function checkSignForm(html: string): { ok: boolean; missing: string[] } {
  const missing: string[] = [];
  for (const formMatch of html.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/gi)) {
    const form = formMatch[0];
    const formTag = parseAttributes(/^<form\b[^>]*>/i.exec(form)?.[0] ?? "");
    const controls = [...form.matchAll(/<(input|select|textarea|button)\b[^>]*>/gi)].map((m) => parseAttributes(m[0]));
    const names = new Set(controls.map((attributes) => attributes.get("name")).filter(Boolean));
    const wanted = ["name", "email", "country", "acceptPrivacy"];
    if (!wanted.every((name) => names.has(name))) continue;
    if ((formTag.get("method") ?? "get").toLowerCase() !== "post") missing.push("method=post");
    // A server action posts back to the page itself (action="" plus $ACTION_ fields); otherwise a real URL.
    const hasAction = formTag.has("action") || [...names].some((name) => name?.startsWith("$ACTION_"));
    if (!hasAction) missing.push("action");
    const hasSubmit = controls.some((attributes) => attributes.get("type") === "submit");
    if (!hasSubmit) missing.push("submit button");
    return { ok: missing.length === 0, missing };
  }
  return { ok: false, missing: ["a <form> with name, email, country and acceptPrivacy fields"] };
}

/** Plain text of the HTML before the first inline script payload, whitespace folded. */
function visibleText(html: string): string {
  const body = html.replace(/<script\b[\s\S]*?<\/script>/gi, " ").replace(/<style\b[\s\S]*?<\/style>/gi, " ");
  return decodeEntities(body.replace(/<[^>]+>/g, " ")).replace(/\s+/g, " ");
}

/**
 * Whether every paragraph of the letter's source text (content/letter.<locale>.md)
 * is in the server-rendered HTML, outside scripts: readable before JavaScript.
 */
export function checkLetterText(html: string, appDir: string, locale: string): { ok: boolean; found: number; total: number } {
  const file = path.join(appDir, "content", `letter.${locale}.md`);
  let source: string;
  try {
    source = fs.readFileSync(file, "utf8");
  } catch {
    return { ok: false, found: 0, total: 0 };
  }
  const withoutFrontMatter = source.replace(/^---\n[\s\S]*?\n---\n/, "");
  const paragraphs = withoutFrontMatter
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, " ").trim())
    .filter((paragraph) => paragraph.length > 0);
  const text = visibleText(html);
  const found = paragraphs.filter((paragraph) => text.includes(paragraph)).length;
  return { ok: paragraphs.length > 0 && found === paragraphs.length, found, total: paragraphs.length };
}
