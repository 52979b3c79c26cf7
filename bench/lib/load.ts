import { randomBytes, randomInt } from "node:crypto";
import autocannon from "autocannon";
import { pickDomain } from "./email-domains";

export type LoadSummary = {
  connections: number;
  durationSeconds: number;
  /** Responses received (any status). */
  requests: number;
  /** Mean of the one-second samples of completed requests. */
  requestsPerSec: number;
  /** 2xx latencies only (autocannon records no others). */
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Socket errors, including timeouts. */
  errors: number;
  timeouts: number;
};

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export function summarize(result: autocannon.Result): LoadSummary {
  return {
    connections: result.connections,
    durationSeconds: result.duration,
    requests: result.requests.total,
    requestsPerSec: round(result.requests.average),
    latencyP50Ms: round(result.latency.p50, 2),
    latencyP99Ms: round(result.latency.p99, 2),
    latencyMaxMs: round(result.latency.max, 2),
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, stats]) => [code, stats.count])),
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** A bounded GET load on one path. */
export async function runGet(options: {
  baseUrl: string;
  path: string;
  connections: number;
  durationSeconds: number;
}): Promise<autocannon.Result> {
  return autocannon({
    url: `${options.baseUrl}${options.path}`,
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: 10,
    headers: { "accept-language": "en", "accept-encoding": "gzip" },
  });
}

const NAMES = ["Anna Petrova", "Олег Смирнов", "Марія Коваленко", "John Smith", "Lena Müller", "Иван Иванов"];
const COUNTRIES = ["RU", "UA", "DE", "GE", "AM", "KZ", "RS", "US", "GB", "FR", "IL", "LT"];
/**
 * Builds a new, valid, unique signature per request; `count()` says how many
 * were built. Addresses follow a realistic mix of mail domains
 * (email-domains.ts), and every request comes from a new client address, as
 * a crowd does: each one opens its own rate-limit rows.
 */
export function createSignatureFactory(runId = randomBytes(4).toString("hex")) {
  let built = 0;
  return {
    next(): { body: string; forwardedFor: string } {
      built += 1;
      const body = JSON.stringify({
        name: `${NAMES[built % NAMES.length] ?? "Bench Signer"} ${built}`,
        email: `bench.${runId}.${built}@${pickDomain(built)}`,
        country: COUNTRIES[built % COUNTRIES.length] ?? "DE",
        acceptPrivacy: true,
        locale: "en",
      });
      // A one-time public-looking IPv4 per request, as nginx would append it (TRUST_PROXY=1 takes the right-most entry).
      const forwardedFor = `${randomInt(11, 223)}.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
      return { body, forwardedFor };
    },
    count: () => built,
  };
}

export type SignatureFactory = ReturnType<typeof createSignatureFactory>;

/** A bounded POST /api/v1/signatures load; every request carries a new signature. */
export async function runSign(options: {
  baseUrl: string;
  connections: number;
  durationSeconds: number;
  factory: SignatureFactory;
}): Promise<autocannon.Result> {
  return autocannon({
    url: options.baseUrl,
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: 10,
    requests: [
      {
        method: "POST",
        path: "/api/v1/signatures",
        setupRequest: (request) => {
          const { body, forwardedFor } = options.factory.next();
          return {
            ...request,
            body,
            headers: {
              ...request.headers,
              "content-type": "application/json",
              "accept-language": "en",
              "x-forwarded-for": forwardedFor,
            },
          };
        },
      },
    ],
  });
}
