// Minimal types for the parts of autocannon@9's programmatic API the bench
// uses (the package ships no types, and @types/autocannon lags behind).
declare module "autocannon" {
  namespace autocannon {
    type Headers = Record<string, string>;

    interface Request {
      method?: string;
      path?: string;
      headers?: Headers;
      body?: string | Buffer;
      /** Called before each request is sent; return the request to send. */
      setupRequest?: (request: Request, context: Record<string, unknown>) => Request | null | undefined;
    }

    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      /** Seconds before a request counts as timed out. */
      timeout?: number;
      pipelining?: number;
      method?: string;
      headers?: Headers;
      body?: string | Buffer;
      requests?: Request[];
      title?: string;
    }

    /** hdr-histogram-percentiles-obj: min/max/mean plus named percentiles. */
    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p97_5: number;
      p99: number;
    }

    interface Result {
      title?: string;
      url: string;
      connections: number;
      /** Seconds actually run. */
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      resets: number;
      "1xx": number;
      "2xx": number;
      "3xx": number;
      "4xx": number;
      "5xx": number;
      statusCodeStats: Record<string, { count: number }>;
      /** Milliseconds; only 2xx responses are recorded. */
      latency: Histogram & { totalCount: number };
      /** Completed requests per one-second sample; `total` is all completed. */
      requests: Histogram & { sent: number };
      /** Bytes per one-second sample. */
      throughput: Histogram;
    }
  }

  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;

  export = autocannon;
}
