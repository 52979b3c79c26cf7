import { getFormatter, getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { FormSection } from "@/components/admin/FormSection";
import { LanguageField } from "@/components/admin/LanguageField";
import { CheckField } from "@/components/ui/CheckField";
import { DataTable } from "@/components/ui/DataTable";
import { Stat } from "@/components/ui/Stat";
import { LOCALE_NAMES, LOCALES } from "@/lib/i18n/locales";
import { getMailingPage } from "@/server/mailings/get-mailing-page";
import { can } from "@/server/auth/permissions";
import { getAdminLocale } from "../../../admin-locale";
import { requireOrganizerPage } from "../../../guard";
import {
  approveMailingAction,
  cancelMailingAction,
  confirmMailingAction,
  pauseMailingAction,
  prepareMailingAction,
  resumeMailingAction,
  sendTestMailingAction,
  setRequireMailingApprovalAction,
} from "./actions";

export const dynamic = "force-dynamic";

const DONE_KEYS = new Set(["test", "prepared", "confirmed", "awaiting", "approved", "paused", "resumed", "cancelled", "settingsSaved"]);
const ERROR_KEYS = new Set([
  "updateNotFound",
  "updateNotPublished",
  "updateHasNoText",
  "mailingInProgress",
  "mailingHasNoRecipients",
  "mailingNotFound",
  "mailingStateChanged",
  "approverMustDiffer",
  "testSendLimit",
  "confirmRequired",
  "forbidden",
]);
/** While a mailing sends, the page reloads itself this often (a meta refresh: no JavaScript needed). */
const REFRESH_SECONDS = 5;

/** One button that posts the page's ids (`fields`: the update's, and the mailing's in progress) to `action`. */
function MailingButton(props: { action: (formData: FormData) => Promise<void>; fields: ReactNode; primary?: boolean; disabled?: boolean; children: ReactNode }) {
  return (
    <form action={props.action}>
      {props.fields}
      <button type="submit" className={props.primary ? "button button--primary" : "button"} disabled={props.disabled}>
        {props.children}
      </button>
    </form>
  );
}

/**
 * Sending a published update to subscribed signers (decision 0022): who it
 * reaches, a test to yourself, prepare (the exact number), confirm (and a
 * second organizer's approval when owners require it), then progress with
 * pause, resume and cancel. Every control is a plain form.
 */
export default async function SendUpdatePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const organizer = await requireOrganizerPage("sendMailings");
  const locale = await getAdminLocale();
  const t = await getTranslations({ locale, namespace: "Admin.mailing" });
  const format = await getFormatter({ locale });
  const { id } = await params;
  const updateId = /^[1-9]\d{0,11}$/.test(id) ? Number(id) : 0;
  const page = updateId ? getMailingPage({ actor: organizer, updateId, locale }) : null;
  if (!page) notFound();
  const { update, audience, mailing } = page;
  const { done, error } = await searchParams;
  const active = mailing && ["prepared", "awaitingApproval", "sending", "paused"].includes(mailing.state) ? mailing : null;
  const hidden = (
    <>
      <input type="hidden" name="updateId" value={update.id} />
      {active ? <input type="hidden" name="mailingId" value={active.id} /> : null}
    </>
  );
  const timeLeft = (seconds: number) =>
    seconds < 60 ? t("timeLeftUnderMinute") : seconds < 3600 ? t("timeLeftMinutes", { minutes: Math.ceil(seconds / 60) }) : t("timeLeftHours", { hours: Math.floor(seconds / 3600), minutes: Math.ceil((seconds % 3600) / 60) });

  return (
    <div className="narrow">
      {mailing?.state === "sending" ? <meta httpEquiv="refresh" content={String(REFRESH_SECONDS)} /> : null}
      <h1>{t("title")}</h1>
      <p className="lede">
        {t("updateLabel")}: <strong>{update.title}</strong>
      </p>
      <p>
        <a href={`/admin/updates/${update.id}`}>{t("backToUpdate")}</a>
      </p>
      {typeof error === "string" ? (
        <p className="form-alert" role="alert">
          {t(`errors.${ERROR_KEYS.has(error) ? error : "invalid"}`)}
        </p>
      ) : typeof done === "string" && DONE_KEYS.has(done) ? (
        <p className="note" role="status">
          {t(`done.${done}`, { email: organizer.email })}
        </p>
      ) : null}

      {update.state !== "published" ? (
        <p className="form-alert">{t("errors.updateNotPublished")}</p>
      ) : (
        <>
          <section aria-labelledby="audience-heading">
            <h2 id="audience-heading">{t("audienceHeading")}</h2>
            <p>{t("audienceIntro")}</p>
            <dl className="stat-grid">
              {(["recipients", "unsubscribed", "undeliverable"] as const).map((key) => (
                <Stat key={key} label={t(key)} data-testid={`audience-${key}`}>
                  {format.number(audience[key])}
                </Stat>
              ))}
              {audience.alreadySent > 0 ? <Stat label={t("alreadySent")}>{format.number(audience.alreadySent)}</Stat> : null}
            </dl>
            <DataTable
              caption={t("byLocaleCaption")}
              rows={LOCALES}
              rowKey={(code) => code}
              columns={[
                { header: t("language"), namesRow: true, cell: (code) => LOCALE_NAMES[code] },
                { header: t("textIn"), cell: (code) => (update.locales.includes(code) ? t("textOwn") : t("textFallback")) },
                { header: t("signers"), numeric: true, cell: (code) => format.number(audience.byLocale[code]) },
              ]}
            />
          </section>

          <FormSection id="test-heading" heading={t("testHeading")} intro={t("testIntro", { email: organizer.email })} action={sendTestMailingAction} submitLabel={t("testButton")}>
            {hidden}
            <LanguageField id="test-locale" label={t("language")} defaultValue={update.locales.includes(locale) ? locale : update.locales[0]} />
          </FormSection>

          {!active ? (
            <section aria-labelledby="prepare-heading">
              <h2 id="prepare-heading">{t("prepareHeading")}</h2>
              <p>{t("prepareIntro")}</p>
              <MailingButton action={prepareMailingAction} fields={hidden} primary disabled={audience.recipients === 0}>
                {t("prepareButton", { count: audience.recipients })}
              </MailingButton>
            </section>
          ) : null}

          {active?.state === "prepared" ? (
            <section aria-labelledby="confirm-heading">
              <h2 id="confirm-heading">{t("confirmHeading")}</h2>
              <p data-testid="exact-recipients" data-count={active.recipientCount}>
                {t("confirmIntro", { count: active.recipientCount })}
              </p>
              {page.requiresApproval ? <p className="note">{t("approvalNote")}</p> : null}
              <form action={confirmMailingAction} className="sign-form narrow-form">
                {hidden}
                <CheckField id="confirm-send" name="confirm" label={t("confirmCheck", { count: active.recipientCount })} required />
                <button type="submit" className="button button--primary">
                  {t("confirmButton", { count: active.recipientCount })}
                </button>
              </form>
              <MailingButton action={cancelMailingAction} fields={hidden}>
                {t("discardButton")}
              </MailingButton>
            </section>
          ) : null}

          {active?.state === "awaitingApproval" ? (
            <section aria-labelledby="approval-heading">
              <h2 id="approval-heading">{t("awaitingHeading")}</h2>
              <p>{t("awaitingBody", { count: active.recipientCount, who: active.confirmedBy ?? "?" })}</p>
              {active.canApprove ? (
                <MailingButton action={approveMailingAction} fields={hidden} primary>
                  {t("approveButton", { count: active.recipientCount })}
                </MailingButton>
              ) : (
                <p className="note">{t("approveOther")}</p>
              )}
              <MailingButton action={cancelMailingAction} fields={hidden}>
                {t("cancelButton")}
              </MailingButton>
            </section>
          ) : null}
        </>
      )}

      {mailing && mailing.state !== "prepared" && mailing.state !== "awaitingApproval" ? (
        <section aria-labelledby="progress-heading">
          <h2 id="progress-heading">{t("progressHeading")}</h2>
          <p>
            {t("stateLabel")}: <strong data-testid="mailing-state" data-state={mailing.state}>{t(`states.${mailing.state}`)}</strong>
          </p>
          {mailing.state === "sending" ? <p className="note">{t("autoRefresh", { seconds: REFRESH_SECONDS })}</p> : null}
          {mailing.state === "paused" && mailing.pauseReason === "refusals" ? <p className="form-alert">{t("pausedForRefusals")}</p> : null}
          <dl className="stat-grid">
            {(["sent", "failed", "skipped"] as const).map((key) => (
              <Stat key={key} label={t(key)} data-testid={`mailing-${key}`}>
                {format.number(mailing.counts[key])}
              </Stat>
            ))}
            <Stat label={t("remaining")} data-testid="mailing-remaining">
              {format.number(mailing.remaining)}
            </Stat>
            <Stat label={t("rate")}>{t("ratePerMinute", { rate: format.number(mailing.ratePerMinute) })}</Stat>
            <Stat label={t("timeLeft")}>{mailing.secondsLeft === null ? "—" : timeLeft(mailing.secondsLeft)}</Stat>
          </dl>
          <p>{mailing.throttlePerMinute > 0 ? t("throttle", { rate: format.number(mailing.throttlePerMinute) }) : t("throttleOff")}</p>
          {mailing.resentAfterCrash > 0 ? <p className="note">{t("resentAfterCrash", { count: mailing.resentAfterCrash })}</p> : null}
          {mailing.state === "sending" || mailing.state === "paused" ? (
            <div style={{ display: "flex", gap: "0.5rem", flexWrap: "wrap" }}>
              <MailingButton action={mailing.state === "sending" ? pauseMailingAction : resumeMailingAction} fields={hidden}>
                {mailing.state === "sending" ? t("pauseButton") : t("resumeButton")}
              </MailingButton>
              <MailingButton action={cancelMailingAction} fields={hidden}>
                {t("cancelButton")}
              </MailingButton>
            </div>
          ) : null}
          {mailing.state === "cancelled" && mailing.remaining > 0 ? <p>{t("cancelledIntro")}</p> : null}
          <p className="note">
            {t("who", { createdBy: mailing.createdBy ?? "—", confirmedBy: mailing.confirmedBy ?? "—" })}
            {mailing.approvedBy ? ` ${t("approvedBy", { approvedBy: mailing.approvedBy })}` : ""}
          </p>
        </section>
      ) : null}

      {can(organizer, "manageSettings") ? (
        <FormSection id="approval-setting-heading" heading={t("settingsHeading")} action={setRequireMailingApprovalAction} submitLabel={t("save")}>
          <input type="hidden" name="updateId" value={update.id} />
          <CheckField id="require-approval" name="required" label={t("requireApprovalLabel")} defaultChecked={page.requiresApproval} />
        </FormSection>
      ) : null}
    </div>
  );
}
