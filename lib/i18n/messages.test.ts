import fs from "node:fs";
import path from "node:path";
import { TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import { LOCALES, type Locale } from "./locales";

const root = path.resolve(__dirname, "../..");
const load = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), "utf8")) as Record<string, unknown>;

function flatten(value: unknown, prefix = ""): Record<string, string> {
  if (typeof value === "string") return { [prefix]: value };
  return Object.entries(value as Record<string, unknown>).reduce<Record<string, string>>(
    (all, [key, inner]) => ({ ...all, ...flatten(inner, prefix ? `${prefix}.${key}` : key) }),
    {},
  );
}

describe("messages", () => {
  const english = flatten(load("messages/en.json"));

  it.each(LOCALES)("%s has exactly the English keys, each a valid ICU message", (locale) => {
    const messages = flatten(load(`messages/${locale}.json`));
    expect(Object.keys(messages).sort()).toEqual(Object.keys(english).sort());
    for (const [key, message] of Object.entries(messages)) {
      expect(() => new IntlMessageFormat(message, locale), key).not.toThrow();
    }
  });

  it.each([
    ["en", 1, "1 signature"],
    ["en", 5, "5 signatures"],
    ["ru", 1, "1 подпись"],
    ["ru", 2, "2 подписи"],
    ["ru", 5, "5 подписей"],
    ["ru", 21, "21 подпись"],
    ["uk", 1, "1 підпис"],
    ["uk", 3, "3 підписи"],
    ["uk", 11, "11 підписів"],
  ])("%s plural of %i is %s", (locale, count, expected) => {
    const message = flatten(load(`messages/${locale}.json`))["Count.signatures"]!;
    expect(new IntlMessageFormat(message, locale).format({ count })).toBe(expected);
  });
});

/** Where a message uses each argument: as a plural's selector, or printed as it is and followed by `next` (the text after it). */
type ArgumentUse = { name: string; asPlural: boolean; next: string };

function listArgumentUses(elements: MessageFormatElement[], uses: ArgumentUse[] = []): ArgumentUse[] {
  elements.forEach((element, index) => {
    const following = elements[index + 1];
    const next = following?.type === TYPE.literal ? following.value : "";
    if (element.type === TYPE.plural) {
      uses.push({ name: element.value, asPlural: true, next });
      for (const option of Object.values(element.options)) listArgumentUses(option.value, uses);
    } else if (element.type === TYPE.select) {
      for (const option of Object.values(element.options)) listArgumentUses(option.value, uses);
    } else if (element.type === TYPE.tag) {
      listArgumentUses(element.children, uses);
    } else if (element.type === TYPE.argument || element.type === TYPE.number) {
      uses.push({ name: element.value, asPlural: false, next });
    }
  });
  return uses;
}

describe("counted things agree with their numbers", () => {
  const catalogs = Object.fromEntries(LOCALES.map((locale) => [locale, flatten(load(`messages/${locale}.json`))])) as Record<Locale, Record<string, string>>;
  // A key missing in a locale is reported by the test of keys above.
  const usesOf = (locale: Locale, key: string) => listArgumentUses(new IntlMessageFormat(catalogs[locale][key] ?? "", locale).getAst());
  const keys = Object.keys(catalogs.en);
  /** Every argument some message counts things with (`{days, plural, …}`): a number of something. */
  const countArguments = new Set(LOCALES.flatMap((locale) => keys.flatMap((key) => usesOf(locale, key).filter((use) => use.asPlural).map((use) => use.name))));
  /** Messages where a count is printed before a word that does not agree with it. */
  const figuresNotNouns: Record<string, string> = { "Admin.dashboard.goal": "“{total} of {goal}”: a fraction, the words after the numbers are prepositions" };

  it("a number one language pluralises is pluralised in every language", () => {
    const unpluralised = keys.flatMap((key) => {
      const pluralised = new Set(LOCALES.flatMap((locale) => usesOf(locale, key).filter((use) => use.asPlural).map((use) => use.name)));
      return LOCALES.flatMap((locale) =>
        usesOf(locale, key)
          .filter((use) => !use.asPlural && pluralised.has(use.name))
          .map((use) => `${locale} ${key}: {${use.name}} without a plural`),
      );
    });
    expect(unpluralised).toEqual([]);
  });

  it("no count is printed as it is right before a word (“{days} days”): the word must come from a plural", () => {
    const bare = LOCALES.flatMap((locale) =>
      keys
        .filter((key) => !(key in figuresNotNouns))
        .flatMap((key) =>
          usesOf(locale, key)
            .filter((use) => !use.asPlural && countArguments.has(use.name) && /^\s*\p{L}/u.test(use.next))
            .map((use) => `${locale} ${key}: {${use.name}}${use.next}`),
        ),
    );
    expect(bare).toEqual([]);
  });
});

describe("one spelling for one thing", () => {
  const texts = (locale: Locale) =>
    [`messages/${locale}.json`, `content/${locale}.json`, ...fs.readdirSync(path.join(root, "content/pages")).filter((file) => file.endsWith(`.${locale}.md`)).map((file) => `content/pages/${file}`)].map(
      (file) => [file, fs.readFileSync(path.join(root, file), "utf8")] as const,
    );

  it("Ukrainian writes its apostrophe as ’ everywhere, never as '", () => {
    const straight = texts("uk").flatMap(([file, text]) => (text.match(/\p{L}'\p{L}/gu) ?? []).map((word) => `${file}: ${word}`));
    expect(straight).toEqual([]);
  });

  it.each([
    ["ru", /аккаунт/i, "учётная запись"],
    ["uk", /виберіть/iu, "оберіть"],
  ] as const)("%s does not say %s (it says “%s”)", (locale, variant, _preferred) => {
    const found = texts(locale).filter(([, text]) => variant.test(text)).map(([file]) => file);
    expect(found).toEqual([]);
  });
});

describe("campaign content", () => {
  const campaign = load("content/campaign.json") as { signatories: string[] };

  it.each(LOCALES)("content/%s.json names all signatories and five demands", (locale) => {
    const text = load(`content/${locale}.json`) as { demands: unknown[]; signatories: Record<string, { name: string; bio: string }> };
    expect(text.demands).toHaveLength(5);
    expect(Object.keys(text.signatories).sort()).toEqual([...campaign.signatories].sort());
  });

  it("the English letter is the published text, from its first to its last words", () => {
    const letter = fs.readFileSync(path.join(root, "content/letter.en.md"), "utf8");
    expect(letter).toMatch(/kind: published-translation/);
    expect(letter).toContain("We, Russian political prisoners, appeal to all international leaders");
    expect(letter.trim().endsWith("Only together can we bring closer the time of freedom and peace.")).toBe(true);
  });
});

describe("what the read of content/ and messages/ against the sources found (2026-12-07) stays corrected", () => {
  type Text = {
    lede: string;
    demands: { text: string }[];
    context: { text: string }[];
    signatories: Record<string, { bio: string }>;
  };
  const content = (locale: Locale) => load(`content/${locale}.json`) as unknown as Text;
  const message = (locale: Locale, key: string) => flatten(load(`messages/${locale}.json`))[key]!;

  it.each([
    ["en", /\bshould\b/, /different countries/],
    ["ru", /(?<!\p{L})должны(?!\p{L})/u, /разных стран/],
    ["uk", /(?<!\p{L})мають(?!\p{L})/u, /різних країн/],
  ] as const)("%s words the demands as demands, and 3–4 to “different countries” as the letter does", (locale, demand, different) => {
    const demands = content(locale).demands.map((d) => d.text);
    for (const index of [0, 2, 3, 4]) expect(demands[index], `demand ${index + 1}`).toMatch(demand);
    for (const index of [2, 3]) expect(demands[index], `demand ${index + 1}`).toMatch(different);
  });

  it.each([
    ["en", /^Former Moscow municipal deputy, 63 when the letter was published\./, /wartime censorship laws/, /fellow inmate/],
    ["ru", /^Бывший московский муниципальный депутат; на момент публикации письма ему было 63 года\./, /цензурным законам, принятым после начала войны/, /другого заключённого/],
    ["uk", /^Колишній московський муніципальний депутат; на час публікації листа йому було 63 роки\./, /цензурними законами, ухваленими після початку війни/, /співв’язня/],
  ] as const)("%s: Gorinov was a former deputy, 63 at the time, jailed under wartime censorship laws, denounced by a fellow inmate", (locale, ...facts) => {
    const bio = content(locale).signatories["alexei-gorinov"]!.bio;
    for (const fact of facts) expect(bio).toMatch(fact);
    expect(bio).not.toMatch(/сокамерник|военн\p{L}* закон|воєнн\p{L}* закон|council meeting|2022/u);
  });

  it.each([
    ["en", /due to be released in 2023/],
    ["ru", /Должен был выйти на свободу в 2023 году/],
    ["uk", /Мав вийти на волю у 2023 році/],
  ] as const)("%s: Miftakhov was due to be released in 2023, not released", (locale, fact) => {
    expect(content(locale).signatories["azat-miftakhov"]!.bio).toMatch(fact);
  });

  it.each([
    ["en", /^On 3 July 2025 Reuters published an open letter/],
    ["ru", /^3 июля 2025 года агентство Reuters опубликовало открытое письмо/],
    ["uk", /^3 липня 2025 року агенція Reuters опублікувала відкритий лист/],
  ] as const)("%s: the lede dates the publication, not the writing", (locale, lede) => {
    expect(content(locale).lede).toMatch(lede);
  });

  it.each([
    ["en", /\bhere\b/, /Your name/],
    ["ru", /(?<!\p{L})здесь(?!\p{L})/u, /ваше имя/i],
    ["uk", /(?<!\p{L})тут(?!\p{L})/u, /ваше ім’я/i],
  ] as const)("%s: the fallback note says the letter is not published here; the thanks claim no name is shown", (locale, here, name) => {
    expect(message(locale, "Letter.fallbackNote")).toMatch(here);
    expect(message(locale, "Confirmed.body")).not.toMatch(name);
    expect(content(locale).context[0]!.text).not.toMatch(/перепечатали|передрукували|carried by/);
  });

  it.each([
    ["en", /signed the letter in Russian prisons/],
    ["ru", /подписали письмо в российских тюрьмах/],
    ["uk", /підписали лист у російських в’язницях/],
  ] as const)("%s: the authors' introduction says where they signed, not that they are in prison today", (locale, signedThere) => {
    expect(message(locale, "Letter.authorsIntro")).toMatch(signedThere);
    expect(message(locale, "Letter.authorsIntro")).not.toMatch(/находящихся|перебувають|who are/);
  });

  it("no text says which language the letter was written in: no source does", () => {
    const claim = /original is in Russian|русский оригинал|російськомовний оригінал|оригинал на русском|оригінал російською/i;
    for (const locale of LOCALES) {
      expect(fs.readFileSync(path.join(root, `messages/${locale}.json`), "utf8")).not.toMatch(claim);
      expect(fs.readFileSync(path.join(root, `content/${locale}.json`), "utf8")).not.toMatch(claim);
    }
    expect(load("content/campaign.json")).not.toHaveProperty("originalLanguage");
  });
});
