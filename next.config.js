// @ts-check
const createNextIntlPlugin = require("next-intl/plugin");

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

/**
 * Headers every response gets. The strict nonce-based CSP comes with the
 * abuse/privacy work; this one already forbids every other origin.
 */
const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  // same-origin, not no-referrer: with no-referrer browsers send `Origin: null`
  // on form posts and Next refuses server actions without JavaScript.
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), interest-cohort=()" },
  {
    key: "Content-Security-Policy",
    value: [
      "default-src 'self'",
      "script-src 'self' 'unsafe-inline'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "font-src 'self'",
      "connect-src 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "object-src 'none'",
    ].join("; "),
  },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  serverExternalPackages: ["better-sqlite3", "@node-rs/argon2"],
  // forbidden() for admin pages a signed-in organizer's role does not allow (403).
  experimental: { authInterrupts: true },
  outputFileTracingIncludes: { "/**": ["./db/migrations/**/*", "./content/**/*"] },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

module.exports = withNextIntl(nextConfig);
