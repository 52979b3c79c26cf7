import type { PluralForms } from "./LiveCount";

/**
 * Turns a plural message into one template per plural category of `locale`
 * (with `#` where the number goes), so a client component can pluralise
 * without shipping the message formatter. `format` renders the message for
 * a given count.
 */
export function buildPluralForms(locale: string, format: (count: number) => string): PluralForms {
  const rules = new Intl.PluralRules(locale);
  const number = new Intl.NumberFormat(locale);
  const forms: PluralForms = {};
  const samples = [0, 1, 2, 3, 5, 11, 21, 22, 25, 100, 101, 102, 1.5];
  for (const category of rules.resolvedOptions().pluralCategories) {
    const sample = samples.find((candidate) => rules.select(candidate) === category);
    if (sample === undefined) continue;
    forms[category] = format(sample).replace(number.format(sample), "#");
  }
  return forms;
}
