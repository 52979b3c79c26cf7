import * as z from "zod/mini";
import { LOCALES } from "../i18n/locales";

/** Every link token (confirm, manage, withdraw): base64url, with or without its time prefix. */
export const LINK_TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,100}$/;

/** The confirmation button's form (`POST /api/v1/confirmations`), as form fields or JSON. */
export const confirmSignatureSchema = z.object({
  token: z.string().check(z.regex(LINK_TOKEN_SHAPE)),
  locale: z.optional(z.enum(LOCALES)),
});

export type ConfirmSignatureData = z.infer<typeof confirmSignatureSchema>;
