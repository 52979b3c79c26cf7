import { describe, expect, it } from "vitest";
import { MailingActionFormSchema, MailingConfirmFormSchema, MailingTestFormSchema } from "./mailing";

describe("the mailing page's forms", () => {
  it.each([
    [{ updateId: "3", mailingId: "7" }, { updateId: 3, mailingId: 7 }],
    [{ updateId: "3", mailingId: "0" }, null],
    [{ updateId: "-3", mailingId: "7" }, null],
    [{ updateId: "3.5", mailingId: "7" }, null],
    [{ updateId: "3", mailingId: "7e3" }, null],
    [{ updateId: "3", mailingId: "1234567890123" }, null],
    [{ updateId: "3" }, null],
  ])("reads ids %j as %j", (input, expected) => {
    const parsed = MailingActionFormSchema.safeParse(input);
    expect(parsed.success ? parsed.data : null).toEqual(expected);
  });

  it("needs the confirm box ticked", () => {
    expect(MailingConfirmFormSchema.safeParse({ updateId: "1", mailingId: "2" }).success).toBe(false);
    expect(MailingConfirmFormSchema.safeParse({ updateId: "1", mailingId: "2", confirm: "on" }).success).toBe(true);
  });

  it("takes only the site's languages for a test", () => {
    expect(MailingTestFormSchema.safeParse({ updateId: "1", locale: "ru" }).success).toBe(true);
    expect(MailingTestFormSchema.safeParse({ updateId: "1", locale: "de" }).success).toBe(false);
  });
});
