"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { FieldHint } from "@/components/ui/FieldHint";

export type LoginLabels = {
  email: string;
  password: string;
  submit: string;
  submitting: string;
  failed: string;
  rateLimited: string;
  code: string;
  codeHint: string;
  codeAsked: string;
  codeWrong: string;
};

/**
 * Organizer sign-in through next-auth's credentials provider. When the
 * account has a second factor the server answers TotpRequired; the form then
 * adds a code field, keeps email and password, and sends all three.
 */
export function LoginForm({ labels, initialError }: { labels: LoginLabels; initialError?: string }) {
  const [error, setError] = useState<string | undefined>(initialError);
  const [askCode, setAskCode] = useState(false);
  const [pending, setPending] = useState(false);
  const router = useRouter();

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setPending(true);
    setError(undefined);
    const result = await signIn("credentials", {
      email: String(data.get("email") ?? ""),
      password: String(data.get("password") ?? ""),
      ...(askCode ? { totp: String(data.get("totp") ?? "") } : {}),
      redirect: false,
    });
    setPending(false);
    if (result?.ok && !result.error) {
      router.replace("/admin");
      router.refresh();
      return;
    }
    if (result?.error === "TotpRequired") {
      setAskCode(true);
      return;
    }
    if (result?.error === "TotpInvalid") {
      setAskCode(true);
      setError(labels.codeWrong);
      return;
    }
    setError(result?.error === "RateLimited" ? labels.rateLimited : labels.failed);
  };

  return (
    <form onSubmit={onSubmit} className="sign-form" noValidate>
      {error ? (
        <p className="form-alert" role="alert">
          {error}
        </p>
      ) : askCode ? (
        <p className="note" role="status">
          {labels.codeAsked}
        </p>
      ) : null}
      <div className="field">
        <label htmlFor="login-email">{labels.email}</label>
        <input id="login-email" name="email" type="email" autoComplete="username" required />
      </div>
      <div className="field">
        <label htmlFor="login-password">{labels.password}</label>
        <input id="login-password" name="password" type="password" autoComplete="current-password" required />
      </div>
      {askCode ? (
        <div className="field">
          <label htmlFor="login-totp">{labels.code}</label>
          <FieldHint fieldId="login-totp">{labels.codeHint}</FieldHint>
          <input
            id="login-totp"
            name="totp"
            type="text"
            inputMode="text"
            autoComplete="one-time-code"
            spellCheck={false}
            maxLength={64}
            required
            aria-describedby="login-totp-hint"
            // The field appears after the first submit: put the cursor where the next step is.
            autoFocus
          />
        </div>
      ) : null}
      <button type="submit" className="button button--primary" disabled={pending}>
        {pending ? labels.submitting : labels.submit}
      </button>
    </form>
  );
}
