/** The two measurements made of every route: throughput under load, and latency at one connection. */
import autocannon from 'autocannon';
import { Agent, request } from 'node:http';
import { BodyRotation } from './workload.js';

/** A chat route of the service or the floor, with the bodies it is sent, round robin. */
export interface Endpoint {
  url: string;
  headers: Record<string, string>;
  bodies: BodyRotation;
  /** Throws when a response is not the expected one (checked outside the timed part). */
  check(status: number, body: string): void;
}

export interface LoadResult {
  /** 2xx responses per second. */
  requestsPerSecond: number;
  /** Every response received, 2xx or not. */
  responses: number;
  /** autocannon's latency percentiles (whole milliseconds). */
  p50Ms: number;
  p99Ms: number;
  /** Connection errors, timeouts and non-2xx responses. */
  errors: number;
}

export interface LatencyResult {
  p50Ms: number;
  p99Ms: number;
  /** Requests sent, warm-up included. */
  requests: number;
}

export async function measureLoad(
  endpoint: Endpoint,
  seconds: number,
  connections: number,
): Promise<LoadResult> {
  const result = await autocannon({
    url: endpoint.url,
    method: 'POST',
    headers: endpoint.headers,
    connections,
    duration: seconds,
    timeout: REQUEST_TIMEOUT_MS / 1000,
    requests: [{ setupRequest: (req) => ({ ...req, body: endpoint.bodies.take() }) }],
  });
  return {
    requestsPerSecond: result['2xx'] / result.duration,
    responses: result['2xx'] + result.non2xx,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

const LATENCY_WARMUP_REQUESTS = 50;
/** autocannon's default, for the latency batch too: a server that stops answering fails the route. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * `count` requests one after the other on one kept-alive connection, each timed from sending to the
 * last byte of its response with the monotonic clock (autocannon's histogram has whole milliseconds).
 */
export async function measureLatency(endpoint: Endpoint, count: number): Promise<LatencyResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(endpoint.url);
  const micros = new Float64Array(count);
  try {
    for (let i = -LATENCY_WARMUP_REQUESTS; i < count; i++) {
      const body = endpoint.bodies.take();
      const started = process.hrtime.bigint();
      const response = await post(agent, url, endpoint.headers, body);
      if (i >= 0) micros[i] = Number(process.hrtime.bigint() - started) / 1000;
      endpoint.check(response.status, response.body);
    }
  } finally {
    agent.destroy();
  }
  micros.sort();
  return {
    p50Ms: percentile(micros, 0.5) / 1000,
    p99Ms: percentile(micros, 0.99) / 1000,
    requests: LATENCY_WARMUP_REQUESTS + count,
  };
}

function post(
  agent: Agent,
  url: URL,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () =>
      req.destroy(new Error(`no response from ${url.href}`)),
    );
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(sorted: Float64Array, fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}
