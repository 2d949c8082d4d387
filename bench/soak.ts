/**
 * `npm run bench:soak`: long load on the built service (`dist/main.js`, with the V8 flags it runs with
 * in production), against a throwaway redis-server and a fake model that answers every call in 200 ms,
 * in a process of its own.
 *
 * 1. Memory: a mixed load at 256 connections — direct turns each with a new Idempotency-Key,
 *    ultrafast questions (new ones and repeats: single flights and cache hits), MCP agent turns with
 *    one tool call each — and the service's RSS (from /proc), heap and handles after a warm-up, after
 *    2,000 requests and every 6,000 more up to SOAK_REQUESTS (default 20,000), with the event loop's
 *    delay p99 over each stretch.
 * 2. Throughput: direct turns alone on Express, on Fastify and on the floor (a bare node:http server
 *    doing the same work: what this machine allows) at 64, then 256 connections, SOAK_SECONDS (default
 *    15) each: requests a second against the ideal (connections ÷ model latency), errors, p50 and p99,
 *    the event loop's delay, and the CPU time each request costs the server, the fake model and
 *    autocannon.
 * 3. What waiting for a replica costs a turn: on a Redis Cluster of three masters with a replica each,
 *    the turn's two store trips (the window read with the rate counter, then the append) with and
 *    without `WAIT 1`, in interleaved rounds on the same connections: turns a second, p50 and p99.
 */
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConversationStore } from '../src/conversations/conversation.store.js';
import { StoredMessage } from '../src/conversations/conversation.types.js';
import { IoRedisService } from '../src/redis/ioredis.service.js';
import { RedisService, StoreCommand, StoreScript, StoreValue } from '../src/redis/redis.service.js';
import { FakeAnthropic, FakeReply, RecordedRequest } from '../test/support/fake-anthropic.js';
import { Child, startScript, startService } from './children.js';
import { PRINCIPAL } from './workload.js';
import {
  freePort,
  startRedisServer,
  startReplicatedCluster,
} from '../test/support/redis-server.js';

const MODEL_DELAY_MS = 200;
const CONNECTIONS = 256;
const THROUGHPUT_SECONDS = Number(process.env.SOAK_SECONDS ?? 15);
const WARMUP_REQUESTS = 5_000;
/** Requests counted after the warm-up at which memory is read: 2,000, then every 6,000. */
const SOAK_REQUESTS = Number(process.env.SOAK_REQUESTS ?? 20_000);
const CHECKPOINTS = [
  2_000,
  ...Array.from({ length: Math.ceil((SOAK_REQUESTS - 2_000) / 6_000) }, (_, i) =>
    Math.min(8_000 + i * 6_000, SOAK_REQUESTS),
  ),
];
const API_KEY = 'soak-key';
const HEADERS = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };
const CONVERSATIONS = 64;

async function main(): Promise<void> {
  console.log(
    `soak: ${os.cpus().length} cores, Node ${process.version}, load average ${loadAverage()}`,
  );
  const workspace = mkdtempSync(join(tmpdir(), 'soak-workspace-'));
  writeFileSync(join(workspace, 'notes.txt'), 'a file for the agent to list\n');
  const redis = await startRedisServer();
  const fake = await startScript('bench/soak.ts', {}, ['fake-model', workspace]);
  const env = {
    REDIS_URL: redis.url,
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_API_KEY: 'soak',
    // The floor reads and appends as the bench's principal: the service's conversations are its own.
    API_KEYS: `${API_KEY}:${PRINCIPAL}`,
    RATE_LIMIT_PER_MINUTE: '1000000000',
    LOG_LEVEL: 'warn',
    WORKSPACE_DIR: workspace,
  };
  const children: Child[] = [fake.child];
  try {
    const express = await serviceOn('express', env);
    children.push(express.child);
    const conversations = await createConversations(express.base);
    await memoryPhase(express.base, express.child.pid, conversations);
    const fastify = await serviceOn('fastify', env);
    const floor = await startScript('bench/floor-server.ts', env);
    children.push(fastify.child, floor.child);
    await throughputPhase(
      [
        { name: 'floor', base: floor.url, path: '/direct', pid: floor.child.pid, isService: false },
        {
          name: 'Express',
          base: express.base,
          path: DIRECT_PATH,
          pid: express.child.pid,
          isService: true,
        },
        {
          name: 'Fastify',
          base: fastify.base,
          path: DIRECT_PATH,
          pid: fastify.child.pid,
          isService: true,
        },
      ],
      conversations,
      fake.child.pid,
    );
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    await redis.stop();
  }
  await waitCostPhase();
  console.log(
    `\nload average at the end ${loadAverage()} (other work on the machine skews every figure)`,
  );
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(' ');
}

/** The fake Messages API: every call answered after MODEL_DELAY_MS; an agent's first call lists. */
async function serveFakeModel(workspace: string): Promise<void> {
  const fake = await FakeAnthropic.start();
  fake.respondWith((req) => ({ delayMs: MODEL_DELAY_MS, then: replyTo(req, workspace) }));
  // It records every request for tests to inspect; a soak sends hundreds of thousands.
  setInterval(() => fake.requests.splice(0), 1000);
  process.stdout.write(`${fake.url}\n`);
}

function replyTo(req: RecordedRequest, workspace: string): FakeReply {
  const last = req.body.messages.at(-1);
  const afterTool =
    Array.isArray(last?.content) && last.content.some((block) => block.type === 'tool_result');
  const canCall = (req.body.tools?.length ?? 0) > 0 && req.body.tool_choice?.type !== 'none';
  if (canCall && !afterTool) {
    return { toolUses: [{ name: 'fs__list_directory', input: { path: workspace } }] };
  }
  return { text: 'ok' };
}

// ---------------------------------------------------------------------------------------------
// 1. Memory under a mixed load

interface Snapshot {
  requests: number;
  rssMiB: number;
  heapUsedMiB: number;
  handles: number;
  loopP99Ms: number;
  errors: number;
  requestsPerSecond: number;
}

async function memoryPhase(base: string, pid: number, conversations: string[]): Promise<void> {
  const mixed = mixedRequests(conversations);
  await load(base, { amount: WARMUP_REQUESTS, next: mixed });
  await settle(base);
  const rows: Snapshot[] = [await snapshot(base, pid, 0, { errors: 0, requestsPerSecond: 0 })];
  let done = 0;
  for (const checkpoint of CHECKPOINTS) {
    await scrape(base); // prom-client restarts the event loop's delay histogram on every scrape
    const result = await load(base, { amount: checkpoint - done, next: mixed });
    const loopP99Ms = (await scrape(base)).get('nodejs_eventloop_lag_p99_seconds') ?? NaN;
    done = checkpoint;
    await settle(base);
    const row = await snapshot(base, pid, done, result);
    rows.push({ ...row, loopP99Ms: loopP99Ms * 1000 });
  }
  console.log(
    `\n1. Memory, mixed load at ${CONNECTIONS} connections (direct with Idempotency-Key, ` +
      'ultrafast new and repeated, mcp-agent with one tool call), model 200 ms',
  );
  console.table(
    rows.map((row) => ({
      'requests after warm-up': row.requests,
      'RSS MiB': row.rssMiB.toFixed(1),
      'heap used MiB': row.heapUsedMiB.toFixed(1),
      'active handles': row.handles,
      'loop delay p99 ms (stretch)': row.requests ? row.loopP99Ms.toFixed(1) : '',
      'req/s (stretch)': row.requests ? row.requestsPerSecond.toFixed(0) : '',
      'errors (stretch)': row.errors,
    })),
  );
  const [, at2k] = rows;
  const last = rows.at(-1) as Snapshot;
  console.log(
    `RSS ${at2k.rssMiB.toFixed(1)} MiB after 2,000 requests, ${last.rssMiB.toFixed(1)} MiB after ` +
      `${last.requests.toLocaleString('en')} (${signed(last.rssMiB - at2k.rssMiB)} MiB); heap ` +
      `${signed(last.heapUsedMiB - at2k.heapUsedMiB)} MiB`,
  );
}

/** Direct with a fresh Idempotency-Key, ultrafast (a new question, then a repeat), mcp-agent. */
function mixedRequests(conversations: string[]): () => autocannon.Request {
  let i = 0;
  return () => {
    const n = i++;
    const conversation_id = conversations[n % conversations.length];
    switch (n % 4) {
      case 0:
        return chatRequest(
          'direct',
          { message: `Explain item ${n}`, conversation_id },
          {
            'idempotency-key': randomUUID(),
          },
        );
      case 1:
        return chatRequest('ultrafast', { message: `What is ${n} in hex?` });
      case 2:
        return chatRequest('ultrafast', { message: `What is ${n % 50} in hex?` });
      default:
        return chatRequest('mcp-agent', { message: 'List the workspace', conversation_id });
    }
  };
}

/** Reads the process's resident set from /proc and the rest from /metrics. */
async function snapshot(
  base: string,
  pid: number,
  requests: number,
  result: { errors: number; requestsPerSecond: number },
): Promise<Snapshot> {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  const metrics = await scrape(base);
  return {
    requests,
    rssMiB: rssKiB / 1024,
    heapUsedMiB: (metrics.get('nodejs_heap_size_used_bytes') ?? NaN) / 2 ** 20,
    handles: metrics.get('nodejs_active_handles_total') ?? NaN,
    loopP99Ms: NaN,
    errors: result.errors,
    requestsPerSecond: result.requestsPerSecond,
  };
}

/** Idle for a moment, so what is measured is what stays, not what is in flight. */
async function settle(base: string): Promise<void> {
  await sleep(3000);
  await scrape(base);
}

// ---------------------------------------------------------------------------------------------
// 2. Throughput of the direct route

interface Target {
  name: string;
  base: string;
  path: string;
  pid: number;
  /** The service has /metrics (event-loop delay, GC time); the floor has not. */
  isService: boolean;
}

/**
 * The direct route on each adapter and, as the machine's ceiling, the floor (bench/floor-server.ts: a
 * bare node:http server doing the same read, model call and append), at 64 then 256 connections.
 */
async function throughputPhase(
  targets: Target[],
  conversations: string[],
  fakePid: number,
): Promise<void> {
  for (const target of targets) {
    await load(target.base, { seconds: 2, next: directTurns(target.path, conversations) });
  }
  const rows: Record<string, object> = {};
  for (const connections of [CONNECTIONS / 4, CONNECTIONS]) {
    for (const target of targets) {
      rows[`${target.name}, ${connections} conn.`] = await directLoad(
        target,
        connections,
        directTurns(target.path, conversations),
        fakePid,
      );
    }
  }
  console.log(`\n2. Direct turns alone, model 200 ms, ${THROUGHPUT_SECONDS} s per line`);
  console.table(rows);
}

function directTurns(path: string, conversations: string[]): () => autocannon.Request {
  let i = 0;
  return () => ({
    method: 'POST',
    path,
    headers: HEADERS,
    body: JSON.stringify({
      message: `Explain item ${i}`,
      conversation_id: conversations[i++ % conversations.length],
    }),
  });
}

async function directLoad(
  target: Target,
  connections: number,
  next: () => autocannon.Request,
  fakePid: number,
): Promise<object> {
  const { isService } = target;
  const before = isService ? await scrape(target.base) : undefined;
  const cpu = { target: cpuSeconds(target.pid), fake: cpuSeconds(fakePid) };
  const bench = process.cpuUsage();
  const result = await load(target.base, { seconds: THROUGHPUT_SECONDS, next, connections });
  const after = isService ? await scrape(target.base) : undefined;
  const requests = result.requestsPerSecond * THROUGHPUT_SECONDS;
  const perRequest = (seconds: number) => ((seconds * 1000) / requests).toFixed(2);
  const benchCpu = process.cpuUsage(bench);
  const ideal = connections / (MODEL_DELAY_MS / 1000);
  const metric = (name: string) => (after?.get(name) ?? NaN) - (before?.get(name) ?? 0);
  return {
    'req/s (2xx)': result.requestsPerSecond.toFixed(0),
    ideal: ideal.toFixed(0),
    'of ideal': `${((result.requestsPerSecond / ideal) * 100).toFixed(0)} %`,
    errors: result.errors,
    'p50 ms': result.p50Ms,
    'p99 ms': result.p99Ms,
    'loop delay p99 ms': isService
      ? ((after?.get('nodejs_eventloop_lag_p99_seconds') ?? NaN) * 1000).toFixed(1)
      : '',
    'CPU ms/req': perRequest(cpuSeconds(target.pid) - cpu.target),
    'of which GC': isService ? perRequest(metric('nodejs_gc_duration_seconds_sum')) : '',
    'fake model CPU ms/req': perRequest(cpuSeconds(fakePid) - cpu.fake),
    'autocannon CPU ms/req': perRequest((benchCpu.user + benchCpu.system) / 1e6),
  };
}

/** A process's CPU time so far (user and system), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat; 12 and 13 after the command name.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** USER_HZ: Linux reports CPU times in hundredths of a second. */
const CLOCK_TICKS = 100;

// ---------------------------------------------------------------------------------------------
// 3. The cost of WAIT 1 per turn on a 3+3 cluster

const WAIT_ROUNDS = 6;
const WAIT_ROUND_MS = 1500;
const WAIT_CONCURRENCY = [1, 32];

async function waitCostPhase(): Promise<void> {
  const cluster = await startReplicatedCluster();
  const store = new IoRedisService({
    clusterNodes: cluster.nodes.split(',').map((node) => {
      const [host, port] = node.split(':');
      return { host, port: Number(port) };
    }),
  });
  try {
    await store.connect();
    const rows = await compareWait({
      'with WAIT 1': new ConversationStore(store),
      'without WAIT': new ConversationStore(new WithoutReplicaWait(store)),
    });
    console.log(
      '\n3. A turn\u2019s two store trips (window + rate counter, then the append) on 3 masters + 3 ' +
        `replicas, ${WAIT_ROUNDS} interleaved rounds of ${WAIT_ROUND_MS} ms each`,
    );
    console.table(rows);
  } finally {
    await store.onApplicationShutdown();
    await cluster.stop();
  }
}

async function compareWait(
  variants: Record<string, ConversationStore>,
): Promise<Record<string, object>> {
  const rows: Record<string, object> = {};
  for (const concurrency of WAIT_CONCURRENCY) {
    const samples = new Map(Object.keys(variants).map((name) => [name, [] as number[]]));
    for (const conversations of Object.values(variants)) {
      await turns(conversations, concurrency, 500);
    }
    for (let round = 0; round < WAIT_ROUNDS; round++) {
      const order = Object.entries(variants);
      if (round % 2) order.reverse();
      for (const [name, conversations] of order) {
        samples.get(name)?.push(...(await turns(conversations, concurrency, WAIT_ROUND_MS)));
      }
    }
    for (const [name, latencies] of samples) {
      rows[`${name}, ${concurrency} at once`] = {
        'turns/s': (latencies.length / ((WAIT_ROUNDS * WAIT_ROUND_MS) / 1000)).toFixed(0),
        'p50 ms': quantile(latencies, 0.5).toFixed(3),
        'p99 ms': quantile(latencies, 0.99).toFixed(3),
      };
    }
  }
  return rows;
}

/** The same store, with every script's replica wait dropped: the append as it was before. */
class WithoutReplicaWait extends RedisService {
  readonly kind = 'cluster';

  constructor(private readonly inner: RedisService) {
    super();
  }

  batch(commands: StoreCommand[]): Promise<unknown[]> {
    return this.inner.batch(commands);
  }

  transaction(commands: StoreCommand[]): Promise<unknown[]> {
    return this.inner.transaction(commands);
  }

  runScript(script: StoreScript, keys: string[], args: StoreValue[]): Promise<unknown> {
    return this.inner.runScript({ ...script, waitForReplica: undefined }, keys, args);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }
}

/** Turns on 64 principals (spread over the masters) for `ms`, `concurrency` at once; latencies. */
async function turns(
  conversations: ConversationStore,
  concurrency: number,
  ms: number,
): Promise<number[]> {
  const latencies: number[] = [];
  const end = performance.now() + ms;
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const principal = `soak-${n++ % 64}`;
        const started = performance.now();
        await conversations.readWindow(principal, 'default', 50, {
          commands: [
            ['incr', `chat:{${principal}}:rate`],
            ['pexpire', `chat:{${principal}}:rate`, 60_000, 'NX'],
          ],
          parse: () => undefined,
        });
        await conversations.appendTurn(
          principal,
          'default',
          { user: message('user'), assistant: message('assistant') },
          'soak',
          { ttlSeconds: 3600, maxMessages: 1000 },
          'may-create',
        );
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

function message(role: StoredMessage['role']): StoredMessage {
  return {
    message_id: `m_${randomUUID()}`,
    role,
    content: 'A sentence or two of an ordinary answer, about two hundred characters long. '.repeat(
      3,
    ),
    route: 'direct_llm',
    model: 'soak-model',
    created_at: new Date().toISOString(),
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers

interface LoadOptions {
  amount?: number;
  seconds?: number;
  connections?: number;
  next: () => autocannon.Request;
}

async function load(
  base: string,
  { amount, seconds, next, connections = CONNECTIONS }: LoadOptions,
): Promise<{ requestsPerSecond: number; errors: number; p50Ms: number; p99Ms: number }> {
  const result = await autocannon({
    url: base,
    connections,
    ...(amount ? { amount } : { duration: seconds }),
    timeout: 30,
    requests: [{ setupRequest: () => next() }],
  });
  return {
    requestsPerSecond: result['2xx'] / result.duration,
    errors: result.errors + result.timeouts + result.non2xx,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}

const DIRECT_PATH = '/api/v1/chat/direct';

function chatRequest(
  route: string,
  body: object,
  headers: Record<string, string> = {},
): autocannon.Request {
  return {
    method: 'POST',
    path: `/api/v1/chat/${route}`,
    headers: { ...HEADERS, ...headers },
    body: JSON.stringify(body),
  };
}

async function createConversations(base: string): Promise<string[]> {
  return Promise.all(
    Array.from({ length: CONVERSATIONS }, async () => {
      const response = await fetch(`${base}/api/v1/conversations`, {
        method: 'POST',
        headers: HEADERS,
        body: '{}',
      });
      return ((await response.json()) as { conversation_id: string }).conversation_id;
    }),
  );
}

/** Every metric of the Prometheus text, summed over its label sets. */
async function scrape(base: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const totals = new Map<string, number>();
  for (const line of text.split('\n')) {
    const sample = /^([A-Za-z_:][\w:]*)(?:\{.*\})?\s+(\S+)/.exec(line);
    if (sample) totals.set(sample[1], (totals.get(sample[1]) ?? 0) + Number(sample[2]));
  }
  return totals;
}

/** The built service on one adapter, ready. */
async function serviceOn(
  adapter: string,
  env: Record<string, string>,
): Promise<{ child: Child; base: string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = await startService({ ...env, HTTP_ADAPTER: adapter, PORT: String(port) }, base);
  if ('exited' in started) throw new Error(`the service exited at start-up: ${started.exited}`);
  return { child: started.child, base };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;
}

if (process.argv[2] === 'fake-model') {
  await serveFakeModel(process.argv[3]);
} else {
  await main();
}
