/** What the service reports about itself on /metrics, read around a measured batch. */
import { setTimeout as sleep } from 'node:timers/promises';

/** Every metric of the Prometheus text, summed over its label sets. */
type Scrape = Map<string, number>;

const ROUND_TRIPS = 'redis_round_trips_total';

export async function scrapeMetrics(baseUrl: string): Promise<Scrape> {
  const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  const totals: Scrape = new Map();
  for (const line of (await response.text()).split('\n')) {
    const sample = /^([A-Za-z_:][\w:]*)(?:\{.*\})?\s+(\S+)/.exec(line);
    if (sample) totals.set(sample[1], (totals.get(sample[1]) ?? 0) + Number(sample[2]));
  }
  return totals;
}

/**
 * A scrape once the service has finished what a load run left in flight (autocannon stops sending at
 * its deadline, not when the answers are in): the round-trip count no longer moves.
 */
export async function settledMetrics(baseUrl: string): Promise<Scrape> {
  let last = await scrapeMetrics(baseUrl);
  for (let attempt = 0; attempt < 50; attempt++) {
    await sleep(200);
    const next = await scrapeMetrics(baseUrl);
    if (next.get(ROUND_TRIPS) === last.get(ROUND_TRIPS)) return next;
    last = next;
  }
  throw new Error(`${ROUND_TRIPS} still moving 10 s after the load stopped`);
}

/** Store round trips per request over a batch of `requests` (NaN when the metric is absent). */
export function roundTripsPerRequest(before: Scrape, after: Scrape, requests: number): number {
  return delta(before, after, ROUND_TRIPS) / requests;
}

export interface RuntimeCost {
  /** The event loop's delay p99 since the `before` scrape (prom-client resets it on every scrape). */
  loopDelayP99Ms: number;
  /** Time in garbage collection per 1,000 requests. */
  gcMsPer1kRequests: number;
}

export function runtimeCost(before: Scrape, after: Scrape, requests: number): RuntimeCost {
  return {
    loopDelayP99Ms: (after.get('nodejs_eventloop_lag_p99_seconds') ?? NaN) * 1000,
    gcMsPer1kRequests:
      (delta(before, after, 'nodejs_gc_duration_seconds_sum') * 1000) / (requests / 1000),
  };
}

function delta(before: Scrape, after: Scrape, name: string): number {
  return (after.get(name) ?? NaN) - (before.get(name) ?? NaN);
}
