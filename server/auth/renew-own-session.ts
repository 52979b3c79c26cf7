import "server-only";
import { cookies } from "next/headers";
import { decode, encode } from "next-auth/jwt";
import { getConfig } from "@/server/config";
import { getSessionCookie } from "./auth-options";
import { SESSION_IDLE_SECONDS } from "./session-version";

/**
 * After a change made in this session ended every session of the account
 * (turning on a second factor, decision 0018), gives this one session the
 * account's new version, keeping its sign-in time, so the person who made
 * the change stays signed in and every other cookie stops working. Does
 * nothing when the request's cookie is not the organizer's own session.
 * Server actions only (it sets a cookie), after `requireOrganizer`.
 */
export async function renewOwnSession(options: { organizerId: number; sessionVersion: number }): Promise<void> {
  const { name, options: cookieOptions } = getSessionCookie();
  const secret = getConfig().authSecret;
  const jar = await cookies();
  const current = jar.get(name)?.value;
  const token = current ? await decode({ token: current, secret }) : null;
  if (!token || token.sub !== String(options.organizerId)) return;
  const renewed = await encode({ token: { ...token, sessionVersion: options.sessionVersion }, secret, maxAge: SESSION_IDLE_SECONDS });
  jar.set(name, renewed, { ...cookieOptions, maxAge: SESSION_IDLE_SECONDS });
}
