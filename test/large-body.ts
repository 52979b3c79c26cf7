import net from "node:net";

/**
 * Sends a request with `totalBytes` of body as fast as the server takes
 * them, over a raw socket (declared with Content-Length, or chunked), and
 * resolves when the server closes the connection, with what came back and
 * how many body bytes were written by then. A server that stops reading
 * leaves `written` far below `totalBytes`. One request per connection: the
 * socket is closed after a complete 200.
 */
export function sendLargeBody(options: {
  port: number;
  method?: string;
  path: string;
  totalBytes: number;
  chunked: boolean;
  headers?: Record<string, string>;
}): Promise<{ response: string; written: number }> {
  return new Promise((resolve) => {
    const socket = net.connect(options.port, "127.0.0.1");
    const received: Buffer[] = [];
    let written = 0;
    let closed = false;
    const piece = Buffer.alloc(64 * 1024, "a");
    const pump = () => {
      while (!closed && written < options.totalBytes) {
        const size = Math.min(piece.length, options.totalBytes - written);
        const data = options.chunked ? Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), piece.subarray(0, size), Buffer.from("\r\n")]) : piece.subarray(0, size);
        written += size;
        if (!socket.write(data)) return void socket.once("drain", pump);
      }
      if (!closed && options.chunked) socket.write("0\r\n\r\n");
    };
    socket.on("connect", () => {
      const head = [
        `${options.method ?? "POST"} ${options.path} HTTP/1.1`,
        "Host: 127.0.0.1",
        options.chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${options.totalBytes}`,
        ...Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
        "",
        "",
      ].join("\r\n");
      socket.write(head);
      pump();
    });
    socket.on("data", (chunk: Buffer) => {
      received.push(chunk);
      if (written >= options.totalBytes && /^HTTP\/1\.1 200 [^]*\r\n\r\n/.test(Buffer.concat(received).toString("latin1"))) socket.end();
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      closed = true;
      resolve({ response: Buffer.concat(received).toString("utf8"), written });
    });
  });
}

/** The status code of a raw HTTP/1.1 response. */
export const statusOf = (response: string): number => Number(response.slice(9, 12));
/** The body of a raw HTTP/1.1 response (not chunk-decoded). */
export const bodyOf = (response: string): string => response.slice(response.indexOf("\r\n\r\n") + 4);
