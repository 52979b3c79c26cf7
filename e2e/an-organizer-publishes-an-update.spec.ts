import { xml2js, type Element } from "xml-js";
import { expect, test, uniqueName } from "./support/fixtures";
import { signInAs } from "./support/organizers";
import { fillUpdateEditor, languageGroup, publishOpenUpdate, publishUpdateThroughAdmin, saveNewUpdate } from "./support/updates";

/** The Atom feed, parsed back with a real XML parser: its entries' titles, links and content. */
function readFeed(xml: string) {
  const document = xml2js(xml, { compact: false }) as Element;
  const feed = document.elements!.find((element) => element.name === "feed")!;
  const text = (element: Element | undefined) => (element?.elements ?? []).map((child) => child.text ?? child.cdata ?? "").join("");
  const child = (element: Element, name: string) => (element.elements ?? []).find((inner) => inner.name === name);
  return {
    id: text(child(feed, "id")),
    selfLink: (feed.elements ?? []).find((element) => element.name === "link" && element.attributes?.rel === "self")?.attributes?.href,
    entries: (feed.elements ?? [])
      .filter((element) => element.name === "entry")
      .map((entry) => ({
        id: text(child(entry, "id")),
        title: text(child(entry, "title")),
        contentType: child(entry, "content")?.attributes?.type,
        content: text(child(entry, "content")),
      })),
  };
}

test("an organizer writes an update in English and Russian, previews it, publishes it, and readers without JavaScript find it", async ({ page, browser, baseURL }) => {
  // Three public pages may each take a few seconds to show the publication (decision 0021).
  test.setTimeout(90_000);
  const mark = uniqueName("Strasbourg").split(" ").at(-1)!;
  const english = { title: `The letter reached the Council of Europe ${mark}`, body: `The letter was handed to the **Parliamentary Assembly**.\n\n- 11 authors\n- 5 demands\n\nSee [the record](https://example.org/record-${mark}).` };
  const russian = { title: `Письмо передано в Совет Европы ${mark}`, body: "Письмо передано **Парламентской ассамблее**." };
  let id = 0;
  let englishPath = "";

  await test.step("the admin writes a draft in two languages", async () => {
    await signInAs(page, "admin");
    await page.getByRole("link", { name: "Updates", exact: true }).click();
    await page.getByRole("link", { name: "Write an update" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "New update" })).toBeVisible();
    await page.goto("/admin/updates");
    id = await saveNewUpdate(page, { texts: { en: english, ru: russian } });
    await expect(page.getByRole("status")).toHaveText("Saved.");
    await expect(languageGroup(page, "ru").getByLabel("Title")).toHaveValue(russian.title);
  });

  await test.step("nothing of the draft is public: not the list, not the feed, not its would-be address", async () => {
    const list = await page.request.get("/en/updates");
    expect(await list.text()).not.toContain(mark);
    const feed = await page.request.get("/en/updates/feed.xml");
    expect(await feed.text()).not.toContain(mark);
    const wouldBe = await page.request.get(`/en/updates/the-letter-reached-the-council-of-europe-${mark.toLowerCase()}`);
    expect(wouldBe.status()).toBe(404);
  });

  await test.step("the previews show it as readers will see it, in each language", async () => {
    await page.getByRole("link", { name: "Preview in English" }).click();
    await expect(page.getByRole("heading", { level: 1, name: english.title })).toBeVisible();
    await expect(page.locator(".update__body strong")).toHaveText("Parliamentary Assembly");
    await expect(page.getByRole("status")).toContainText(`/en/updates/the-letter-reached-the-council-of-europe-${mark.toLowerCase()}`);
    await page.goto(`/admin/updates/${id}/preview?locale=ru`);
    await expect(page.getByRole("heading", { level: 1, name: russian.title })).toBeVisible();
    await page.goto(`/admin/updates/${id}/preview?locale=uk`);
    await expect(page.getByRole("heading", { level: 1, name: english.title })).toBeVisible();
    await expect(page.getByText("Цю новину не перекладено українською, тому її показано англійською.")).toBeVisible();
  });

  await test.step("the admin publishes it from the preview", async () => {
    englishPath = await publishOpenUpdate(page);
    expect(englishPath).toBe(`/en/updates/the-letter-reached-the-council-of-europe-${mark.toLowerCase()}`);
  });

  const reader = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const readerPage = await reader.newPage();

  await test.step("a reader without JavaScript finds it in the news log within seconds, and on its own page", async () => {
    // Within seconds, not at once: a render of the cached log that began before the
    // publication may still be served for up to its 5 s revalidate (decision 0021).
    await expect(async () => {
      await readerPage.goto("/en/updates");
      await expect(readerPage.getByRole("link", { name: english.title })).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
    await readerPage.getByRole("link", { name: english.title }).click();
    await expect(readerPage).toHaveURL(new RegExp(`${englishPath}$`));
    await expect(readerPage.getByRole("heading", { level: 1, name: english.title })).toBeVisible();
    await expect(readerPage.getByRole("listitem").filter({ hasText: "5 demands" })).toBeVisible();
    await expect(readerPage.getByRole("link", { name: "the record" })).toHaveAttribute("href", `https://example.org/record-${mark}`);
    // Link previews.
    await expect(readerPage.locator('meta[property="og:title"]')).toHaveAttribute("content", english.title);
    await expect(readerPage.locator('meta[property="og:type"]')).toHaveAttribute("content", "article");
    await expect(readerPage.locator('meta[property="og:url"]')).toHaveAttribute("content", new RegExp(`${englishPath}$`));
    await expect(readerPage.locator('meta[name="description"]')).toHaveAttribute("content", /^The letter was handed to the Parliamentary Assembly\./);

    await readerPage.goto(englishPath.replace("/en/", "/ru/"));
    await expect(readerPage.getByRole("heading", { level: 1, name: russian.title })).toBeVisible();
    await expect(async () => {
      await readerPage.goto("/uk/updates");
      await expect(readerPage.getByRole("link", { name: english.title })).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
  });

  await test.step("the pages are cached like the letter page", async () => {
    for (const path of ["/en/updates", englishPath, "/ru/updates/feed.xml"]) {
      const response = await readerPage.request.get(path);
      expect(response.status(), path).toBe(200);
      expect(response.headers()["cache-control"], path).toBe("public, max-age=0, s-maxage=10, stale-while-revalidate=60");
    }
  });

  await test.step("the Atom feed of each language has it, as HTML", async () => {
    for (const [locale, title] of [["en", english.title], ["ru", russian.title]] as const) {
      const feedPath = `/${locale}/updates/feed.xml`;
      // Within seconds, like the log (the feed is cached the same way).
      await expect.poll(async () => (await readerPage.request.get(feedPath)).text(), { timeout: 15_000 }).toContain(title);
      const response = await readerPage.request.get(feedPath);
      expect(response.headers()["content-type"]).toBe("application/atom+xml; charset=utf-8");
      const feed = readFeed(await response.text());
      expect(feed.id).toBe(`${baseURL}/${locale}/updates`);
      expect(feed.selfLink).toBe(`${baseURL}/${locale}/updates/feed.xml`);
      const entry = feed.entries.find((candidate) => candidate.title === title);
      expect(entry, `the ${locale} feed's entry`).toBeDefined();
      expect(entry!.id).toBe(`${baseURL}${englishPath.replace("/en/", `/${locale}/`)}`);
      expect(entry!.contentType).toBe("html");
      expect(entry!.content).toContain(locale === "en" ? "<strong>Parliamentary Assembly</strong>" : "<strong>Парламентской ассамблее</strong>");
    }
  });

  await test.step("the letter page shows it as the latest update within seconds", async () => {
    await expect
      .poll(async () => (await readerPage.request.get("/en")).text(), { timeout: 15_000 })
      .toContain(english.title);
    await readerPage.goto("/en");
    const latest = readerPage.getByRole("region", { name: "Latest update" });
    await expect(latest.getByRole("link", { name: english.title })).toHaveAttribute("href", englishPath);
  });

  await test.step("an edit after publishing goes live and is kept as a version", async () => {
    await page.goto(`/admin/updates/${id}`);
    await languageGroup(page, "en").getByLabel("Text", { exact: true }).fill("The letter was handed to the **Parliamentary Assembly** on Monday.");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status")).toHaveText("Saved. The public pages show the new version.");
    await expect(page.getByRole("region", { name: "Published versions" }).getByRole("listitem")).toHaveCount(2);
    await expect.poll(async () => (await readerPage.request.get(englishPath)).text(), { timeout: 15_000 }).toContain("on Monday.");
    await readerPage.goto(englishPath);
    await expect(readerPage.getByText(/, edited /)).toBeVisible();
  });
  await reader.close();
});

test("a body over 100 KB is refused with a clear error, and markup in a body renders inert", async ({ page, browser, baseURL }) => {
  await signInAs(page, "admin");

  await test.step("the form names the text that is too large, and how large it is", async () => {
    await page.goto("/admin/updates/new");
    await fillUpdateEditor(page, { texts: { en: { title: "Too long", body: "a".repeat(101 * 1024 + 10) } } });
    await page.getByRole("button", { name: "Save draft" }).click();
    const summary = page.getByRole("alert").filter({ hasText: "The update was not saved" });
    await expect(summary).toContainText("Text in English: This text is 102 KB; each language may have at most 100 KB.");
    await expect(languageGroup(page, "en").getByLabel("Text", { exact: true })).toHaveAttribute("aria-invalid", "true");
    await expect(page).toHaveURL(/\/admin\/updates\/new$/);
  });

  await test.step("without JavaScript the server refuses it with the same words, and keeps what was typed", async () => {
    const noScript = await browser.newContext({ baseURL, javaScriptEnabled: false, storageState: await page.context().storageState() });
    const plain = await noScript.newPage();
    await plain.goto("/admin/updates/new");
    await fillUpdateEditor(plain, { texts: { ru: { title: "Слишком длинно", body: "я".repeat(51 * 1024) } } });
    await plain.getByRole("button", { name: "Save draft" }).click();
    await expect(plain.getByRole("alert").filter({ hasText: "The update was not saved" })).toContainText("Text in Russian: This text is 102 KB; each language may have at most 100 KB.");
    await expect(languageGroup(plain, "ru").getByLabel("Title")).toHaveValue("Слишком длинно");
    await noScript.close();
  });

  const mark = uniqueName("Inert").split(" ").at(-1)!;
  const path = await publishUpdateThroughAdmin(browser, baseURL!, {
    texts: {
      en: {
        title: `<script>window.pwned = 1</script> Hostile ${mark}`,
        body: `<script>window.pwned = 2</script>\n\n<img src=x onerror="window.pwned = 3">\n\n[click me](javascript:window.pwned=4) and <a href="javascript:window.pwned=5">this</a>`,
      },
    },
  });

  await test.step("a reader sees the markup as text, and none of it runs or links anywhere", async () => {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`<script>window.pwned = 1</script> Hostile ${mark}`);
    await expect(page.getByText("<script>window.pwned = 2</script>")).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('.update__body img, .update__body script, .update__body a[href^="javascript"]').count()).toBe(0);
    const feed = await page.request.get("/en/updates/feed.xml");
    expect(await feed.text()).not.toMatch(/<script|href="javascript/);
  });
});

test("an author's card on the letter page shows their news, with its date", async ({ page, browser, baseURL }) => {
  const mark = uniqueName("Card").split(" ").at(-1)!;
  const path = await publishUpdateThroughAdmin(browser, baseURL!, {
    kind: "authorChange",
    author: "Azat Miftakhov",
    authorChange: "Released",
    eventOn: "2026-09-15",
    texts: { en: { title: `Azat Miftakhov is free ${mark}`, body: "He walked out of the colony this morning." } },
  });
  await expect
    .poll(async () => (await page.request.get("/en")).text(), { timeout: 15_000 })
    .toContain(`Azat Miftakhov is free ${mark}`);
  await page.goto("/en");
  const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { level: 3, name: "Azat Miftakhov" }) });
  await expect(card).toContainText("Azat Miftakhov: released on September 15, 2026");
  await expect(card.getByRole("link", { name: "Read the update" })).toHaveAttribute("href", path);
});

test.describe("a viewer", () => {
  test.use({ expectedHttpErrors: [403] });

  test("a viewer reads the updates and their drafts but cannot write or publish one", async ({ page, browser, baseURL }) => {
    const mark = uniqueName("Viewer").split(" ").at(-1)!;
    const context = await browser.newContext({ baseURL });
    const adminPage = await context.newPage();
    await signInAs(adminPage, "admin");
    const id = await saveNewUpdate(adminPage, { texts: { en: { title: `A draft to proofread ${mark}`, body: "Draft text." } } });
    await context.close();

    await signInAs(page, "viewer");
    await page.goto("/admin/updates");
    await expect(page.getByText("You can read updates and their drafts; only admins and owners write and publish them.")).toBeVisible();
    await expect(page.getByRole("link", { name: "Write an update" })).toHaveCount(0);
    await page.getByRole("link", { name: `A draft to proofread ${mark}` }).click();
    await expect(languageGroup(page, "en").getByLabel("Title")).toBeDisabled();
    await expect(page.getByRole("button", { name: /Save|Publish/ })).toHaveCount(0);
    await page.goto(`/admin/updates/${id}/preview?locale=en`);
    await expect(page.getByRole("heading", { level: 1, name: `A draft to proofread ${mark}` })).toBeVisible();
    const editor = await page.goto("/admin/updates/new");
    expect(editor?.status()).toBe(403);
  });
});
