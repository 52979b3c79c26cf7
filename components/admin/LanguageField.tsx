import { LOCALE_NAMES, LOCALES, type Locale } from "@/lib/i18n/locales";

/** A labelled choice of one of the site's languages (`name="locale"`), each named as its readers name it. */
export function LanguageField(props: { id: string; label: string; defaultValue?: Locale }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} name="locale" defaultValue={props.defaultValue}>
        {LOCALES.map((code) => (
          <option key={code} value={code} lang={code}>
            {LOCALE_NAMES[code]}
          </option>
        ))}
      </select>
    </div>
  );
}
