import type { UpdateField } from "./update";

/** What the update editor's action answers when it does not redirect. */
export type UpdateFormState = {
  status: "idle" | "invalid" | "error";
  /**
   * An error code per field (UPDATE_ERROR_CODES) and, under `form`, one about
   * the whole update: `textRequired`, `updateChanged` (someone saved since
   * the editor opened), `forbidden`, `failed`.
   */
  errors: Partial<Record<UpdateField, string>>;
  /** What was typed, so a page rendered without JavaScript keeps it. */
  values: Record<string, string>;
};

export const INITIAL_UPDATE_FORM_STATE: UpdateFormState = { status: "idle", errors: {}, values: {} };
