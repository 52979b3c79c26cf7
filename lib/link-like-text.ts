// A signer's name is written into the confirmation email ("Hello {name}")
// sent to whatever address was typed, so a name that a mail program shows as
// a link would let anyone make the campaign's sender mail a phishing line to
// a chosen inbox (decision 0017). Names refuse what a mail program could
// turn into a link: an address with @, a URL, a domain.

// Mail programs link these schemes even without "//".
const SCHEME = /:\/\/|\b(?:mailto|tel|sms|tg|callto|skype|viber|whatsapp):/i;
// Any character of a host-name label, in any script, with the invisible joiners and marks that
// can hide inside one (a zero-width joiner does not stop every linkifier).
const LABEL = String.raw`[\p{L}\p{M}\p{N}\p{Cf}_-]+`;
// After NFKC, the full-width dots are "." and the half-width ideographic one is "。" (U+3002).
const DOT = "[.\u3002]";
/** `label(.label)*.tld`, where a top-level domain is letters (or punycode), followed by no letter or digit. */
const HOST = new RegExp(`(${LABEL}(?:${DOT}${LABEL})*)${DOT}(xn--[a-z0-9-]+|\\p{L}[\\p{L}\\p{M}]+)(?![\\p{L}\\p{M}\\p{N}])`, "giu");
const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}\b/;
const MAY_BE_LINK = /[@:.\u3002]/;

/**
 * Top-level domains that are cheap, popular or much abused. A short word
 * after initials (`A.Smith`, `И.Иванов`, `Dr.Watson`) is a name, unless it is
 * one of these: `t.me`, `vk.com`, `ya.ru` and `my.site` are links.
 */
const COMMON_TLDS: ReadonlySet<string> = new Set(
  (
    "com net org info biz pro name mobi xyz top site online website space store shop click link live life world today " +
    "app dev page web email news blog help support tech icu cyou buzz sbs cfd bond vip club fun lol rest quest monster " +
    "win bid loan work men date party review trade download stream racing cam uno rip pics run one bar art " +
    "рус орг ком сайт онлайн москва дети укр"
  ).split(" "),
);

/** Whether a host name's labels before the top-level domain are initials or a short title (1–2 letters each). */
const INITIAL = /^\p{L}{1,2}$/u;
const isInitials = (labels: string[]) => labels.every((label) => INITIAL.test(label));

/**
 * Whether `text` holds something a mail program could show as a link: `@`,
 * a URL scheme, an IPv4 address or a domain name (`evil.example`,
 * `сайт.рф`, `t.me`). Initials written without a space before a surname
 * (`А.С.Пушкин`, `J.R.R.Tolkien`) are not domains.
 */
export function looksLikeLink(text: string): boolean {
  // NFKC folds look-alikes mail programs may read as ASCII: "＠" → "@", "．" → ".", "ｈｔｔｐ" → "http".
  const folded = text.normalize("NFKC");
  // Each form below needs an "@", a ":" or a dot: a name with none of them, nearly every name, is decided here.
  if (!MAY_BE_LINK.test(folded)) return false;
  if (folded.includes("@") || SCHEME.test(folded) || IPV4.test(folded)) return true;
  for (const match of folded.matchAll(HOST)) {
    const labels = match[1]!.split(/[.\u3002]/u);
    const tld = match[2]!.toLowerCase();
    if (!(isInitials(labels) && tld.length >= 3 && !COMMON_TLDS.has(tld) && !tld.startsWith("xn--"))) return true;
  }
  return false;
}
