/**
 * `npm run bench`: the built service on each HTTP adapter against the floor (bench/floor-server.ts, the
 * same jobs on bare node:http), in one run, on one throwaway redis-server holding the same 500
 * conversations, with the fake model answering at once. The order is floor, express, fastify, floor: the
 * floor's two runs show how much the machine itself moved. Then the local router's decision latency.
 * BENCH_SECONDS (default 8) and BENCH_CONNECTIONS (default 32) tune the load.
 */
import os from 'node:os';
import { stripVTControlCharacters } from 'node:util';
import { latencyLines } from '../scripts/eval-routing.js';
import { readRoutingExamples } from '../scripts/routing-dataset.js';
import type { Environment } from '../src/config/load-config.js';
import { freePort, startRedisServer } from '../test/support/redis-server.js';
import { Child, startScript, startService } from './children.js';
import { Endpoint, measureLatency, measureLoad } from './measure.js';
import {
  Adapter,
  ADAPTERS,
  AdapterRun,
  FloorRun,
  Measured,
  SERVICE_ROUTES,
  ServiceMeasured,
  ServiceRoute,
} from './results.js';
import { printResults } from './report.js';
import {
  roundTripsPerRequest,
  runtimeCost,
  scrapeMetrics,
  settledMetrics,
} from './service-metrics.js';
import { TurnStore } from './turn-store.js';
import {
  API_KEY,
  BodyRotation,
  CONVERSATION_IDS,
  configFor,
  EXPLAIN_MESSAGE,
  PRINCIPAL,
  QUICK_MESSAGE,
  seedConversations,
  sharedEnvironment,
} from './workload.js';

const SECONDS = positiveInteger('BENCH_SECONDS', 8);
const CONNECTIONS = positiveInteger('BENCH_CONNECTIONS', 32);
/**
 * Every route of a phase is loaded this long before any is measured: the first route measured after a
 * start ran about 40% slower than the same route measured later (JIT, start-up work such as the MCP
 * server's), so a warm-up of its own was not enough.
 */
const WARMUP_SECONDS = 2;
/** Each route's own unmeasured load just before it is measured, so the previous route's tail is gone. */
const LEAD_IN_SECONDS = 1;
const LATENCY_REQUESTS = 2000;
const REQUEST_TIMEOUT_MS = 10_000;
const HEADERS = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };

/** The parts of a ChatResponse the bench checks. */
interface ChatReply {
  route?: string;
  cached?: boolean;
  routing?: { decided_by?: string };
}

const LOCAL_DECIDERS = ['rules', 'classifier'];

const SERVICE_CALLS: Record<
  ServiceRoute,
  { path: string; message: string; expect: (reply: ChatReply) => boolean }
> = {
  '/chat/direct': {
    path: '/api/v1/chat/direct',
    message: EXPLAIN_MESSAGE,
    expect: (reply) => reply.route === 'direct_llm' && reply.cached === false,
  },
  '/chat/orchestrated': {
    path: '/api/v1/chat/orchestrated',
    message: EXPLAIN_MESSAGE,
    expect: (reply) =>
      reply.route === 'direct_llm' && LOCAL_DECIDERS.includes(reply.routing?.decided_by ?? ''),
  },
  '/chat/ultrafast hit': {
    path: '/api/v1/chat/ultrafast',
    message: QUICK_MESSAGE,
    expect: (reply) => reply.cached === true,
  },
};

async function main(): Promise<void> {
  const redis = await startRedisServer();
  const children: Child[] = [];
  try {
    const model = await startScript('bench/fake-model.ts');
    children.push(model.child);
    const env = sharedEnvironment(redis.url, model.url);
    const config = configFor(env);
    const store = new TurnStore(redis.url, PRINCIPAL, config.conversations);
    await seedConversations(store, config);
    const redisVersion = await store.serverVersion();
    await store.close();
    const floor = await startScript('bench/floor-server.ts', env);
    children.push(floor.child);

    console.log(describeMachine());
    console.log(
      `Setup: redis-server ${redisVersion} on loopback; fake model answering at once; ` +
        `${CONVERSATION_IDS.length} conversations of ${config.conversations.historyMaxMessages} ` +
        `messages; request logs on (LOG_LEVEL=info, written to /dev/null)\n`,
    );

    const floorBefore = await measureFloor(floor.url, 'before');
    const adapters: AdapterRun[] = [];
    for (const adapter of ADAPTERS) adapters.push(await measureService(adapter, env));
    const floorAfter = await measureFloor(floor.url, 'after');
    const settings = {
      seconds: SECONDS,
      connections: CONNECTIONS,
      latencyRequests: LATENCY_REQUESTS,
    };
    printResults({ settings, floorBefore, adapters, floorAfter });

    console.log('\nRouting decision, local analysis (data/routing/test.jsonl):');
    console.log(latencyLines(readRoutingExamples('data/routing/test.jsonl')).join('\n'));
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    await redis.stop();
  }
}

function describeMachine(): string {
  const cpus = os.cpus();
  return (
    `Machine: ${cpus[0]?.model.trim()} × ${cpus.length} CPUs, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ` +
    `${os.platform()} ${os.arch()}, load average ${os.loadavg()[0].toFixed(2)} at start`
  );
}

async function measureFloor(url: string, when: 'before' | 'after'): Promise<FloorRun> {
  progress(`floor (${when})`);
  const turn = endpoint(`${url}/direct`, EXPLAIN_MESSAGE);
  const hit = endpoint(`${url}/hit`, QUICK_MESSAGE);
  await warmUp([turn, hit]);
  return { 'direct turn': await measureRoute(turn), 'cache hit': await measureRoute(hit) };
}

async function warmUp(targets: Endpoint[]): Promise<void> {
  for (const target of targets) await measureLoad(target, WARMUP_SECONDS, CONNECTIONS);
}

async function measureRoute(target: Endpoint): Promise<Measured> {
  await measureLoad(target, LEAD_IN_SECONDS, CONNECTIONS);
  const load = await measureLoad(target, SECONDS, CONNECTIONS);
  return { load, latency: await measureLatency(target, LATENCY_REQUESTS) };
}

/**
 * One start of the built service on `adapter`. It is not available when the configuration refuses the
 * adapter (the refusal names HTTP_ADAPTER, as every refused variable is named); any other exit at
 * start-up, or a failure once started, is a failed run: reported in the tables, the exit code set, and
 * the other phases still run.
 */
async function measureService(adapter: Adapter, env: Environment): Promise<AdapterRun> {
  progress(adapter);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = await startService({ ...env, HTTP_ADAPTER: adapter, PORT: String(port) }, url);
  if ('exited' in started) {
    const refused = started.exited.includes('HTTP_ADAPTER');
    if (!refused) process.exitCode = 1;
    return {
      adapter,
      outcome: refused ? 'not available' : 'failed',
      reason: oneLine(started.exited),
    };
  }
  try {
    const routing = await checkOrchestratedRoute(url);
    await primeUltrafastCache(url);
    const targets = SERVICE_ROUTES.map((route) => {
      const { path, message, expect } = SERVICE_CALLS[route];
      return endpoint(url + path, message, expect);
    });
    await warmUp(targets);
    const routes = {} as Record<ServiceRoute, ServiceMeasured>;
    for (const [index, route] of SERVICE_ROUTES.entries()) {
      routes[route] = await measureServiceRoute(url, targets[index]);
    }
    return { adapter, outcome: 'measured', routing, routes };
  } catch (error) {
    process.exitCode = 1;
    return { adapter, outcome: 'failed', reason: oneLine(String(error)) };
  } finally {
    await started.child.stop();
  }
}

/** The first 240 characters, on one line, without terminal colours (Nest colours its start-up log). */
function oneLine(text: string): string {
  return stripVTControlCharacters(text).replace(/\s+/g, ' ').slice(0, 240);
}

/**
 * measureRoute, with the service's /metrics read around the load (event-loop delay and GC) and around
 * the latency batch (round trips: one request at a time, so exactly the batch's).
 */
async function measureServiceRoute(url: string, target: Endpoint): Promise<ServiceMeasured> {
  await measureLoad(target, LEAD_IN_SECONDS, CONNECTIONS);
  const beforeLoad = await settledMetrics(url);
  const load = await measureLoad(target, SECONDS, CONNECTIONS);
  const afterLoad = await scrapeMetrics(url);
  const beforeLatency = await settledMetrics(url);
  const latency = await measureLatency(target, LATENCY_REQUESTS);
  const afterLatency = await scrapeMetrics(url);
  return {
    load,
    latency,
    runtime: runtimeCost(beforeLoad, afterLoad, load.responses),
    roundTrips: roundTripsPerRequest(beforeLatency, afterLatency, latency.requests),
  };
}

/**
 * The orchestrated message must go to direct_llm by the local analysis alone (ROUTER_LLM=off), so
 * /chat/orchestrated does /chat/direct's work plus routing; the dry run says how it was decided.
 */
async function checkOrchestratedRoute(url: string): Promise<string> {
  const decision = (await postChat(url, '/api/v1/chat/orchestrated/route', EXPLAIN_MESSAGE)) as {
    route: string;
    decided_by: string;
    confidence: number;
    needs_history: boolean;
  };
  if (decision.route !== 'direct_llm' || !LOCAL_DECIDERS.includes(decision.decided_by)) {
    throw new Error(
      `the orchestrated message is not routed locally to direct_llm: ${JSON.stringify(decision)}`,
    );
  }
  return (
    `${decision.route} by ${decision.decided_by} (confidence ${decision.confidence}), ` +
    `needs_history ${decision.needs_history}`
  );
}

/** The first ultrafast request for the message may be a miss (a model call); the next must hit. */
async function primeUltrafastCache(url: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const reply = (await postChat(url, '/api/v1/chat/ultrafast', QUICK_MESSAGE)) as ChatReply;
    if (reply.cached) return;
  }
  throw new Error('the ultrafast route never answered from its cache');
}

async function postChat(url: string, path: string, message: string): Promise<unknown> {
  const response = await fetch(url + path, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify({ message, conversation_id: CONVERSATION_IDS[0] }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  }).catch((error: unknown) => {
    throw new Error(`POST ${path}: ${String(error)}`);
  });
  const body = await response.text();
  checker(url + path)(response.status, body);
  return JSON.parse(body);
}

function endpoint(url: string, message: string, expect?: (reply: ChatReply) => boolean): Endpoint {
  return { url, headers: HEADERS, bodies: new BodyRotation(message), check: checker(url, expect) };
}

/** A check that throws unless the response is a 200 whose body `expect` accepts. */
function checker(url: string, expect: (reply: ChatReply) => boolean = () => true) {
  return (status: number, body: string): void => {
    if (status !== 200 || !expect(JSON.parse(body) as ChatReply)) {
      throw new Error(`${url} answered ${status} ${body.slice(0, 300)}`);
    }
  };
}

function positiveInteger(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

function progress(phase: string): void {
  process.stderr.write(`measuring ${phase}…\n`);
}

await main();
