import { describe, expect, it } from "vitest";
import { getEmailDomain, isEmailShape, normalizeEmail } from "./email";

describe("normalizeEmail", () => {
  it.each([
    ["Anna@Example.org", "anna@example.org"],
    ["  anna@example.org  ", "anna@example.org"],
    ["anna+petition@example.org", "anna@example.org"],
    ["A.N.N.A@gmail.com", "anna@gmail.com"],
    ["a.n.n.a+x@GoogleMail.com", "anna@gmail.com"],
    ["anna.k@example.org", "anna.k@example.org"],
    ["Иван@Пример.рф", "иван@пример.рф"],
    ["anna@example.org.", "anna@example.org"],
    ["+tag@example.org", "+tag@example.org"],
  ])("%s → %s", (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it("gives the same key to the spellings of one mailbox", () => {
    const keys = new Set(["ab@gmail.com", "A.B@gmail.com", "a.b+sign@googlemail.com", " AB@GMAIL.COM "].map(normalizeEmail));
    expect(keys.size).toBe(1);
  });
});

describe("isEmailShape", () => {
  it.each([
    ["anna@example.org", true],
    ["anna.k+tag@sub.example.co.uk", true],
    ["иван@пример.рф", true],
    ["anna@localhost", false],
    ["anna@example", false],
    ["anna example@example.org", false],
    ["@example.org", false],
    ["anna@", false],
    ["anna@@example.org", false],
    [".anna@example.org", false],
    ["an..na@example.org", false],
    ["anna@-example.org", false],
    ["anna@example.c", false],
    ['"anna"@example.org', false],
    ["<script>@example.org", false],
    [`${"a".repeat(65)}@example.org`, false],
    [`a@${"b".repeat(250)}.org`, false],
  ])("%s → %s", (input, expected) => {
    expect(isEmailShape(input)).toBe(expected);
  });
});

describe("getEmailDomain", () => {
  it("lower-cases the domain", () => {
    expect(getEmailDomain("x@Yandex.RU")).toBe("yandex.ru");
  });
});
