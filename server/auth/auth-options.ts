import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getConfig } from "@/server/config";
import { isAppError } from "@/server/errors";
import { getRateLimitIpHash } from "@/server/security/client-ip";
import { authenticateOrganizer } from "./authenticate-organizer";
import { isSessionCurrent, SESSION_IDLE_SECONDS, SessionEndedError } from "./session-version";

let cached: NextAuthOptions | undefined;

/**
 * next-auth (v4) for organizers: email + password (argon2id), JWT sessions.
 * The token carries the user id, the account's session version and the
 * sign-in time; the jwt callback checks them against the database on every
 * request that reads the session (getServerSession, /api/auth/session), so a
 * new password, role or second factor, or a disabled account, ends every
 * session at once, and no session outlives 12 hours (decision 0018). Every
 * page, route and action also re-reads the account (requireOrganizer).
 */
export function getAuthOptions(): NextAuthOptions {
  if (cached) return cached;
  const config = getConfig();
  process.env.NEXTAUTH_URL ??= config.appUrl;
  cached = {
    secret: config.authSecret,
    session: { strategy: "jwt", maxAge: SESSION_IDLE_SECONDS },
    pages: { signIn: "/admin/login", error: "/admin/login" },
    useSecureCookies: config.appUrl.startsWith("https://"),
    logger: {
      error(code, metadata) {
        // An ended session is an answer, not a fault: next-auth clears the cookie and the visitor signs in again.
        if (metadata instanceof SessionEndedError) return;
        console.error(`[next-auth][error][${code}]`, metadata);
      },
    },
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
            if (!organizer) return null;
            const user = { id: String(organizer.id), email: organizer.email, sessionVersion: organizer.sessionVersion };
            return user;
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
        if (user) {
          // Signing in: the only moment a session gets its version and its start.
          token.sub = user.id;
          token.sessionVersion = (user as { sessionVersion?: number }).sessionVersion;
          token.signedInAt = Date.now();
          return token;
        }
        if (!isSessionCurrent({ token })) throw new SessionEndedError();
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { email: session.user?.email ?? null, id: token.sub, sessionVersion: token.sessionVersion } } as typeof session;
      },
    },
  };
  return cached;
}
