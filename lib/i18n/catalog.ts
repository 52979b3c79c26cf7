import en from "@/messages/en.json";
import ru from "@/messages/ru.json";
import uk from "@/messages/uk.json";
import type { Locale } from "./locales";

/**
 * Every UI message catalogue, for code that translates outside a React
 * render (emails, API errors, the proxy). Never import it from a client
 * component: the browser gets strings as props instead (decision 0002).
 */
export const MESSAGE_CATALOGS: Record<Locale, typeof en> = { en, ru, uk };
