// @ts-check
const createNextIntlPlugin = require("next-intl/plugin");

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

// Shared with the custom server's own responses (server/http).
const SECURITY_HEADERS = require("./lib/security-headers.json");

/**
 * The content security policy, with `frame-ancestors` as given.
 * @param {string} frameAncestors
 */
function contentSecurityPolicy(frameAncestors) {
  // Pages need their inline scripts: allowed here only for what reaches the
  // browser without the front (`next dev`, plain `next start`); `npm start`
  // replaces this script-src with the page's own hashes (decision 0015).
  const directives = SECURITY_HEADERS.contentSecurityPolicy.map((/** @type {string} */ directive) =>
    directive.startsWith("script-src ") ? `${directive} 'unsafe-inline'` : directive,
  );
  return [...directives, `frame-ancestors ${frameAncestors}`].join("; ");
}

// Referrer-Policy is same-origin, not no-referrer: with no-referrer browsers send
// `Origin: null` on form posts and Next refuses server actions without JavaScript.
// Browsers honour HSTS only over HTTPS, so it is harmless on http://localhost.
/** @type {{ key: string, value: string }[]} */
const commonHeaders = SECURITY_HEADERS.common.map(([key, value]) => ({ key, value }));

/**
 * Headers every response gets. The CSP forbids every other origin, framing
 * included. Its script-src allows inline scripts only as a fallback for
 * `next dev` and plain `next start`: behind `npm start` the front replaces it
 * on every page with the hashes of that page's own inline scripts (decision 0015).
 */
const securityHeaders = [
  ...commonHeaders,
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Content-Security-Policy", value: contentSecurityPolicy("'none'") },
];

/**
 * The partner widgets under /embed are the only pages any site may frame:
 * no X-Frame-Options (it has no "allow all" value) and `frame-ancestors *`.
 */
const embedHeaders = [...commonHeaders, { key: "Content-Security-Policy", value: contentSecurityPolicy("*") }];

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Metadata (the <title> above all) in the first bytes of every page, for every client: Next
  // otherwise streams it after the body to browsers, and a screen reader or a page read
  // without JavaScript can meet a document with no title.
  htmlLimitedBots: /.*/,
  // pdfkit reads its font metrics from its own folder at run time: keep it out of the bundle.
  serverExternalPackages: ["better-sqlite3", "@node-rs/argon2", "pdfkit"],
  // forbidden() for admin pages a signed-in organizer's role does not allow (403).
  experimental: { authInterrupts: true },
  outputFileTracingIncludes: { "/**": ["./db/migrations/**/*", "./content/**/*", "./assets/**/*"] },
  // `/embed/counter?locale=ru` is served by app/embed/[locale]/counter: the
  // locale moves into the path so each locale is one ISR page (a page that
  // read the query would be rendered per request). No or an unknown locale: English.
  async rewrites() {
    return {
      beforeFiles: [
        {
          source: "/embed/:widget",
          has: [{ type: "query", key: "locale", value: "(?<locale>en|ru|uk)" }],
          destination: "/embed/:locale/:widget",
        },
        { source: "/embed/:widget", destination: "/embed/en/:widget" },
      ],
    };
  },
  async headers() {
    return [
      // Next applies every rule that matches, so the global rule must not match
      // /embed or /embed/… (it would add X-Frame-Options: DENY and a second CSP there).
      { source: "/:path((?!embed(?:/|$)).*)", headers: securityHeaders },
      { source: "/embed/:path*", headers: embedHeaders },
    ];
  },
};

module.exports = withNextIntl(nextConfig);
