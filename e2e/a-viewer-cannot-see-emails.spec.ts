import { confirmByLink, expect, signOnLetterPage, test, uniqueName } from "./support/fixtures";
import { extractLink, uniqueEmail, waitForEmail } from "./support/mail";
import { signInAs } from "./support/organizers";

test.use({ expectedHttpErrors: [403] });

test("a viewer sees the totals and the press kit but never a signer's email or private name", async ({ page, browser }) => {
  const signer = { name: uniqueName("Private"), email: uniqueEmail("viewer-check"), country: "DE" };

  await test.step("a supporter signs without showing their name and confirms", async () => {
    const supporter = await browser.newPage();
    await signOnLetterPage(supporter, { ...signer, isPublicName: false });
    const email = await waitForEmail(signer.email);
    await confirmByLink(supporter, extractLink(email.text, "/confirm?token="));
    await supporter.close();
  });

  await test.step("the viewer signs in and sees the dashboard without personal data", async () => {
    await signInAs(page, "viewer");
    await expect(page.getByRole("heading", { level: 2, name: "Verified signatures by country" })).toBeVisible();
    const html = await page.content();
    expect(html).not.toContain(signer.email);
    expect(html).not.toContain(signer.name);
    await expect(page.getByRole("heading", { name: "Recent activity" })).toHaveCount(0);
  });

  await test.step("pages and exports with personal data answer 403", async () => {
    const signatures = await page.goto("/admin/signatures");
    expect(signatures?.status()).toBe(403);
    await expect(page.getByRole("heading", { level: 1, name: "Not allowed" })).toBeVisible();
    const csv = await page.request.get("/admin/exports/signatures.csv");
    expect(csv.status()).toBe(403);
    expect(await csv.text()).not.toContain(signer.email);
  });

  await test.step("totals per country are open to the viewer", async () => {
    const totals = await page.request.get("/admin/exports/countries.json");
    expect(totals.status()).toBe(200);
    expect(await totals.text()).not.toContain("@");
    const chart = await page.request.get("/admin/exports/press/countries.png?locale=ru");
    expect(chart.status()).toBe(200);
    expect(chart.headers()["content-type"]).toBe("image/png");
    expect([...(await chart.body()).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const stats = await page.request.get("/admin/exports/press/stats.json");
    expect(await stats.text()).not.toContain("@");
  });
});
