import type { DateTimeFormatOptions } from "next-intl";

/**
 * A moment as the reader's locale writes it, in a `<time>` whose `dateTime`
 * (ISO 8601) tools and screen readers can read whatever the language.
 */
export function TimeStamp({ at, format, options }: { at: number; format: { dateTime(value: Date, options: DateTimeFormatOptions): string }; options: DateTimeFormatOptions }) {
  return <time dateTime={new Date(at).toISOString()}>{format.dateTime(new Date(at), options)}</time>;
}
