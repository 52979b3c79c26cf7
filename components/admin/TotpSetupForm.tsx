"use client";

import { useActionState } from "react";

export type TotpSetupLabels = {
  code: string;
  confirm: string;
  recoveryHeading: string;
  recoveryIntro: string;
  signInAgain: string;
  continue: string;
  errors: Record<string, string>;
};

type State = { recoveryCodes?: string[]; error?: string };

/**
 * The last step of TOTP setup: posts the secret back with the first code and,
 * on success, shows the recovery codes from the action's answer (they never
 * travel in a URL and are not shown again). Turning the factor on ended
 * every session of the account, this one too (decision 0018): the button
 * leads to sign-in.
 */
export function TotpSetupForm({ secret, labels, action }: { secret: string; labels: TotpSetupLabels; action: (state: State, formData: FormData) => Promise<State> }) {
  const [state, formAction, pending] = useActionState(action, {});
  if (state.recoveryCodes) {
    return (
      <section aria-labelledby="recovery-heading">
        <h2 id="recovery-heading">{labels.recoveryHeading}</h2>
        <p>{labels.recoveryIntro}</p>
        <ul className="recovery-codes" aria-label={labels.recoveryHeading}>
          {state.recoveryCodes.map((code) => (
            <li key={code}>
              <code>{code}</code>
            </li>
          ))}
        </ul>
        <p>{labels.signInAgain}</p>
        <a href="/admin/login" className="button button--primary">
          {labels.continue}
        </a>
      </section>
    );
  }
  return (
    <form action={formAction} className="sign-form narrow-form">
      {state.error ? (
        <p className="form-alert" role="alert">
          {labels.errors[state.error] ?? labels.errors.invalid}
        </p>
      ) : null}
      <input type="hidden" name="secret" value={secret} />
      <div className="field">
        <label htmlFor="totp-code">{labels.code}</label>
        <input id="totp-code" name="code" type="text" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]*" maxLength={8} required />
      </div>
      <button type="submit" className="button button--primary" disabled={pending}>
        {labels.confirm}
      </button>
    </form>
  );
}
