import { fc, test as propertyTest } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { looksLikeLink } from "./link-like-text";

describe("looksLikeLink", () => {
  it.each([
    "Anna Petrova",
    "Олег Смирнов",
    "Марія Коваленко",
    "А.С.Пушкин",
    "А. С. Пушкин",
    "Иванов И.И.",
    "И.Иванов",
    "J.R.R. Tolkien",
    "J.R.R.Tolkien",
    "A.Smith",
    "Dr.Watson",
    "Martin Luther King Jr.",
    "St. John Smith",
    "Mary-Jane O'Neil",
    "Zoë Ångström",
    "محمد علي",
    "李小龙",
    "Anna (Berlin)",
    "Anna. Petrova",
    "window.__xss",
    "Hotel Manager",
  ])("%j is a name", (name) => {
    expect(looksLikeLink(name)).toBe(false);
  });

  it.each([
    "anna@example.org",
    "Anna ＠ mail",
    "https://evil.example",
    "hxxp://evil",
    "mailto:anna",
    "tg:resolve",
    "Tel:+70000000000",
    "evil.com",
    "EVIL.COM",
    "Visit evil.ru now",
    "Anna evil.com/login",
    "www.evil.org",
    "t.me",
    "t.me/somebody",
    "x.com",
    "ya.ru",
    "vk.com",
    "bit.ly",
    "my.site",
    "a.b.com",
    "сайт.рф",
    "пример.испытание",
    "xn--80ak6aa92e.com",
    "a.xn--p1ai",
    "evil。com",
    "evil．com",
    "ｅｖｉｌ．ｃｏｍ",
    "evil\u200D.com",
    "evil-site.co.uk",
    "Anna.Petrova",
    "192.0.2.1",
    "Anna 10.0.0.1",
  ])("%j looks like a link", (text) => {
    expect(looksLikeLink(text)).toBe(true);
  });

  propertyTest.prop([fc.emailAddress()])("every email address", (address) => {
    expect(looksLikeLink(`Anna ${address}`)).toBe(true);
  });

  propertyTest.prop([fc.webUrl()])("every web URL", (url) => {
    expect(looksLikeLink(`Anna ${url}`)).toBe(true);
  });

  propertyTest.prop([fc.domain().filter((domain) => domain.split(".")[0]!.length > 2)])("every domain that is not initials and a word", (domain) => {
    expect(looksLikeLink(`Anna ${domain} Petrova`)).toBe(true);
  });
});
