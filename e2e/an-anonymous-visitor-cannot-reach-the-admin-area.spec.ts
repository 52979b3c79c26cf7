import { expect, test } from "./support/fixtures";

const EXPORT_ROUTES = ["/admin/exports/signatures.csv", "/admin/exports/countries.csv", "/admin/exports/countries.json"];

test("an anonymous visitor is sent to sign-in from every admin page", async ({ page }) => {
  for (const path of ["/admin", "/admin/signatures", "/admin/exports", "/admin/organizers", "/admin/audit", "/admin/updates", "/admin/updates/new", "/admin/updates/1", "/admin/updates/1/preview?locale=en"]) {
    await page.goto(path);
    await expect(page).toHaveURL(/\/admin\/login$/);
    await expect(page.getByRole("heading", { level: 1, name: "Organizer sign-in" })).toBeVisible();
  }
});

test("an anonymous visitor cannot reach any export: 401 and no personal data", async ({ request }) => {
  for (const path of EXPORT_ROUTES) {
    const response = await request.get(path, { maxRedirects: 0 });
    expect(response.status(), path).toBe(401);
    const body = await response.text();
    expect(body, path).not.toContain("@");
    expect(response.headers()["content-type"], path).toContain("application/json");
  }
});

test("an oversized post to a page, public or admin, is refused with 413 before anything reads it", async ({ request }) => {
  // The update editor's own cap is larger (three 100 KB texts), never unbounded.
  for (const path of ["/en", "/admin/organizers", "/admin/updates/new"]) {
    const response = await request.post(path, {
      data: Buffer.alloc(10 * 1024 * 1024, "a"),
      headers: { "Content-Type": "multipart/form-data; boundary=x", "Next-Action": "0".repeat(42) },
    });
    expect(response.status(), path).toBe(413);
  }
});
