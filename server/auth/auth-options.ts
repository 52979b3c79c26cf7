import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getConfig } from "@/server/config";
import { isAppError } from "@/server/errors";
import { getRateLimitIpHash } from "@/server/security/client-ip";
import { authenticateOrganizer } from "./authenticate-organizer";

export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

let cached: NextAuthOptions | undefined;

/**
 * next-auth (v4) for organizers: email + password (argon2id), JWT sessions.
 * The token carries only the user id; every page, route and action re-reads
 * the account (requireOrganizer), so disabling it or changing its role takes
 * effect on the next request, not at token expiry.
 */
export function getAuthOptions(): NextAuthOptions {
  if (cached) return cached;
  const config = getConfig();
  process.env.NEXTAUTH_URL ??= config.appUrl;
  cached = {
    secret: config.authSecret,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/admin/login", error: "/admin/login" },
    useSecureCookies: config.appUrl.startsWith("https://"),
    providers: [
      CredentialsProvider({
        name: "email",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" }, totp: { label: "Code", type: "text" } },
        async authorize(credentials, request) {
          const headers = new Headers();
          for (const [name, value] of Object.entries(request?.headers ?? {})) {
            if (typeof value === "string") headers.set(name, value);
          }
          try {
            const organizer = await authenticateOrganizer({
              email: credentials?.email,
              password: credentials?.password,
              totp: credentials?.totp,
              // The peer address behind `npm start` (one bucket for every client only under plain `next start`).
              clientKey: getRateLimitIpHash(headers),
            });
            return organizer ? { id: String(organizer.id), email: organizer.email } : null;
          } catch (error) {
            // next-auth shows the message as the ?error= code on the login page.
            if (isAppError(error) && error.code === "RATE_LIMITED") throw new Error("RateLimited");
            // The login form asks for the second factor on TotpRequired (docs/decisions/0010-second-factor.md).
            if (isAppError(error) && error.messageKey === "totpRequired") throw new Error("TotpRequired");
            if (isAppError(error) && error.messageKey === "totpInvalid") throw new Error("TotpInvalid");
            throw error;
          }
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) token.sub = user.id;
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { email: session.user?.email ?? null, id: token.sub } } as typeof session;
      },
    },
  };
  return cached;
}
