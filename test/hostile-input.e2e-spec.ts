import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { STATUS_CODES } from 'node:http';
import { connect } from 'node:net';
import { HTTP_SERVER_TIMEOUTS } from '../src/app.setup.js';
import { FakeAnthropic } from './support/fake-anthropic.js';
import { writeMcpConfig } from './support/mcp-tools.js';
import { collect, deltaText, listen, postSse } from './support/sse-client.js';
import { createTestApp, TestApp } from './support/test-app.js';

const CHAT_PATHS = [
  '/api/v1/chat/direct',
  '/api/v1/chat/mcp-agent',
  '/api/v1/chat/ultrafast',
  '/api/v1/chat/orchestrated',
  '/api/v1/chat/orchestrated/route',
];
const MAX_MESSAGE_CHARS = 100;
const MAX_BODY_BYTES = 1024 * 1024;
/** Generous: a refusal takes milliseconds, but this is a noisy 2-core machine. */
const QUICK_MS = 2_000;
/**
 * The fuzz's bounds are hang guards, not speed targets (benchmarks measure speed): alone its slowest
 * refusal takes 0.6-0.8 s and /health/live 0.4-0.7 s, as six workers queue 50k-key bodies, and with
 * the other suites on the same two cores both passed 2 s and 1 s in two of six full runs.
 */
const FUZZ_REPLY_MS = 6_000;
const FUZZ_LIVE_MS = 3_000;

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  ms: number;
}

/** A bad request: its body's bytes as sent and its Content-Type (none when null). */
interface BadRequest {
  label: string;
  body: string | Buffer;
  contentType?: string | null;
  headers?: Record<string, string>;
}

/** What a raw socket saw: everything the server wrote, and how the connection ended. */
interface RawExchange {
  received: string;
  ms: number;
  ended: 'closed' | 'reset' | 'still open';
}

describe('hostile input: a quick 4xx that changes nothing', () => {
  let fake: FakeAnthropic;
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    fake = await FakeAnthropic.start();
    t = await createTestApp({
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'test-key',
      MAX_MESSAGE_CHARS: String(MAX_MESSAGE_CHARS),
      MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      RATE_LIMIT_PER_MINUTE: '1000000',
      MCP_CONFIG: writeMcpConfig({ off: { url: 'http://127.0.0.1:9', disabled: true } }),
    });
    base = await listen(t);
  });

  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  beforeEach(() => fake.reset());

  async function send(path: string, request: BadRequest, auth = t.alice): Promise<Reply> {
    const headers: Record<string, string> = { ...auth, ...request.headers };
    const contentType =
      request.contentType === undefined ? 'application/json' : request.contentType;
    if (contentType !== null) headers['Content-Type'] = contentType;
    const started = performance.now();
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers,
      body: typeof request.body === 'string' ? Buffer.from(request.body) : request.body,
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      ms: performance.now() - started,
    };
  }

  const json = (body: string, label = body.slice(0, 60)): BadRequest => ({ label, body });

  /** The reply is a 4xx in the one error shape (an empty string when it is, else what is wrong). */
  function errorShapeProblem(reply: Reply): string {
    if (reply.status < 400 || reply.status >= 500) return `status ${reply.status}`;
    let body: unknown;
    try {
      body = JSON.parse(reply.text);
    } catch {
      return `not JSON: ${reply.text.slice(0, 100)}`;
    }
    const { statusCode, error, message, request_id } = body as Record<string, unknown>;
    const messageOk =
      typeof message === 'string' ||
      (Array.isArray(message) && message.every((m) => typeof m === 'string'));
    if (
      statusCode !== reply.status ||
      error !== STATUS_CODES[reply.status] ||
      !messageOk ||
      request_id !== reply.headers.get('x-request-id') ||
      Object.keys(body as object).length !== 4
    ) {
      return `not the error shape: ${reply.text.slice(0, 200)}`;
    }
    return '';
  }

  /** Sends `request` to every chat endpoint: each answers `status` quickly, in the error shape. */
  async function expectRefused(
    request: BadRequest,
    status: number,
    message: string,
  ): Promise<void> {
    for (const path of CHAT_PATHS) {
      const reply = await send(path, request);
      expect({ path, status: reply.status, problem: errorShapeProblem(reply) }).toEqual({
        path,
        status,
        problem: '',
      });
      expect(reply.text).toContain(message);
      expect(reply.ms).toBeLessThan(QUICK_MS);
    }
  }

  describe('each case on every chat endpoint', () => {
    it('50,000 unknown keys under the size limit: 400 naming the first few, without the seconds of CPU', async () => {
      const keys = Array.from({ length: 50_000 }, (_, i) => `"k${i}":${i}`).join(',');
      const body = `{"message":"hi",${keys}}`;
      expect(body.length).toBeLessThan(MAX_BODY_BYTES);
      await expectRefused(json(body, '50k keys'), 400, 'property k0 should not exist');
      await expectRefused(json(`{${keys}}`, '50k keys only'), 400, 'should not exist');
    }, 15_000);

    it.each([
      ['__proto__', '{"message":"hi","__proto__":{"stream":true}}'],
      ['constructor', '{"message":"hi","constructor":{"name":"x"}}'],
      ['a very long key', `{"message":"hi","${'k'.repeat(200_000)}":1}`],
    ])('refuses %s by name', async (_name, body) => {
      await expectRefused(json(body), 400, 'should not exist');
    });

    it.each([
      ['arrays in message', `{"message":${'['.repeat(5000)}${']'.repeat(5000)}}`],
      ['objects in messages', `{"messages":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`],
      ['a body of arrays', `${'['.repeat(10_000)}${']'.repeat(10_000)}`],
    ])('deeply nested JSON (%s): 400 naming the depth, not a 500', async (name, body) => {
      const expected = body.startsWith('[[') ? 'must be a JSON object' : 'nested too deeply';
      await expectRefused(json(body, name), 400, expected);
    });

    it.each([
      ['message', JSON.stringify({ message: 'hello \uD800 world' }), 'message must be well-formed'],
      ['a low half alone', JSON.stringify({ message: '\uDC00' }), 'message must be well-formed'],
      [
        'conversation_id',
        JSON.stringify({ message: 'hi', conversation_id: 'c_\uDBFF' }),
        'conversation_id must be well-formed',
      ],
      [
        'the retired messages',
        JSON.stringify({ messages: [{ role: 'user', content: 'x\uD83D' }] }),
        'messages[0].content must be well-formed',
      ],
    ])('a lone surrogate in %s: 400', async (_name, body, expected) => {
      expect(body).toMatch(/\\ud[89a-f]/); // JSON.stringify escapes it: the JSON text itself is fine
      await expectRefused(json(body), 400, expected);
    });

    it.each([null, '', 0, false, [], {}, 'hi'])(
      '{"message": "hi", "messages": %j}: 400 naming messages, pointing to message',
      async (messages) => {
        const body = JSON.stringify({ message: 'hi', messages });
        await expectRefused(json(body), 400, 'The `messages` array is no longer accepted');
        await expectRefused(json(body), 400, 'send the new text as `message`');
      },
    );

    it('invalid UTF-8 is 400 and another charset 415, where both used to be stored; a BOM is fine', async () => {
      const invalid = Buffer.concat([
        Buffer.from('{"message":"hi '),
        Buffer.from([0xed, 0xa0, 0x80]), // a surrogate encoded as UTF-8 (CESU-8)
        Buffer.from('"}'),
      ]);
      await expectRefused({ label: 'cesu', body: invalid }, 400, 'Request body is not valid UTF-8');
      const utf16 = {
        label: 'utf-16',
        body: Buffer.from('{"message":"hi"}', 'utf16le'),
        contentType: 'application/json; charset=utf-16le',
      };
      await expectRefused(utf16, 415, 'JSON bodies must be UTF-8');
      const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"message":"hi"}')]);
      const accepted = await send('/api/v1/chat/orchestrated/route', { label: 'bom', body: bom });
      expect(accepted.status).toBe(200);
    });
  });

  describe('connections', () => {
    /** Writes `chunks` (each after its delay) on a raw socket and reports how the exchange ended. */
    function exchange(chunks: Array<[number, string]>, waitMs: number): Promise<RawExchange> {
      const { port } = new URL(base);
      return new Promise((resolve) => {
        const socket = connect(Number(port), '127.0.0.1');
        const started = performance.now();
        let received = '';
        let reset = false;
        const timers = chunks.map(([delay, data]) =>
          setTimeout(() => socket.writable && socket.write(data), delay),
        );
        const giveUp = setTimeout(() => {
          socket.destroy();
          finish('still open');
        }, waitMs);
        function finish(ended: RawExchange['ended']): void {
          timers.forEach(clearTimeout);
          clearTimeout(giveUp);
          resolve({ received, ms: performance.now() - started, ended });
        }
        socket.on('data', (data) => (received += data.toString('latin1')));
        socket.on('error', () => (reset = true));
        socket.on('close', () => finish(reset ? 'reset' : 'closed'));
      });
    }

    it('configures the server timeouts', () => {
      expect({
        headersTimeout: t.http.headersTimeout,
        requestTimeout: t.http.requestTimeout,
        keepAliveTimeout: t.http.keepAliveTimeout,
      }).toEqual({
        headersTimeout: HTTP_SERVER_TIMEOUTS.headersTimeout,
        requestTimeout: HTTP_SERVER_TIMEOUTS.requestTimeout,
        keepAliveTimeout: HTTP_SERVER_TIMEOUTS.keepAliveTimeout,
      });
    });

    it('headers over Node’s 16 KiB limit: a clean 431 in the error shape, and the connection closed', async () => {
      const raw = await exchange(
        [[0, `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`]],
        5_000,
      );
      expect(raw.ended).toBe('closed');
      expectClientError(raw.received, 431, 'Request Header Fields Too Large');
      expect(raw.ms).toBeLessThan(QUICK_MS);
      const viaFetch = await fetch(`${base}/api/v1/chat/direct`, {
        method: 'POST',
        headers: { ...t.alice, 'Content-Type': 'application/json', Cookie: 'a'.repeat(20_000) },
        body: '{"message":"hi"}',
      });
      expect(viaFetch.status).toBe(431);
      await fetch(`${base}/health/live`).then((live) => expect(live.status).toBe(200));
    });

    it('a Content-Length over MAX_BODY_BYTES whose body never comes: 413 in the error shape at once, then closed', async () => {
      const raw = await exchange(
        [
          [
            0,
            `POST /api/v1/chat/direct HTTP/1.1\r\nHost: x\r\nAuthorization: ${t.alice.Authorization}\r\n` +
              `Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{"message":`,
          ],
        ],
        5_000,
      );
      expect(raw.ended).toBe('closed');
      expect(raw.ms).toBeLessThan(QUICK_MS);
      expect(raw.received).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
      expect(raw.received).toMatch(/\r\nConnection: close\r\n/i);
      const body = JSON.parse(raw.received.slice(raw.received.indexOf('\r\n\r\n') + 4));
      expect(body).toEqual({
        statusCode: 413,
        error: 'Payload Too Large',
        message: 'Request body is larger than MAX_BODY_BYTES',
        request_id: expect.any(String),
      });
      // A client that does send the oversized body gets the same answer.
      const big = { label: 'big', body: `{"message":"${'x'.repeat(MAX_BODY_BYTES)}"}` };
      await expectRefused(big, 413, 'larger than MAX_BODY_BYTES');
    });

    describe('with requestTimeout and headersTimeout lowered to 1 s', () => {
      beforeAll(() => {
        t.http.requestTimeout = 1_000;
        t.http.headersTimeout = 1_000;
      });

      afterAll(() => {
        t.http.requestTimeout = HTTP_SERVER_TIMEOUTS.requestTimeout;
        t.http.headersTimeout = HTTP_SERVER_TIMEOUTS.headersTimeout;
      });

      it('a trickled body or trickled headers: 408 and the connection closed, not held open', async () => {
        const head =
          `POST /api/v1/chat/direct HTTP/1.1\r\nHost: x\r\nAuthorization: ${t.alice.Authorization}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 50\r\n\r\n';
        const trickles: Array<[number, string]> = Array.from({ length: 20 }, (_, i) => [
          300 * (i + 1),
          ' ',
        ]);
        const [body, headers] = await Promise.all([
          exchange([[0, head], ...trickles], 6_000),
          exchange(
            [
              [0, 'GET /health/live HTTP/1.1\r\n'],
              ...trickles.map(([ms]) => [ms, 'X: y\r\n'] as [number, string]),
            ],
            6_000,
          ),
        ]);
        for (const raw of [body, headers]) {
          expectClientError(raw.received, 408, 'Request Timeout');
          expect(raw.ended).toBe('closed');
          // The timeout plus at most one check interval (and a noisy machine's slack).
          expect(raw.ms).toBeLessThan(
            1_000 + HTTP_SERVER_TIMEOUTS.connectionsCheckingInterval + 1_500,
          );
        }
      }, 10_000);

      it('does not cut a long SSE stream, nor an answer that takes longer than the timeout', async () => {
        fake.respondWith((request) =>
          request.body.stream
            ? { text: 'A long, slow answer.', eventDelayMs: 350 }
            : { delayMs: 2_500, then: { text: 'Late but whole.' } },
        );
        const started = performance.now();
        const streamed = (async () => {
          const stream = await postSse(
            base,
            '/api/v1/chat/direct',
            { message: 'stream slowly', stream: true },
            t.bob,
          );
          return collect(stream.events);
        })();
        const slow = await send('/api/v1/chat/direct', json('{"message":"answer slowly"}'), t.bob);
        const events = await streamed;
        expect(performance.now() - started).toBeGreaterThan(2_000);
        expect(events.at(-1)?.event).toBe('done');
        expect(deltaText(events)).toBe('A long, slow answer.');
        expect(slow.status).toBe(200);
        expect(slow.ms).toBeGreaterThan(2_000);
        expect(JSON.parse(slow.text).response).toBe('Late but whole.');
      }, 15_000);
    });
  });

  describe('fuzz', () => {
    it('a few hundred generated bad bodies on every chat endpoint: each a quick 4xx in the error shape, nothing stored, /health/live fast throughout', async () => {
      const listed = await fetch(`${base}/api/v1/conversations`, { headers: t.alice });
      const before: unknown = await listed.json();
      const requests = generateBadRequests(mulberry32(0x11_2026), 240);
      let fuzzing = true;
      const liveMs: number[] = [];
      const probe = (async () => {
        while (fuzzing) {
          const started = performance.now();
          const live = await fetch(`${base}/health/live`);
          await live.text();
          liveMs.push(performance.now() - started);
          if (live.status !== 200) liveMs.push(Infinity);
        }
      })();

      const failures: string[] = [];
      let slowest = 0;
      const jobs = requests.flatMap((request) => CHAT_PATHS.map((path) => ({ request, path })));
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < jobs.length) {
          const { request, path } = jobs[next++];
          let reply: Reply;
          try {
            reply = await send(path, request);
          } catch (error) {
            failures.push(`${request.label} → ${path}: ${String(error)}`);
            continue;
          }
          slowest = Math.max(slowest, reply.ms);
          const problem = errorShapeProblem(reply);
          if (problem) failures.push(`${request.label} → ${path}: ${problem}`);
          if (reply.ms > FUZZ_REPLY_MS) failures.push(`${request.label} → ${path}: ${reply.ms} ms`);
        }
      };
      try {
        await Promise.all(Array.from({ length: 6 }, worker));
      } finally {
        fuzzing = false;
        await probe;
      }

      expect(failures).toEqual([]);
      expect(jobs.length).toBeGreaterThanOrEqual(1_000);
      expect(slowest).toBeLessThan(FUZZ_REPLY_MS);
      expect(liveMs.length).toBeGreaterThan(0);
      expect(Math.max(...liveMs)).toBeLessThan(FUZZ_LIVE_MS);

      const history = await fetch(`${base}/api/v1/conversations/default`, { headers: t.alice });
      expect(((await history.json()) as { messages: unknown[] }).messages).toEqual([]);
      const after = await fetch(`${base}/api/v1/conversations`, { headers: t.alice });
      expect(await after.json()).toEqual(before);
      expect(fake.requests).toHaveLength(0);
    }, 20_000);
  });
});

/** A small seeded PRNG (mulberry32): the same bad bodies on every run. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;

const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)];
const between = (random: Random, min: number, max: number): number =>
  min + Math.floor(random() * (max - min + 1));

const DECLARED = new Set(['message', 'conversation_id', 'stream', 'messages']);
const ALPHABET = 'abcXYZ019_-$. \u00e9\u4e2d\uD83D\uDE00"\\\n\u0000';

function randomText(random: Random, length: number): string {
  let text = '';
  while (text.length < length) text += pick(random, [...ALPHABET]);
  return text;
}

function randomJsonValue(random: Random): string {
  return pick(random, [
    '1',
    '-0.5',
    '"x"',
    'null',
    'true',
    '[]',
    '{}',
    '[1,"a",{}]',
    '{"a":{"b":[]}}',
  ]);
}

/** `levels` containers, one inside the other. */
function nestedJson(random: Random, levels: number): string {
  const object = random() < 0.5;
  return (object ? '{"a":' : '[').repeat(levels) + '0' + (object ? '}' : ']').repeat(levels);
}

/** A random string ending in an escaped lone surrogate, in one of the fields or in a key. */
function withLoneSurrogate(random: Random): string {
  const half = between(random, 0xd800, 0xdfff).toString(16);
  const text = randomText(random, between(random, 0, 20)); // whole pairs only
  const field = pick(random, ['message', 'conversation_id', 'key', 'nested']);
  const lone = `${JSON.stringify(text).slice(1, -1)}\\u${half}`;
  if (field === 'key') return `{"message":"hi","${lone}":1}`;
  if (field === 'nested') return `{"messages":[{"role":"user","content":"${lone}"}]}`;
  return field === 'message'
    ? `{"message":"${lone}"}`
    : `{"message":"hi","conversation_id":"${lone}"}`;
}

const INVALID_UTF8 = [
  [0xff],
  [0xc0, 0x80],
  [0xe2, 0x82],
  [0xed, 0xa0, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0x80],
  [0xf4, 0x90, 0x80, 0x80],
];

const WRONG_TYPES: Array<Record<string, unknown>> = [
  { message: 42 },
  { message: 1e308 },
  { message: true },
  { message: null },
  { message: [] },
  { message: ['hi'] },
  { message: {} },
  { message: { text: 'hi' } },
  { message: '' },
  { message: ' \n\t ' },
  { message: 'x'.repeat(MAX_MESSAGE_CHARS + 1) },
  { message: 'hi', stream: 'true' },
  { message: 'hi', stream: 1 },
  { message: 'hi', stream: null },
  { message: 'hi', stream: [] },
  { message: 'hi', conversation_id: 7 },
  { message: 'hi', conversation_id: null },
  { message: 'hi', conversation_id: [] },
  { message: 'hi', conversation_id: '' },
  { message: 'hi', conversation_id: 'bad id!' },
  { message: 'hi', conversation_id: 'x'.repeat(65) },
  { message: 'hi', conversation_id: '../../etc/passwd' },
  { message: 'hi', conversation_id: 'café' },
  { message: 'hi', messages: null },
  { message: 'hi', messages: '' },
  { messages: [{ role: 'user', content: 'hi' }] },
  {},
];

const MALFORMED = [
  '{"message": "hi"',
  '{"message": "hi",}',
  "{'message': 'hi'}",
  '{message: "hi"}',
  '{"message": NaN}',
  '{"message": "hi"} // comment',
  '{"message":"hi"}{"message":"hi"}',
  '{"message":"hi"}garbage',
  '\u0000',
  'null',
  '"hi"',
  '42',
  'true',
  '[]',
  '[{"message":"hi"}]',
  '{"message":"hi","message":42}',
  '{"message":"\\x41"}',
  '{"message":"\\ud800"}',
  '',
];

const NOT_JSON_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'text/json',
  'application/jsonx',
  'application/json; charset=latin1',
  'application/json; charset=utf-7',
  'application/json; charset=utf-16',
  null,
];

/**
 * `count` bad requests from a seeded PRNG, each refused for at least one reason (chosen so that no
 * mutation can turn it into a valid request), plus a few heavy ones.
 */
function generateBadRequests(random: Random, count: number): BadRequest[] {
  const generators: Array<() => BadRequest> = [
    () => {
      let key = pick(random, [
        '__proto__',
        'constructor',
        'prototype',
        'toString',
        'hasOwnProperty',
        '',
        ' ',
        'Message',
        'message ',
        'stream\u0000',
        '$where',
        randomText(random, between(random, 1, 40)),
        'k'.repeat(between(random, 100, 20_000)),
      ]);
      if (DECLARED.has(key)) key = `x${key}`;
      const body = `{"message":"hi",${JSON.stringify(key)}:${randomJsonValue(random)}}`;
      return { label: `key ${JSON.stringify(key.slice(0, 20))}`, body };
    },
    () => {
      const levels = pick(random, [9, 17, 50, 1000, 10_000]);
      const where = pick(random, ['message', 'messages', 'stream', 'conversation_id', 'body']);
      const nested = nestedJson(random, levels);
      const body = where === 'body' ? nested : `{"message":"hi","${where}":${nested}}`;
      return { label: `depth ${levels} at ${where}`, body };
    },
    () => ({ label: 'lone surrogate', body: withLoneSurrogate(random) }),
    () => {
      const bytes = Buffer.from(pick(random, INVALID_UTF8));
      const body = Buffer.concat([Buffer.from('{"message":"hi '), bytes, Buffer.from('"}')]);
      return { label: `invalid UTF-8 ${bytes.toString('hex')}`, body };
    },
    () => {
      const bom = Buffer.from([0xef, 0xbb, 0xbf]);
      const variant = pick(random, ['twice', 'utf16', 'bad body']);
      if (variant === 'twice') {
        return {
          label: 'two BOMs',
          body: Buffer.concat([bom, bom, Buffer.from('{"message":"hi"}')]),
        };
      }
      if (variant === 'utf16') {
        const utf16 = Buffer.concat([
          Buffer.from([0xff, 0xfe]),
          Buffer.from('{"message":"hi"}', 'utf16le'),
        ]);
        return { label: 'UTF-16 with BOM, sent as UTF-8', body: utf16 };
      }
      const bad = JSON.stringify(pick(random, WRONG_TYPES));
      return { label: `BOM + ${bad.slice(0, 40)}`, body: Buffer.concat([bom, Buffer.from(bad)]) };
    },
    () => {
      const contentType = pick(random, NOT_JSON_TYPES);
      const body = contentType?.endsWith('utf-16')
        ? Buffer.from('{"message":"hi"}', 'utf16le')
        : '{"message":"hi"}';
      return { label: `Content-Type ${contentType}`, body, contentType };
    },
    () => {
      const body = JSON.stringify(pick(random, WRONG_TYPES));
      return { label: `wrong type ${body.slice(0, 50)}`, body };
    },
    () => malformed(pick(random, MALFORMED)),
    () => ({
      label: 'garbage Content-Encoding',
      body: randomText(random, 30),
      headers: { 'Content-Encoding': pick(random, ['gzip', 'deflate', 'br', 'compress']) },
    }),
  ];
  const requests = Array.from({ length: count }, () => pick(random, generators)());
  const manyKeys = Array.from({ length: 50_000 }, (_, i) => `"k${i}":${i}`).join(',');
  requests.push(
    { label: '50k keys', body: `{"message":"hi",${manyKeys}}` },
    { label: '50k keys in messages', body: `{"messages":{${manyKeys}}}` },
    { label: '200k-character key', body: `{"message":"hi","${'k'.repeat(200_000)}":1}` },
    { label: 'over MAX_BODY_BYTES', body: `{"message":"${'x'.repeat(MAX_BODY_BYTES)}"}` },
  );
  return requests;
}

function malformed(body: string): BadRequest {
  return { label: `malformed ${JSON.stringify(body.slice(0, 40))}`, body };
}

/** A raw HTTP answer Node's parser gave up on: the status, Connection: close, our error shape. */
function expectClientError(received: string, status: number, reason: string): void {
  const [head, body] = received.split('\r\n\r\n');
  expect(head.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${reason}`);
  expect(head).toMatch(/\r\nConnection: close\r\n/i);
  expect(JSON.parse(body)).toMatchObject({
    statusCode: status,
    error: reason,
    message: expect.any(String),
    request_id: expect.any(String),
  });
}
