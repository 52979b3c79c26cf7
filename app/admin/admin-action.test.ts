import { redirect } from "next/navigation";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { requireOrganizer, type Organizer } from "@/server/auth/require-organizer";
import { AppError } from "@/server/errors";
import { errorCodeOf, formText, runAdminAction } from "./admin-action";

vi.mock("next/navigation", () => ({
  redirect: vi.fn((url: string) => {
    throw new Redirected(url);
  }),
}));
vi.mock("@/server/auth/require-organizer", () => ({ requireOrganizer: vi.fn() }));

class Redirected extends Error {
  constructor(readonly url: string) {
    super(`redirect to ${url}`);
  }
}

const admin: Organizer = { kind: "organizer", id: 7, email: "admin@example.org", role: "admin", name: "" };

/** Where the action sent the browser. */
async function destinationOf(action: Promise<unknown>): Promise<string> {
  const error = await action.then(
    () => new Error("no redirect"),
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof Redirected)) throw error;
  return error.url;
}

describe("runAdminAction", () => {
  beforeEach(() => {
    vi.mocked(redirect).mockClear();
    vi.mocked(requireOrganizer).mockReset();
  });

  it("runs the work as the organizer holding the capability and goes back with done=", async () => {
    vi.mocked(requireOrganizer).mockResolvedValue(admin);
    const work = vi.fn(() => ({ invalidated: 12 }));
    const query = new URLSearchParams([["emailDomain", "spam.example"], ["statuses", "pending"]]);
    const url = await destinationOf(runAdminAction({ capability: "moderate", page: "/admin/signatures/bulk", query, work, done: (result) => String(result.invalidated) }));
    expect(requireOrganizer).toHaveBeenCalledWith("moderate", { enrolling: undefined });
    expect(work).toHaveBeenCalledWith(admin);
    expect(url).toBe("/admin/signatures/bulk?emailDomain=spam.example&statuses=pending&done=12");
  });

  it("refuses without running the work when the capability is missing", async () => {
    vi.mocked(requireOrganizer).mockRejectedValue(new AppError("FORBIDDEN", "forbidden"));
    const work = vi.fn();
    expect(await destinationOf(runAdminAction({ capability: "managePartnerCodes", page: "/admin/partners", work, done: "created" }))).toBe(
      "/admin/partners?error=forbidden",
    );
    expect(work).not.toHaveBeenCalled();
  });

  it("shows the error's own code, not a detail that comes with it (a changed count says so)", async () => {
    vi.mocked(requireOrganizer).mockResolvedValue(admin);
    const work = () => {
      throw new AppError("CONFLICT", "countChanged", { count: "5" });
    };
    expect(await destinationOf(runAdminAction({ capability: "moderate", page: "/admin/signatures/bulk", work, done: "0" }))).toBe(
      "/admin/signatures/bulk?error=countChanged",
    );
  });

  it("sends nobody-signed-in to sign in, and someone without a required second factor to set it up", async () => {
    vi.mocked(requireOrganizer).mockRejectedValue(new AppError("UNAUTHENTICATED", "signInRequired"));
    expect(await destinationOf(runAdminAction({ capability: "readTotals", page: "/admin", work: vi.fn(), done: "x" }))).toBe("/admin/login");
    vi.mocked(requireOrganizer).mockRejectedValue(new AppError("FORBIDDEN", "secondFactorRequired"));
    expect(await destinationOf(runAdminAction({ capability: "readTotals", page: "/admin", work: vi.fn(), done: "x" }))).toBe("/admin/account");
  });

  it("lets a bug through to Next (a 500), never as an error code", async () => {
    vi.mocked(requireOrganizer).mockResolvedValue(admin);
    const bug = new TypeError("boom");
    await expect(runAdminAction({ capability: "moderate", page: "/admin", work: () => Promise.reject(bug), done: "x" })).rejects.toBe(bug);
    expect(() => errorCodeOf(bug)).toThrow(bug);
  });
});

describe("formText", () => {
  it("reads a text field, cut to its length; anything else is empty", () => {
    const form = new FormData();
    form.set("reason", "x".repeat(700));
    form.set("file", new Blob(["a"]));
    expect(formText(form, "reason", 600)).toHaveLength(600);
    expect(formText(form, "file")).toBe("");
    expect(formText(form, "missing")).toBe("");
  });
});
