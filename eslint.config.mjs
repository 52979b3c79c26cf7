import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: [".next/**", "dist/**", "node_modules/**", "next-env.d.ts", "db/migrations/**", "test-results/**", "playwright-report/**", "bench/out/**"],
  },
  {
    rules: {
      "no-console": ["error", { allow: ["warn", "error"] }],
      // Plain anchors on purpose: the public pages work as documents, without client-side routing.
      "@next/next/no-html-link-for-pages": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Layering (docs/decisions/0001): routes and components never touch the database.
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "lib/**/*.{ts,tsx}"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@/db/*", "**/db/*"], message: "Go through server/: routes and components never import db/." }] },
      ],
    },
  },
  {
    files: ["components/**/*.{ts,tsx}", "lib/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/db/*", "**/db/*"], message: "Go through server/." },
            { group: ["@/server/*", "**/server/*"], message: "components/ and lib/ are browser-safe: no server/ imports." },
          ],
        },
      ],
    },
  },
  {
    files: ["scripts/**", "bench/**", "e2e/**", "test/**"],
    rules: { "no-console": "off" },
  },
  {
    // Playwright fixtures receive a `use` callback that is not a React hook.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    files: ["next.config.js"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
];

export default config;
