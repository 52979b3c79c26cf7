import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { NGINX_SITE, NGINX_SNIPPET, renderNginxSite } from "@/e2e/support/nginx";
import { AUTH_MAX_BODY_BYTES, CONFIRM_API_MAX_BODY_BYTES, FORM_POST_MAX_BODY_BYTES, SIGN_API_MAX_BODY_BYTES } from "@/lib/body-limits";
import { SERVER_NODE_FLAGS } from "@/scripts/server-node-flags";

// What deploy/README.md promises of the production setup, read from the
// files themselves. nginx itself runs this config in the e2e stack.

/** A systemd unit's settings, each key with every value it is given. */
function readUnit(file: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (match) settings.set(match[1]!, [...(settings.get(match[1]!) ?? []), match[2]!]);
  }
  return settings;
}

describe("deploy/systemd/undersigned.service", () => {
  const unit = readUnit(path.join(__dirname, "systemd", "undersigned.service"));
  const one = (key: string) => {
    expect(unit.get(key), key).toHaveLength(1);
    return unit.get(key)![0]!;
  };

  it("runs what `npm start` runs: dist/server.js with the server's node flags, in production mode", () => {
    expect(one("ExecStart")).toBe(`/usr/bin/node ${SERVER_NODE_FLAGS.join(" ")} dist/server.js`);
    expect(one("Environment").split(" ")).toContain("NODE_ENV=production");
  });

  it("comes back whatever stops it, as a user of its own, with files only that user can read and its settings in a file", () => {
    expect(one("Restart")).toBe("always");
    expect(one("User")).toBe("undersigned");
    expect(one("Group")).toBe("undersigned");
    expect(one("UMask")).toBe("0077");
    expect(one("EnvironmentFile")).toBe("/etc/undersigned/env");
    expect(one("NoNewPrivileges")).toBe("yes");
  });
});

describe("deploy/nginx", () => {
  const site = fs.readFileSync(NGINX_SITE, "utf8");
  const snippet = fs.readFileSync(NGINX_SNIPPET, "utf8");

  it("lets through the largest body the app takes (lib/body-limits.ts), and nothing bigger", () => {
    const largest = Math.max(SIGN_API_MAX_BODY_BYTES, CONFIRM_API_MAX_BODY_BYTES, AUTH_MAX_BODY_BYTES, FORM_POST_MAX_BODY_BYTES);
    expect(snippet).toMatch(new RegExp(`^client_max_body_size ${largest / 1024}k;$`, "m"));
  });

  it("appends the address it sees to X-Forwarded-For (TRUST_PROXY=1 takes the right-most entry)", () => {
    expect(snippet).toMatch(/^proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;$/m);
  });

  it("is what the e2e stack runs: only the lines marked deployment: change", () => {
    const rendered = renderNginxSite(site, { appPort: 4001, port: 4002, plainPort: 4003, dir: "/tmp/e2e-nginx" }).split("\n");
    const unmarked = site.split("\n").filter((line) => !line.includes("# deployment"));
    expect(rendered.filter((line) => unmarked.includes(line))).toEqual(unmarked);
    expect(rendered.join("\n")).not.toMatch(/ssl_certificate|listen 443|listen \[::\]/);
    expect(() => renderNginxSite(`${site}\nresolver 127.0.0.53;  # deployment: a resolver`, { appPort: 1, port: 2, plainPort: 3, dir: "/tmp" })).toThrow(/no e2e rule/);
  });
});
