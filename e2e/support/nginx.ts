import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

/**
 * The production nginx config (deploy/nginx/) run in front of the e2e
 * stack's server (decision 0017). The site file is used as it is, except
 * the lines it marks "deployment:" (where the app listens, ports, TLS, the
 * cache folder, where the snippet is), which are replaced for loopback: one
 * rule per kind of marked line, and a marked line no rule knows, or a rule
 * that finds nothing, stops the stack. The snippet with the body limit,
 * the forwarded address and the letter-page cache is included unchanged.
 */

const REPO = path.resolve(__dirname, "..", "..");
export const NGINX_SITE = path.join(REPO, "deploy", "nginx", "undersigned.conf");
export const NGINX_SNIPPET = path.join(REPO, "deploy", "nginx", "undersigned-app.conf");

type Ports = { appPort: number; port: number; plainPort: number };

/** What becomes of each kind of marked line: its new text, or null to drop it. */
function deploymentRules(options: Ports & { dir: string }): { name: string; pattern: RegExp; replace: (line: string) => string | null }[] {
  return [
    { name: "upstream", pattern: /^\s*server 127\.0\.0\.1:\d+;/, replace: (line) => line.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${options.appPort}`) },
    { name: "cache folder", pattern: /^\s*proxy_cache_path \S+ /, replace: (line) => line.replace(/proxy_cache_path \S+/, `proxy_cache_path ${path.join(options.dir, "cache")}`) },
    { name: "plain HTTP", pattern: /^\s*listen 80;/, replace: () => `    listen 127.0.0.1:${options.plainPort};` },
    { name: "the site", pattern: /^\s*listen 443 ssl http2;/, replace: () => `    listen 127.0.0.1:${options.port};` },
    { name: "IPv6", pattern: /^\s*listen \[::\]:\d+/, replace: () => null },
    { name: "server name", pattern: /^\s*server_name \S+;/, replace: (line) => line },
    { name: "certificate", pattern: /^\s*ssl_certificate(_key)? \S+;/, replace: () => null },
    { name: "snippet", pattern: /^\s*include \S+undersigned-app\.conf;/, replace: (line) => line.replace(/include \S+;/, `include ${NGINX_SNIPPET};`) },
  ];
}

/** The site file with its "deployment:" lines made local. */
export function renderNginxSite(site: string, options: Ports & { dir: string }): string {
  const rules = deploymentRules(options);
  const used = new Set<string>();
  const lines = site.split("\n").flatMap((line) => {
    if (!line.includes("# deployment")) return [line];
    const rule = rules.find((candidate) => candidate.pattern.test(line));
    if (!rule) throw new Error(`deploy/nginx/undersigned.conf: no e2e rule for the deployment line ${JSON.stringify(line.trim())}`);
    used.add(rule.name);
    const replaced = rule.replace(line.replace(/\s*# deployment.*$/, ""));
    return replaced === null ? [] : [replaced];
  });
  const unused = rules.filter((rule) => !used.has(rule.name)).map((rule) => rule.name);
  if (unused.length > 0) throw new Error(`deploy/nginx/undersigned.conf: no deployment line for ${unused.join(", ")}`);
  return lines.join("\n");
}

/** A whole nginx.conf around the site, with every file nginx writes inside `dir`. */
export function renderNginxConfig(options: Ports & { dir: string }): string {
  const inDir = (name: string) => path.join(options.dir, name);
  return [
    "worker_processes 1;",
    `pid ${inDir("nginx.pid")};`,
    "error_log stderr error;",
    "events { worker_connections 256; }",
    "http {",
    // As Debian's /etc/nginx/nginx.conf around sites-enabled (access log off: the test output is enough).
    "    include /etc/nginx/mime.types;",
    "    default_type application/octet-stream;",
    "    gzip on;",
    "    access_log off;",
    `    client_body_temp_path ${inDir("body")};`,
    `    proxy_temp_path ${inDir("proxy")};`,
    `    fastcgi_temp_path ${inDir("fastcgi")};`,
    `    uwsgi_temp_path ${inDir("uwsgi")};`,
    `    scgi_temp_path ${inDir("scgi")};`,
    renderNginxSite(fs.readFileSync(NGINX_SITE, "utf8"), options),
    "}",
    "",
  ].join("\n");
}

/**
 * Starts Debian's nginx (`NGINX_PATH`, else /usr/sbin/nginx) in the
 * foreground with that config, and resolves once it accepts connections.
 */
export async function startNginx(options: Ports & { dir: string }): Promise<ChildProcess> {
  fs.mkdirSync(options.dir, { recursive: true });
  // Run as root, nginx's workers are another user: they must reach their folders.
  fs.chmodSync(options.dir, 0o755);
  const configPath = path.join(options.dir, "nginx.conf");
  fs.writeFileSync(configPath, renderNginxConfig(options));
  const child = spawn(process.env.NGINX_PATH || "/usr/sbin/nginx", ["-e", "stderr", "-p", options.dir, "-c", configPath, "-g", "daemon off;"], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));
  const started = Date.now();
  for (;;) {
    if (spawnError) throw new Error(`nginx could not start (${spawnError.message}); is it installed? (apt-get install nginx)`);
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`nginx exited (${child.signalCode ?? child.exitCode}): see its message above`);
    if (await accepts(options.port)) return child;
    if (Date.now() - started > 10_000) {
      child.kill("SIGKILL");
      throw new Error("nginx did not listen within 10 s");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
