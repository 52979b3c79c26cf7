import { getTranslations } from "next-intl/server";
import type { Locale } from "@/lib/i18n/locales";
import { LiveCount } from "./LiveCount";
import { buildPluralForms } from "./plural-forms";

/**
 * The live count in `locale`'s words (the `Count` messages), as the letter
 * page and the embeddable counter both show it: the server fills in the
 * plural forms and labels, the client component keeps the number fresh.
 */
export async function CampaignCount({ total, goal, locale }: { total: number; goal: number; locale: Locale }) {
  const t = await getTranslations({ locale, namespace: "Count" });
  return (
    <LiveCount
      initialTotal={total}
      goal={goal}
      locale={locale}
      forms={buildPluralForms(locale, (count) => t("signatures", { count }))}
      goalLabel={t("goal", { goal: "{goal}" })}
      progressLabel={t("progress", { percent: "{percent}" })}
    />
  );
}
