/**
 * Where a crowd signing an open letter has its mailboxes (issue 16): most at
 * the big providers, the rest spread over mid-size national providers,
 * universities and companies. Only the big providers are exempt from the
 * per-domain limit (server/abuse/check-sign-limits.ts, decision 0011), so
 * this mix makes the bench pay for the per-domain count that real traffic
 * pays for. Shares are of all signatures; each group is spread evenly over
 * its domains, so that in a 10 s run at 5,000/s no mid-size domain passes
 * the per-domain hourly limit (300): ~130 signatures each.
 */
export const DOMAIN_MIX = [
  {
    group: "big providers",
    share: 0.6,
    domains: ["gmail.com", "mail.ru", "yandex.ru", "outlook.com", "proton.me", "gmx.de", "icloud.com", "ukr.net", "hotmail.com", "yahoo.com", "web.de", "inbox.ru"],
  },
  {
    group: "mid-size national providers",
    share: 0.25,
    domains: [
      "seznam.cz", "wp.pl", "o2.pl", "onet.pl", "interia.pl", "libero.it", "virgilio.it", "orange.fr", "free.fr", "laposte.net",
      "sfr.fr", "bluewin.ch", "telenet.be", "ziggo.nl", "kpnmail.nl", "hetnet.nl", "tiscali.it", "abv.bg", "mail.bg", "inbox.lv",
      "inbox.lt", "centrum.cz", "azet.sk", "zoznam.sk", "freemail.hu", "citromail.hu", "online.de", "arcor.de", "freenet.de", "posteo.de",
      "mailbox.org", "tutanota.com", "fastmail.com", "zoho.com", "mail.ee", "hot.ee", "tut.by", "mail.kz", "bigmir.net", "i.ua",
      "online.ua", "email.ua", "gmx.at", "aon.at", "chello.at", "sapo.pt", "ono.com", "telefonica.net", "otenet.gr", "walla.co.il",
      "bezeqint.net", "mail.ge", "mail.am", "rambler.ua", "pochta.ru", "ngs.ru", "nm.ru", "narod.ru", "qip.ru", "hotbox.ru",
    ],
  },
  {
    group: "universities",
    share: 0.1,
    domains: Array.from({ length: 120 }, (_, index) => `students.university${index + 1}.edu`),
  },
  {
    group: "companies and organisations",
    share: 0.05,
    domains: Array.from({ length: 200 }, (_, index) => `company${index + 1}.example.com`),
  },
] as const;

/** The domain of the `n`th signature: deterministic, so two runs send the same mix. */
export function pickDomain(n: number): string {
  // A fixed permutation of 0..999 decides the group, so groups interleave instead of arriving in runs.
  const slot = (n * 7919) % 1000;
  let threshold = 0;
  for (const { share, domains } of DOMAIN_MIX) {
    threshold += share * 1000;
    if (slot < threshold) return domains[Math.floor(n / 1000 + n) % domains.length]!;
  }
  return DOMAIN_MIX[0].domains[0];
}
