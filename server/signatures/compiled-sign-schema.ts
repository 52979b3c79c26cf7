import "server-only";
import * as z from "zod/mini";
import { SignLetterSchema } from "@/lib/schemas/sign-letter";

/**
 * The sign schema with zod's compiled object parser: the same shape, checks
 * and error codes (decision 0002), parsed by a function zod writes for this
 * shape once (`new Function`), which the browser's script policy forbids
 * and zod/mini's object does not use. On the server it checks a signature
 * in about half the time (decision 0027, session 11).
 */
export const COMPILED_SIGN_LETTER_SCHEMA = new z.core.$ZodObjectJIT(SignLetterSchema._zod.def) as unknown as typeof SignLetterSchema;
