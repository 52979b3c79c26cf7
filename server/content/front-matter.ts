import "server-only";
import { parse as parseYaml } from "yaml";

const FRONT_MATTER = /^---[ \t]*\n([\s\S]*?)\n---[ \t]*(?:\n|$)/;

/**
 * Splits a content file into its `---` front matter, read as YAML (the
 * `yaml` library, not a reader of our own), and the Markdown body after it.
 * A file without front matter has empty data. Line endings are made `\n`.
 */
export function splitFrontMatter(raw: string): { data: Record<string, unknown>; body: string } {
  const text = raw.replace(/\r\n?/g, "\n");
  const match = FRONT_MATTER.exec(text);
  if (!match) return { data: {}, body: text };
  const data: unknown = parseYaml(match[1]!);
  if (data !== null && (typeof data !== "object" || Array.isArray(data))) throw new Error("front matter must be a YAML mapping");
  return { data: (data ?? {}) as Record<string, unknown>, body: text.slice(match[0].length) };
}
