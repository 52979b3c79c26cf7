import { randomBytes } from "node:crypto";
import { confirmByLink, expect, test } from "./support/fixtures";
import { extractLink, uniqueEmail, waitForEmail } from "./support/mail";
import { withProofOfWork } from "./support/proof-of-work";

test("a public name with markup in it shows as plain text in the list of signers", async ({ page, request }) => {
  const marker = `Zed${randomBytes(3).toString("hex")}`;
  const name = `${marker} <b>bold</b> <img src=x onerror=alert(1)>`;
  const email = uniqueEmail("markup");

  const response = await request.post("/api/v1/signatures", {
    data: await withProofOfWork(request, { name, email, country: "NL", isPublicName: true, acceptPrivacy: true, locale: "en" }),
  });
  expect(response.status()).toBe(202);
  const message = await waitForEmail(email);
  await confirmByLink(page, extractLink(message.text, "/en/confirm?token="));

  await page.goto("/en/signers");
  const cell = page.getByRole("cell").filter({ hasText: marker });
  await expect(cell).toHaveText(name);
  await expect(cell).toContainText("<b>bold</b>");
  await expect(cell.locator("b, img")).toHaveCount(0);
  await expect(page.locator("main b, main img")).toHaveCount(0);
});

test("a public name with a right-to-left override and control characters is shown cleaned", async ({ page, request }) => {
  const marker = `Rtl${randomBytes(3).toString("hex")}`;
  const email = uniqueEmail("rtl");
  const response = await request.post("/api/v1/signatures", {
    data: await withProofOfWork(request, { name: `${marker}\u202E Mal\u0000lo\u0007ry\u200B\u2066`, email, country: "IL", isPublicName: true, acceptPrivacy: true }),
  });
  expect(response.status()).toBe(202);
  const message = await waitForEmail(email);
  await confirmByLink(page, extractLink(message.text, "/en/confirm?token="));

  await page.goto("/en/signers");
  const cell = page.getByRole("cell").filter({ hasText: marker });
  await expect(cell).toHaveCount(1);
  expect(await cell.textContent()).toBe(`${marker} Mal lo ry`);
});
