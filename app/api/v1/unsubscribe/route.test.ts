import { describe, expect, it } from "vitest";
import { GET } from "./route";

describe("GET /api/v1/unsubscribe (a person opening the header's link)", () => {
  it("sends them on to the page with one button, and changes nothing", () => {
    const token = `m${"a".repeat(51)}`;
    const response = GET(new Request(`http://app.test/api/v1/unsubscribe?locale=ru&token=${token}`));
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`/ru/unsubscribe?token=${token}`);
  });

  it("drops a token that is not one, and an unknown language", () => {
    const response = GET(new Request("http://app.test/api/v1/unsubscribe?locale=xx&token=%0d%0aSet-Cookie:%20a=b"));
    expect(response.headers.get("location")).toBe("/en/unsubscribe");
  });
});
