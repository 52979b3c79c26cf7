import { expect, signOnLetterPage, test, uniqueName } from "./support/fixtures";
import { extractLink, uniqueEmail, waitForEmail } from "./support/mail";
import { publishUpdateThroughAdmin } from "./support/updates";

/**
 * The script policy (decision 0015): every page says which inline scripts
 * are its own by their SHA-256, external scripts come only from the app,
 * and nothing else runs. The fixture already fails a test on any
 * console.error, which is how Chromium reports a blocked script.
 */
function scriptSources(policy: string | undefined): string[] {
  const directive = (policy ?? "").split(";").map((part) => part.trim()).find((part) => part.startsWith("script-src "));
  return directive ? directive.split(/\s+/).slice(1) : [];
}

function expectStrictScriptPolicy(policy: string | undefined, where: string) {
  const sources = scriptSources(policy);
  expect(sources, `script-src of ${where}`).toContain("'self'");
  expect(sources.filter((source) => source.startsWith("'sha256-")).length, `hashes in ${where}`).toBeGreaterThan(0);
  expect(sources.filter((source) => source !== "'self'" && !source.startsWith("'sha256-")), `other sources in ${where}`).toEqual([]);
  expect(policy, where).not.toContain("unsafe-eval");
}

const PAGES = [
  "/en",
  "/ru",
  "/en/signers",
  "/en/privacy",
  "/en/safety",
  "/en/share",
  "/en/thanks",
  "/en/updates",
  "/uk/updates",
  "/en/confirm?token=not-a-real-token",
  "/embed/counter?locale=ru",
  "/admin/login",
];

// One published update, so its page and the letter page's "latest update" are checked too.
let updatePath = "";
test.beforeAll(async ({ browser }, testInfo) => {
  updatePath = await publishUpdateThroughAdmin(browser, String(testInfo.project.use.baseURL), {
    texts: { en: { title: "Checking the script policy", body: "An update with a [link](https://example.org/) and **bold** text." } },
  });
});

for (const pagePath of PAGES) {
  test(`${pagePath} runs its own scripts and no others`, async ({ page }) => {
    const response = await page.goto(pagePath, { waitUntil: "networkidle" });
    expectStrictScriptPolicy(response?.headers()["content-security-policy"], pagePath);
    // Next's inline bootstrap ran (it is allowed by its hash).
    expect(await page.evaluate(() => Array.isArray((self as unknown as { __next_f?: unknown }).__next_f))).toBe(true);
  });
}

test("an update's own page, in English and in Russian, runs its own scripts and no others", async ({ page }) => {
  for (const path of [updatePath, updatePath.replace("/en/", "/ru/")]) {
    const response = await page.goto(path, { waitUntil: "networkidle" });
    expect(response?.status(), path).toBe(200);
    expectStrictScriptPolicy(response?.headers()["content-security-policy"], path);
    expect(await page.evaluate(() => Array.isArray((self as unknown as { __next_f?: unknown }).__next_f))).toBe(true);
  }
});

test("the confirmation flow's pages, filled in for each signer, carry their own hashes", async ({ page }) => {
  const email = uniqueEmail("csp");
  await signOnLetterPage(page, { name: uniqueName("Noor"), email, country: "DE" });
  const link = extractLink((await waitForEmail(email)).text, "/en/confirm?token=");
  // Twice: the first may be Next's own render, the second comes from the front's template.
  for (let visit = 0; visit < 2; visit++) {
    const response = await page.goto(link, { waitUntil: "networkidle" });
    expectStrictScriptPolicy(response?.headers()["content-security-policy"], "the confirm page");
    expect(await page.evaluate(() => Array.isArray((self as unknown as { __next_f?: unknown }).__next_f))).toBe(true);
  }
  await page.getByRole("button", { name: "Confirm my signature" }).click();
  await expect(page).toHaveURL(/\/en\/confirmed\?token=/);
  const confirmed = await page.goto(page.url(), { waitUntil: "networkidle" });
  expectStrictScriptPolicy(confirmed?.headers()["content-security-policy"], "the confirmed page");
  // The share button is client code: it hydrated.
  await expect(page.getByRole("button", { name: "Copy the link" })).toBeVisible();
});

test("a script put into the page by anyone else does not run", async ({ browser, baseURL }) => {
  // A context of its own: the refusal is logged as a console error, which the fixture would count.
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const refusals: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text())) refusals.push(message.text());
  });
  await page.goto("/en", { waitUntil: "networkidle" });
  const ran = await page.evaluate(() => {
    const injected = document.createElement("script");
    injected.textContent = "window.__injected = true";
    document.body.append(injected);
    return (window as unknown as { __injected?: boolean }).__injected === true;
  });
  expect(ran).toBe(false);
  await expect.poll(() => refusals.length).toBeGreaterThan(0);
  await context.close();
});

test("a page answering a form POST (the sign form sent without JavaScript) carries the same hashed policy", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/en");
  const answer = page.waitForResponse((response) => response.request().method() === "POST" && new URL(response.url()).pathname === "/en");
  await page.locator("#sign").getByRole("button", { name: "Sign the letter" }).click();
  const response = await answer;
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("text/html");
  await expect(page.locator("#sign").getByText("Please correct the marked fields.")).toBeVisible();
  expectStrictScriptPolicy(response.headers()["content-security-policy"], "the letter page answering the sign form's POST");
  await context.close();
});
