import { getEmailDomain } from "@/lib/email";

/**
 * The list in content/risky-email-domains.json: providers that must hand
 * mail to Russian authorities on request. Loaded on the server and passed to
 * the sign form as a prop (it is a few hundred bytes), so this module stays
 * browser-safe and has no file access.
 */
export type RiskyEmailDomains = {
  /** Matched exactly and with any subdomain: "mail.ru" covers "mail.ru" and "sub.mail.ru". */
  domains: string[];
  /** Matched at the start of the domain: "yandex." covers "yandex.ru" and "yandex.com.tr". */
  prefixes: string[];
};

const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === "string");

/** Checks the content file's shape and lower-cases its entries; throws on a malformed file so a bad edit fails the build. */
export function parseRiskyEmailDomains(raw: unknown): RiskyEmailDomains {
  const file = raw as Partial<Record<keyof RiskyEmailDomains, unknown>> | null;
  if (!file || !isStringList(file.domains) || !isStringList(file.prefixes)) {
    throw new Error("content/risky-email-domains.json needs string lists `domains` and `prefixes`");
  }
  const clean = (list: string[]) => list.map((entry) => entry.trim().toLowerCase()).filter(Boolean);
  return { domains: clean(file.domains), prefixes: clean(file.prefixes) };
}

/**
 * Whether the address's domain belongs to a provider on `list`. Only a
 * warning is built on it: the form never refuses such an address. Lookalikes
 * do not match (notmail.ru is not mail.ru; myyandex.ru does not start with
 * "yandex."), and a trailing dot is ignored.
 */
export function isRiskyEmailDomain(email: string, list: RiskyEmailDomains): boolean {
  if (!email.includes("@")) return false;
  const domain = getEmailDomain(email).replace(/\.$/, "");
  if (!domain) return false;
  if (list.domains.some((entry) => domain === entry || domain.endsWith(`.${entry}`))) return true;
  return list.prefixes.some((prefix) => domain.startsWith(prefix) && domain.length > prefix.length);
}
