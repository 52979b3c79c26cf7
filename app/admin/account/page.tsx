import { getTranslations } from "next-intl/server";
import QRCode from "qrcode";
import { FormSection } from "@/components/admin/FormSection";
import { LanguageField } from "@/components/admin/LanguageField";
import { TotpSetupForm } from "@/components/admin/TotpSetupForm";
import { CheckField } from "@/components/ui/CheckField";
import { can } from "@/server/auth/permissions";
import { beginTotpSetup, countRecoveryCodes, getRequireTotpForAll } from "@/server/auth/second-factor";
import { getDigestPreference } from "@/server/digest/digest-preference";
import { getAdminLocale } from "../admin-locale";
import { requireOrganizerPage } from "../guard";
import { confirmTotpAction, disableTotpAction, setDigestAction, setRequireTotpAction } from "./actions";

const ERROR_KEYS = ["totpCodeWrong", "totpSetupExpired", "totpAlreadyEnabled", "totpNotEnabled", "totpRequiredForAll", "forbidden", "invalid"] as const;
const DONE_KEYS = new Set(["enabled", "disabled", "requireOn", "requireOff", "digestOn", "digestOff"]);

/** Every organizer's own second factor; owners also decide whether everyone must have one (docs/decisions/0010-second-factor.md). */
export default async function AccountPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  // The one admin page open to someone who still has to set up a required second factor.
  const organizer = await requireOrganizerPage("manageOwnAccount", { enrolling: true });
  const locale = await getAdminLocale();
  const t = await getTranslations({ locale, namespace: "Admin.account" });
  const { error, done, setup } = await searchParams;
  const requiredForAll = getRequireTotpForAll();
  const settingUp = !organizer.hasTotp && (setup === "1" || organizer.mustEnrolTotp);
  const pending = settingUp ? beginTotpSetup({ actor: organizer }) : null;
  const qrSvg = pending ? await QRCode.toString(pending.otpauthUrl, { type: "svg", margin: 2, errorCorrectionLevel: "M" }) : null;
  const errors = Object.fromEntries(ERROR_KEYS.map((key) => [key, t(`errors.${key}`)]));
  const digestLocale = getDigestPreference({ actor: organizer });

  return (
    <div className="narrow">
      <h1>{t("title")}</h1>
      {typeof error === "string" ? (
        <p className="form-alert" role="alert">
          {errors[error] ?? errors.invalid}
        </p>
      ) : typeof done === "string" && DONE_KEYS.has(done) ? (
        <p className="note" role="status">
          {t(`done.${done}`)}
        </p>
      ) : null}
      {organizer.mustEnrolTotp ? <p className="form-alert">{t("mustEnrol")}</p> : null}

      <section aria-labelledby="second-factor-heading">
        <h2 id="second-factor-heading">{t("secondFactorHeading")}</h2>
        {organizer.hasTotp ? (
          <>
            <p>{t("statusOn", { count: countRecoveryCodes({ actor: organizer }) })}</p>
            <h3>{t("disableHeading")}</h3>
            {requiredForAll ? (
              <p className="note">{t("requiredForAll")}</p>
            ) : (
              <form action={disableTotpAction} className="sign-form narrow-form">
                <div className="field">
                  <label htmlFor="disable-code">{t("disableCode")}</label>
                  <input id="disable-code" name="code" type="text" autoComplete="one-time-code" maxLength={64} required />
                </div>
                <button type="submit" className="button">
                  {t("disable")}
                </button>
              </form>
            )}
          </>
        ) : pending && qrSvg ? (
          <>
            <p>{t("setupSteps")}</p>
            {/* qrcode renders plain SVG paths from the otpauth URL: no script, nothing from another site. */}
            <div className="totp-qr" role="img" aria-label={t("qrLabel")} dangerouslySetInnerHTML={{ __html: qrSvg }} style={{ maxWidth: "14rem" }} />
            <dl>
              <dt>{t("keyLabel")}</dt>
              <dd>
                <code>{pending.secret}</code>
              </dd>
              <dt>{t("urlLabel")}</dt>
              <dd>
                <code style={{ overflowWrap: "anywhere" }}>{pending.otpauthUrl}</code>
              </dd>
            </dl>
            <TotpSetupForm
              secret={pending.secret}
              action={confirmTotpAction}
              labels={{
                code: t("code"),
                confirm: t("confirm"),
                recoveryHeading: t("recoveryHeading"),
                recoveryIntro: t("recoveryIntro"),
                signInAgain: t("signInAgain"),
                continue: t("continue"),
                errors,
              }}
            />
          </>
        ) : (
          <>
            <p>{t("statusOff")}</p>
            <a href="/admin/account?setup=1" className="button button--primary">
              {t("startSetup")}
            </a>
          </>
        )}
      </section>

      {!organizer.mustEnrolTotp ? (
        <FormSection id="digest-heading" heading={t("digestHeading")} intro={t("digestIntro")} action={setDigestAction} submitLabel={t("save")}>
          <CheckField id="digest-enabled" name="enabled" label={t("digestLabel")} hint={t("digestHint")} defaultChecked={digestLocale !== null} />
          <LanguageField id="digest-locale" label={t("digestLocale")} defaultValue={digestLocale ?? locale} />
        </FormSection>
      ) : null}

      {can(organizer, "manageSettings") && !organizer.mustEnrolTotp ? (
        <FormSection id="require-heading" heading={t("requireHeading")} action={setRequireTotpAction} submitLabel={t("save")}>
          <CheckField id="require-totp" name="required" label={t("requireLabel")} hint={t("requireHint")} defaultChecked={requiredForAll} />
        </FormSection>
      ) : null}
    </div>
  );
}
