import { describe, expect, it } from "vitest";
import riskyEmailDomainsFile from "@/content/risky-email-domains.json";
import { isRiskyEmailDomain, parseRiskyEmailDomains } from "./risky-email";

const list = parseRiskyEmailDomains(riskyEmailDomainsFile);

describe("isRiskyEmailDomain with the list in content/risky-email-domains.json", () => {
  it.each([
    ["someone@yandex.ru", true, "a yandex.* country domain"],
    ["someone@yandex.com", true, "listed exactly"],
    ["someone@yandex.com.tr", true, "yandex.* with a two-part ending"],
    ["someone@yandex.kz", true, "yandex.* elsewhere"],
    ["someone@YA.RU", true, "case does not matter"],
    ["  someone@ya.ru  ", true, "surrounding spaces do not matter"],
    ["someone@mail.ru", true, "Mail.ru itself"],
    ["someone@bk.ru", true, "a Mail.ru group domain"],
    ["someone@inbox.ru", true, "a Mail.ru group domain"],
    ["someone@list.ru", true, "a Mail.ru group domain"],
    ["someone@internet.ru", true, "a Mail.ru group domain"],
    ["someone@rambler.ru", true, "Rambler"],
    ["someone@lenta.ru", true, "a Rambler domain"],
    ["someone@autorambler.ru", true, "a Rambler domain"],
    ["someone@myrambler.ru", true, "a Rambler domain"],
    ["someone@ro.ru", true, "a Rambler domain"],
    ["someone@sub.mail.ru", true, "a subdomain is run by the same provider"],
    ["someone@mail.ru.", true, "a trailing dot is the same domain"],
    ["someone@gmail.com", false, "Gmail"],
    ["someone@proton.me", false, "Proton"],
    ["someone@notmail.ru", false, "a lookalike of mail.ru"],
    ["someone@mail.ru.example.org", false, "mail.ru as a subdomain of another domain"],
    ["someone@myyandex.ru", false, "a lookalike of yandex.*"],
    ["someone@yandex", false, "no ending after the prefix"],
    ["someone@example.ru", false, "a .ru domain not on the list"],
    ["yandex.ru", false, "no @: not an address yet"],
    ["", false, "empty"],
  ])("%s → %s (%s)", (email, expected) => {
    expect(isRiskyEmailDomain(email, list)).toBe(expected);
  });
});

describe("parseRiskyEmailDomains", () => {
  it("lower-cases and trims entries", () => {
    expect(parseRiskyEmailDomains({ domains: [" Mail.RU "], prefixes: ["Yandex."] })).toEqual({ domains: ["mail.ru"], prefixes: ["yandex."] });
  });

  it.each([[null], [{}], [{ domains: ["mail.ru"] }], [{ domains: [1], prefixes: [] }]])("rejects a malformed file %j", (raw) => {
    expect(() => parseRiskyEmailDomains(raw)).toThrow(/risky-email-domains/);
  });
});
