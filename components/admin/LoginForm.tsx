"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

export type LoginLabels = { email: string; password: string; submit: string; submitting: string; failed: string; rateLimited: string };

/** Organizer sign-in through next-auth's credentials provider. */
export function LoginForm({ labels, initialError }: { labels: LoginLabels; initialError?: string }) {
  const [error, setError] = useState<string | undefined>(initialError);
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
      redirect: false,
    });
    setPending(false);
    if (result?.ok && !result.error) {
      router.replace("/admin");
      router.refresh();
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
      ) : null}
      <div className="field">
        <label htmlFor="login-email">{labels.email}</label>
        <input id="login-email" name="email" type="email" autoComplete="username" required />
      </div>
      <div className="field">
        <label htmlFor="login-password">{labels.password}</label>
        <input id="login-password" name="password" type="password" autoComplete="current-password" required />
      </div>
      <button type="submit" className="button button--primary" disabled={pending}>
        {pending ? labels.submitting : labels.submit}
      </button>
    </form>
  );
}
