import { listCountryOptions } from "@/lib/countries";
import type { Locale } from "@/lib/i18n/locales";

/** A labelled country filter for the admin forms: "any" first (empty value), then every country by name. */
export function CountryField(props: { id: string; label: string; anyLabel: string; locale: Locale; defaultValue?: string }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} name="country" defaultValue={props.defaultValue ?? ""}>
        <option value="">{props.anyLabel}</option>
        {listCountryOptions(props.locale).map((country) => (
          <option key={country.code} value={country.code}>
            {country.name}
          </option>
        ))}
      </select>
    </div>
  );
}
