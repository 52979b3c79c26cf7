const GMAIL_DOMAINS = new Set(["gmail.com", "googlemail.com"]);

// Practical shape of an address people can receive mail at: no spaces or
// quotes, one @, a domain with a dot and a letter TLD. RFC 5322's full
// grammar admits addresses no mail provider hands out.
const EMAIL_SHAPE = /^[^\s@"(),:;<>[\\\]]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+[\p{L}]{2,63}$/u;

export const EMAIL_MAX_LENGTH = 254;

export function isEmailShape(value: string): boolean {
  if (value.length > EMAIL_MAX_LENGTH) return false;
  const at = value.lastIndexOf("@");
  if (at < 1 || at > 64) return false;
  const local = value.slice(0, at);
  if (local.startsWith(".") || local.endsWith(".") || local.includes("..")) return false;
  return EMAIL_SHAPE.test(value);
}

/**
 * The key that makes one signature per person: lower-case, NFC, trimmed;
 * a `+tag` is dropped (the same mailbox), and for Gmail dots too and
 * googlemail.com folds into gmail.com, as the UK petitions site does.
 */
export function normalizeEmail(value: string): string {
  const email = value.normalize("NFC").trim().toLowerCase();
  const at = email.lastIndexOf("@");
  if (at < 1) return email;
  let local = email.slice(0, at);
  let domain = email.slice(at + 1).replace(/\.$/, "");
  const plus = local.indexOf("+");
  if (plus > 0) local = local.slice(0, plus);
  if (GMAIL_DOMAINS.has(domain)) {
    local = local.replaceAll(".", "");
    domain = "gmail.com";
  }
  return `${local}@${domain}`;
}

/** The domain part of an address, lower-cased. */
export function getEmailDomain(value: string): string {
  return value.slice(value.lastIndexOf("@") + 1).trim().toLowerCase();
}
