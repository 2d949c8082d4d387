/**
 * `npm run bench`: the ultrafast cache-hit path of the built service against the floor (a bare node:http
 * endpoint doing the same two Redis calls), in the same run, on the same redis-server; then the local
 * router's decision latency.
 */
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { latencyLines } from '../scripts/eval-routing.js';
import { readRoutingExamples } from '../scripts/routing-dataset.js';
import { freePort, startRedisServer } from '../test/support/redis-server.js';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const MESSAGE = 'hi there, how are you?';
const API_KEY = 'bench-key';

interface Result {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

async function main(): Promise<void> {
  const redis = await startRedisServer();
  const children: ChildProcess[] = [];
  try {
    const appPort = await freePort();
    children.push(startApp(appPort, redis.url));
    await waitForReady(`http://127.0.0.1:${appPort}/health/ready`);
    const url = `http://127.0.0.1:${appPort}/api/v1/chat/ultrafast`;
    await primeCache(url);

    const floorPort = await freePort();
    const floorKey = await copyCachedAnswerForFloor(redis.url);
    children.push(startFloor(floorPort, redis.url, floorKey));
    await waitForPort(floorPort);

    const results = [
      await load('ultrafast hit (Nest, express)', url),
      await load('floor (node:http + same 2 Redis calls)', `http://127.0.0.1:${floorPort}/`),
    ];
    report(results);
    console.log('\nrouting decision (local analysis, test split):');
    console.log(latencyLines(readRoutingExamples('data/routing/test.jsonl')).join('\n'));
  } finally {
    children.forEach((child) => child.kill('SIGTERM'));
    await redis.stop();
  }
}

function startApp(port: number, redisUrl: string): ChildProcess {
  return spawn(process.execPath, ['dist/main.js'], {
    env: {
      ...process.env,
      PORT: String(port),
      REDIS_URL: redisUrl,
      API_KEYS: `${API_KEY}:bench-user`,
      LOG_LEVEL: 'error',
      RATE_LIMIT_PER_MINUTE: '100000000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function startFloor(port: number, redisUrl: string, cacheKey: string): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', './scripts/register-ts-loader.mjs', 'bench/floor-server.ts'],
    {
      env: { ...process.env, PORT: String(port), REDIS_URL: redisUrl, FLOOR_CACHE_KEY: cacheKey },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

async function primeCache(url: string): Promise<void> {
  for (const expectCached of [false, true]) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: MESSAGE }),
    });
    const body = (await response.json()) as { cached?: boolean };
    if (response.status !== 200 || body.cached !== expectCached) {
      throw new Error(`priming failed: ${response.status} ${JSON.stringify(body)}`);
    }
  }
}

/** The floor reads the very answer the service cached, so both serve the same bytes. */
async function copyCachedAnswerForFloor(redisUrl: string): Promise<string> {
  const client = new Redis(redisUrl);
  const [key] = await client.keys('chat:{bench-user}:answer-cache:*');
  const floorKey = 'floor:answer';
  await client.set(floorKey, (await client.get(key)) as string);
  await client.quit();
  return floorKey;
}

async function load(name: string, url: string): Promise<Result> {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION_S,
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ message: MESSAGE }),
  });
  return {
    name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

function report(results: Result[]): void {
  console.log(`\n${DURATION_S}s each, ${CONNECTIONS} connections, keep-alive, loopback\n`);
  console.log('path                                        req/s    p50 ms  p99 ms  errors');
  for (const r of results) {
    console.log(
      `${r.name.padEnd(42)} ${r.requestsPerSecond.toFixed(0).padStart(7)} ${String(r.p50).padStart(8)} ${String(r.p99).padStart(7)} ${String(r.errors).padStart(7)}`,
    );
  }
  const [service, floor] = results;
  console.log(
    `\nultrafast hit path = ${((service.requestsPerSecond / floor.requestsPerSecond) * 100).toFixed(0)}% of the floor`,
  );
}

async function waitForReady(url: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} never became ready`);
}

async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const ok = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      body: '{"message":"x"}',
    }).then(
      () => true,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`port ${port} never opened`);
}

await main();
