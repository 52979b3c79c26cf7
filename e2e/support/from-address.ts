import http from "node:http";

/**
 * HTTP from a chosen loopback address (127.0.0.2, 127.0.0.3, …: Linux
 * answers for all of 127.0.0.0/8), so that one machine can play several
 * clients to nginx, which tells them apart by the address it sees.
 */
export function requestFrom(options: {
  localAddress: string;
  port: number;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: "127.0.0.1",
        port: options.port,
        localAddress: options.localAddress,
        path: options.path,
        method: options.method ?? "GET",
        headers: { ...options.headers, ...(options.body === undefined ? {} : { "content-length": String(Buffer.byteLength(options.body)) }) },
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString("utf8") }));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(options.body);
  });
}
