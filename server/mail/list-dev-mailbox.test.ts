import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { mailOutbox } from "@/db/schema";
import { setUpTestDatabase } from "@/test/database";
import { submitTestSignature } from "@/test/factories";
import { getConfirmationState } from "@/server/signatures/confirm-signature";
import { listDevMailbox } from "./list-dev-mailbox";

describe("the development mailbox", () => {
  let db: AppDatabase;
  setUpTestDatabase((opened) => ({ db } = opened));

  it("shows a signer's email as it will be sent, rendered from its template's values, and a broken row without failing", async () => {
    const now = Date.now();
    await submitTestSignature(db, { name: "Anna", email: "anna@example.org", locale: "ru", now });
    await submitTestSignature(db, { name: "Boris", email: "boris@example.org", now });
    db.update(mailOutbox).set({ templateValues: "not json" }).where(eq(mailOutbox.toAddress, "boris@example.org")).run();

    const [broken, anna] = listDevMailbox({ db });
    expect(anna).toMatchObject({ to: "anna@example.org", subject: "Подтвердите адрес электронной почты", status: "queued" });
    expect(anna!.text).toContain("Anna");
    // Its links are made as the sender would make them (decision 0029), and they work.
    const token = /\/ru\/confirm\?token=([\w-]+)/.exec(anna!.text)?.[1];
    expect(getConfirmationState({ token: token!, db, now })).toBe("ready");
    expect(broken).toMatchObject({ to: "boris@example.org", subject: "", text: "" });
  });
});
