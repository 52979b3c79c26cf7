import type { SignErrorCode, SignLetterErrors } from "./sign-letter";

/** What the sign action answers when it does not redirect. */
export type SignFormState = {
  /**
   * "rateLimited": too many signatures from this connection or email domain;
   * "botCheckFailed": the browser's proof of work was missing, wrong or used (decision 0011).
   */
  status: "idle" | "invalid" | "error" | "rateLimited" | "botCheckFailed";
  errors: SignLetterErrors;
  /** What the person typed, so a page rendered without JavaScript keeps it. */
  values: Partial<Record<"name" | "email" | "country" | "city" | "isPublicName" | "wantsUpdates" | "acceptPrivacy", string>>;
};

export const INITIAL_SIGN_FORM_STATE: SignFormState = { status: "idle", errors: {}, values: {} };

export type SignFormErrorMessages = Record<SignErrorCode, string>;
