import createMiddleware from "next-intl/middleware";
import { routing } from "./lib/i18n/routing";

// Only picks the locale for URLs that lack one (`/` → `/ru` from
// Accept-Language). Not a security boundary: nothing here authorizes.
export default createMiddleware(routing);

export const config = {
  // Everything except API routes, the dev mailbox, Next internals and files with an extension.
  matcher: ["/((?!api|dev|_next|_vercel|.*\\..*).*)"],
};
