/** Accounts the test stack creates (with the real CLI) before the server starts. */
export const ORGANIZERS = {
  owner: { email: "e2e-owner@example.test", role: "owner" },
  admin: { email: "e2e-admin@example.test", role: "admin" },
  viewer: { email: "e2e-viewer@example.test", role: "viewer" },
} as const;

export const ORGANIZER_PASSWORD = "e2e organizer password 2026";
