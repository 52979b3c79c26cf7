import { confirmByLink, expect, signOnLetterPage, test, uniqueName } from "./support/fixtures";
import { extractLink, uniqueEmail, waitForEmail } from "./support/mail";
import { signInAs } from "./support/organizers";

test("an organizer logs in and exports the list: the CSV holds the confirmed signer", async ({ page, browser }) => {
  const signer = { name: `Ёлка ${uniqueName("Кириллица")}`, email: uniqueEmail("export"), country: "UA", city: "Київ" };
  const pending = { name: uniqueName("Pending"), email: uniqueEmail("export-pending"), country: "UA" };

  await test.step("one supporter confirms, another does not", async () => {
    const supporter = await browser.newPage();
    await signOnLetterPage(supporter, { ...signer, isPublicName: true });
    await confirmByLink(supporter, extractLink((await waitForEmail(signer.email)).text, "/confirm?token="));
    await signOnLetterPage(supporter, pending);
    await supporter.close();
  });

  await signInAs(page, "admin");

  const csv = await test.step("the admin downloads the verified list from the exports page", async () => {
    await page.getByRole("link", { name: "Exports" }).click();
    await page.getByRole("region", { name: "List of signatures" }).getByLabel("Country", { exact: true }).selectOption("UA");
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download CSV" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^signatures-verified-.*\.csv$/);
    const stream = await file.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  });

  await test.step("the file opens in Excel with Cyrillic intact and holds only the confirmed signer", async () => {
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = csv.toString("utf8");
    expect(text).toContain(signer.email);
    expect(text).toContain(signer.name);
    expect(text).toContain("Київ");
    expect(text).not.toContain(pending.email);
  });

  await test.step("the delivery document for Ukraine names the public Cyrillic signer and states the demands", async () => {
    const response = await page.request.get("/admin/exports/delivery.pdf?country=UA&locale=en");
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toBe("application/pdf");
    const { PDFParse } = await import("pdf-parse");
    const parser = new PDFParse({ data: new Uint8Array(await response.body()) });
    const { text } = await parser.getText();
    await parser.destroy();
    const flat = text.replace(/\s+/g, " ");
    for (const demand of ["All for all", "Free the sick", "Free all political prisoners", "Media: don't be silent", "Parliaments: adopt resolutions"]) {
      expect(flat).toContain(demand);
    }
    expect(flat).toContain(signer.name);
    expect(flat).not.toContain(signer.email);
    expect(flat).not.toContain(pending.name);
  });

  await test.step("the manifest lists the exported files with their SHA-256", async () => {
    const manifest = await (await page.request.get("/admin/exports/manifest.sha256")).text();
    expect(manifest).toMatch(/^[0-9a-f]{64} {2}signatures-verified-.*\.csv$/m);
    expect(manifest).toMatch(/^[0-9a-f]{64} {2}delivery-UA-.*\.pdf$/m);
  });

  await test.step("the export is in the audit log", async () => {
    await page.goto("/admin");
    await expect(page.getByRole("cell", { name: "export.signaturesCsv" }).first()).toBeVisible();
  });
});
