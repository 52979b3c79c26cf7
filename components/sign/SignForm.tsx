"use client";

import { useActionState, useEffect, useMemo, useRef, useState, useSyncExternalStore, type FocusEvent, type FormEvent, type ReactNode } from "react";
import { FieldHint } from "@/components/ui/FieldHint";
import type { CountryOption } from "@/lib/countries";
import { isRiskyEmailDomain, type RiskyEmailDomains } from "@/lib/risky-email";
import { solveProofOfWork } from "./proof-of-work";
import { INITIAL_SIGN_FORM_STATE, type SignFormErrorMessages, type SignFormState } from "@/lib/schemas/sign-form-state";
import { FILL_TIME_FIELD, HONEYPOT_FIELD, PROOF_OF_WORK_FIELD, parseSignLetter, type SignLetterErrors, type SignLetterField } from "@/lib/schemas/sign-letter";

export type SignFormLabels = {
  name: string;
  nameHint: string;
  email: string;
  emailHint: string;
  country: string;
  countryPlaceholder: string;
  city: string;
  isPublicName: string;
  isPublicNameHint: string;
  wantsUpdates: string;
  acceptPrivacy: ReactNode;
  submit: string;
  submitting: string;
  errorSummary: string;
  failed: string;
  /** Shown when the server refuses for now: too many signatures from this connection or domain. */
  rateLimited: string;
  /** Shown when the proof of work failed (missing, wrong, expired or already used). */
  botCheckFailed: string;
  /** The submit button's text while the proof of work is still being solved. */
  checkingBrowser: string;
  /** The honeypot's label ("Leave this empty"), for the rare person whose tools expose it. */
  honeypot: string;
  errors: SignFormErrorMessages;
};

/** The warning about email providers that must hand mail to Russian authorities, in the reader's language. */
export type RiskyEmailLabels = {
  notice: string;
  suggestion: string;
  guidanceLink: string;
  guidanceHref: string;
  held: string;
};

const FIELD_ORDER: SignLetterField[] = ["name", "email", "country", "city", "acceptPrivacy"];
const ATTRIBUTION_PARAMS = ["ref", "utm_source", "utm_campaign"] as const;
const noSubscription = () => () => undefined;
/** A solved challenge is used before it expires (10 minutes on the server). */
const PROOF_OF_WORK_MAX_AGE_MS = 9 * 60 * 1000;

function readForm(form: HTMLFormElement): Record<string, FormDataEntryValue> {
  return Object.fromEntries(new FormData(form).entries());
}

/**
 * The sign form. It is a plain HTML form posting to a server action, so it
 * works before (or without) JavaScript; once hydrated, the same schema as
 * the server checks each field as the person leaves it.
 */
export function SignForm({
  action,
  locale,
  countries,
  labels,
  riskyEmail,
}: {
  action: (state: SignFormState, formData: FormData) => Promise<SignFormState>;
  locale: string;
  countries: CountryOption[];
  labels: SignFormLabels;
  /** When given, a risky email provider gets a notice and the first submit with it is held once. */
  riskyEmail?: { list: RiskyEmailDomains; labels: RiskyEmailLabels };
}) {
  const [state, formAction, isPending] = useActionState(action, INITIAL_SIGN_FORM_STATE);
  const [clientErrors, setClientErrors] = useState<SignLetterErrors | null>(null);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitFailed, setSubmitFailed] = useState(false);
  // The email as last typed (null until the person touches the field), and
  // whether one submit was already held for a risky provider: the warning
  // never refuses an address, it only makes sure it was seen.
  const [typedEmail, setTypedEmail] = useState<string | null>(null);
  const [heldOnce, setHeldOnce] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  // The minimum fill time (decision 0011): the page is prerendered and
  // cached, so only the browser knows when the form appeared. The clock
  // starts on hydration and the elapsed ms are written into the hidden field
  // as the form is sent; without JavaScript the field stays empty and the
  // server skips the check.
  const fillTimeRef = useRef<HTMLInputElement>(null);
  const startedAtRef = useRef<number | null>(null);
  useEffect(() => {
    startedAtRef.current = performance.now();
  }, []);
  // The proof of work (decision 0011): solved in the background once the
  // person starts on the form, written into the hidden field on submit; a
  // submit before it is done waits for it ("Checking your browser…"). Each
  // payload is used once, so every submission gets a fresh one.
  const proofRef = useRef<HTMLInputElement>(null);
  const proof = useRef<{ promise: Promise<string | null>; startedAt: number; result?: string | null } | null>(null);
  const [checking, setChecking] = useState(false);
  const startProofOfWork = () => {
    if (!proof.current || performance.now() - proof.current.startedAt > PROOF_OF_WORK_MAX_AGE_MS) {
      const entry: NonNullable<typeof proof.current> = { promise: solveProofOfWork(), startedAt: performance.now() };
      void entry.promise.then((payload) => {
        entry.result = payload;
      });
      proof.current = entry;
    }
    return proof.current;
  };
  const riskNoticeRef = useRef<HTMLDivElement>(null);
  const errors = clientErrors ?? state.errors;
  // The letter page is static, so the share code (?ref=) and utm_* of the link
  // the reader came through are read here. Without JavaScript the signature
  // simply arrives unattributed.
  const search = useSyncExternalStore(noSubscription, () => window.location.search, () => "");
  const attribution = useMemo(() => {
    const query = new URLSearchParams(search);
    return ATTRIBUTION_PARAMS.flatMap((key) => {
      const value = query.get(key);
      return value ? [[key, value.slice(0, 100)] as const] : [];
    });
  }, [search]);
  const values = state.values;
  const isRisky = riskyEmail ? isRiskyEmailDomain(typedEmail ?? values.email ?? "", riskyEmail.list) : false;
  const noteEmail = (target: EventTarget) => {
    if (target instanceof HTMLInputElement && target.name === "email") setTypedEmail(target.value);
  };

  const validate = (form: HTMLFormElement, only?: Set<string>): SignLetterErrors => {
    const result = parseSignLetter(readForm(form));
    const all = result.success ? {} : result.errors;
    if (!only) return all;
    return Object.fromEntries(Object.entries(all).filter(([field]) => only.has(field)));
  };

  const onBlur = (event: FocusEvent<HTMLFormElement>) => {
    const field = event.target.getAttribute("name");
    noteEmail(event.target);
    if (!field || !formRef.current) return;
    const nextTouched = new Set(touched).add(field);
    setTouched(nextTouched);
    setClientErrors(validate(formRef.current, nextTouched));
  };

  const onChange = (event: FormEvent<HTMLFormElement>) => {
    const field = (event.target as Element).getAttribute("name");
    noteEmail(event.target);
    if (!formRef.current || !field || !errors[field as SignLetterField]) return;
    setClientErrors(validate(formRef.current, touched.has(field) ? touched : new Set(touched).add(field)));
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const form = event.currentTarget;
    const found = validate(form);
    setTouched(new Set(FIELD_ORDER));
    if (Object.keys(found).length > 0) {
      event.preventDefault();
      setClientErrors(found);
      setSubmitFailed(true);
      const first = FIELD_ORDER.find((field) => found[field]);
      if (first) form.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      return;
    }
    setClientErrors(null);
    setSubmitFailed(false);
    if (fillTimeRef.current && startedAtRef.current !== null) {
      fillTimeRef.current.value = String(Math.max(0, Math.round(performance.now() - startedAtRef.current)));
    }
    const email = String(new FormData(form).get("email") ?? "");
    if (riskyEmail && !heldOnce && isRiskyEmailDomain(email, riskyEmail.list)) {
      event.preventDefault();
      setTypedEmail(email);
      setHeldOnce(true);
      // After React shows the "press Sign again" line, move focus to it.
      requestAnimationFrame(() => riskNoticeRef.current?.focus());
      startProofOfWork();
      return;
    }
    const entry = startProofOfWork();
    if (entry.result === undefined) {
      // Not solved yet: wait for it, then send the form again (from a new
      // task: a form ignores requestSubmit while its submit event is being
      // dispatched). A failure sends no payload and the server asks to try again.
      event.preventDefault();
      if (checking) return;
      setChecking(true);
      void entry.promise.then(() => {
        setTimeout(() => {
          setChecking(false);
          form.requestSubmit();
        }, 0);
      });
      return;
    }
    if (proofRef.current) proofRef.current.value = entry.result ?? "";
    // This payload is now spent: the next submission solves a fresh one.
    proof.current = null;
  };

  const errorFor = (field: SignLetterField) => {
    const code = errors[field];
    return code ? labels.errors[code] : undefined;
  };
  const describedBy = (field: SignLetterField, hint?: boolean) =>
    [hint ? `sign-${field}-hint` : "", errors[field] ? `sign-${field}-error` : "", field === "email" && isRisky ? "sign-email-risk" : ""]
      .filter(Boolean)
      .join(" ") || undefined;
  const hasErrors = FIELD_ORDER.some((field) => errors[field]);
  const showSummary = hasErrors && (submitFailed || (state.status === "invalid" && clientErrors === null));

  return (
    <form
      ref={formRef}
      action={formAction}
      onSubmit={onSubmit}
      onFocus={() => void startProofOfWork()}
      onBlur={onBlur}
      onChange={onChange}
      noValidate
      className="sign-form"
      aria-describedby={
        state.status === "error"
          ? "sign-failed"
          : state.status === "rateLimited"
            ? "sign-rate-limited"
            : state.status === "botCheckFailed"
              ? "sign-bot-check-failed"
              : undefined
      }
    >
      <input type="hidden" name="locale" value={locale} />
      <input ref={fillTimeRef} type="hidden" name={FILL_TIME_FIELD} defaultValue="" />
      <input ref={proofRef} type="hidden" name={PROOF_OF_WORK_FIELD} defaultValue="" />
      {/* The honeypot: hidden from people and assistive technology, filled by bots (decision 0011). */}
      <div className="visually-hidden" aria-hidden="true">
        <label htmlFor="sign-website">{labels.honeypot}</label>
        <input id="sign-website" name={HONEYPOT_FIELD} type="text" tabIndex={-1} autoComplete="off" defaultValue="" />
      </div>
      {attribution.map(([key, value]) => (
        <input key={key} type="hidden" name={key} value={value} />
      ))}
      {state.status === "error" ? (
        <p id="sign-failed" className="form-alert" role="alert">
          {labels.failed}
        </p>
      ) : null}
      {state.status === "rateLimited" ? (
        <p id="sign-rate-limited" className="form-alert" role="alert">
          {labels.rateLimited}
        </p>
      ) : null}
      {state.status === "botCheckFailed" ? (
        <p id="sign-bot-check-failed" className="form-alert" role="alert">
          {labels.botCheckFailed}
        </p>
      ) : null}
      {showSummary ? (
        <div className="form-alert" role="alert">
          <p>{labels.errorSummary}</p>
          <ul>
            {FIELD_ORDER.filter((field) => errors[field]).map((field) => (
              <li key={field}>
                <a href={`#sign-${field}`}>{errorFor(field)}</a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <div className="field">
        <label htmlFor="sign-name">{labels.name}</label>
        <FieldHint fieldId="sign-name">{labels.nameHint}</FieldHint>
        <input
          id="sign-name"
          name="name"
          type="text"
          autoComplete="name"
          required
          maxLength={200}
          defaultValue={values.name}
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={describedBy("name", true)}
        />
        {errors.name ? (
          <p id="sign-name-error" className="field-error">
            {errorFor("name")}
          </p>
        ) : null}
      </div>

      <div className="field">
        <label htmlFor="sign-email">{labels.email}</label>
        <FieldHint fieldId="sign-email">{labels.emailHint}</FieldHint>
        <input
          id="sign-email"
          name="email"
          type="email"
          autoComplete="email"
          inputMode="email"
          spellCheck={false}
          required
          maxLength={320}
          defaultValue={values.email}
          aria-invalid={errors.email ? true : undefined}
          aria-describedby={describedBy("email", true)}
        />
        {errors.email ? (
          <p id="sign-email-error" className="field-error">
            {errorFor("email")}
          </p>
        ) : null}
        {riskyEmail ? (
          // Always in the page (empty when there is nothing to say) so screen
          // readers announce it politely when it fills in.
          <div id="sign-email-risk" ref={riskNoticeRef} role="status" tabIndex={-1} className={isRisky ? "note risk-notice" : undefined}>
            {isRisky ? (
              <>
                <p>
                  {riskyEmail.labels.notice} {riskyEmail.labels.suggestion}{" "}
                  <a href={riskyEmail.labels.guidanceHref} target="_blank" rel="noopener">
                    {riskyEmail.labels.guidanceLink}
                  </a>
                </p>
                {heldOnce ? (
                  <p>
                    <strong>{riskyEmail.labels.held}</strong>
                  </p>
                ) : null}
              </>
            ) : null}
          </div>
        ) : null}
      </div>

      <div className="field">
        <label htmlFor="sign-country">{labels.country}</label>
        <select
          id="sign-country"
          name="country"
          required
          autoComplete="country"
          defaultValue={values.country ?? ""}
          aria-invalid={errors.country ? true : undefined}
          aria-describedby={describedBy("country")}
        >
          <option value="">{labels.countryPlaceholder}</option>
          {countries.map((country) => (
            <option key={country.code} value={country.code}>
              {country.name}
            </option>
          ))}
        </select>
        {errors.country ? (
          <p id="sign-country-error" className="field-error">
            {errorFor("country")}
          </p>
        ) : null}
      </div>

      <div className="field">
        <label htmlFor="sign-city">{labels.city}</label>
        <input
          id="sign-city"
          name="city"
          type="text"
          autoComplete="address-level2"
          maxLength={200}
          defaultValue={values.city}
          aria-invalid={errors.city ? true : undefined}
          aria-describedby={describedBy("city")}
        />
        {errors.city ? (
          <p id="sign-city-error" className="field-error">
            {errorFor("city")}
          </p>
        ) : null}
      </div>

      <div className="field field--check">
        <input
          id="sign-isPublicName"
          name="isPublicName"
          type="checkbox"
          defaultChecked={values.isPublicName === "on"}
          aria-describedby="sign-isPublicName-hint"
        />
        <label htmlFor="sign-isPublicName">{labels.isPublicName}</label>
        <FieldHint fieldId="sign-isPublicName">{labels.isPublicNameHint}</FieldHint>
      </div>

      <div className="field field--check">
        <input id="sign-wantsUpdates" name="wantsUpdates" type="checkbox" defaultChecked={values.wantsUpdates === "on"} />
        <label htmlFor="sign-wantsUpdates">{labels.wantsUpdates}</label>
      </div>

      <div className="field field--check">
        <input
          id="sign-acceptPrivacy"
          name="acceptPrivacy"
          type="checkbox"
          required
          defaultChecked={values.acceptPrivacy === "on"}
          aria-invalid={errors.acceptPrivacy ? true : undefined}
          aria-describedby={describedBy("acceptPrivacy")}
        />
        <label htmlFor="sign-acceptPrivacy">{labels.acceptPrivacy}</label>
        {errors.acceptPrivacy ? (
          <p id="sign-acceptPrivacy-error" className="field-error">
            {errorFor("acceptPrivacy")}
          </p>
        ) : null}
      </div>

      <button type="submit" className="button button--primary" disabled={isPending || checking}>
        {checking ? labels.checkingBrowser : isPending ? labels.submitting : labels.submit}
      </button>
    </form>
  );
}
