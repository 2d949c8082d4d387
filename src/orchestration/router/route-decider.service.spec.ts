import { describe, expect, it } from '@jest/globals';
import { AppLogger } from '../../common/app-logger.service.js';
import { loadConfig } from '../../config/load-config.js';
import { LLMService, ModelCall } from '../../llm/llm.service.js';
import { ModelReply, ToolUse } from '../../llm/model.types.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import { MemoryStoreService } from '../../redis/memory-store.service.js';
import { LocalRouter } from '../../routing/local-router.js';
import { HistoryTurn, RoutingInput } from '../../routing/routing.types.js';
import { DecisionContext, RouteDecider } from './route-decider.service.js';
import { escalationRecord, messageHash, ROUTE_TOOL } from './route-escalation.js';
import { RoutingDecisionCache } from './routing-decision.cache.js';

const FAST_MODEL = 'fast-test-model';
const USAGE = { input_tokens: 120, output_tokens: 15 };

/** Only what RouteDecider uses of LLMService: `fastModel` and `create`, answered from a script. */
class FakeLLM {
  readonly fastModel = FAST_MODEL;
  readonly calls: ModelCall[] = [];

  constructor(private readonly answer: () => Promise<ModelReply>) {}

  create(call: ModelCall): Promise<ModelReply> {
    this.calls.push(call);
    return this.answer();
  }
}

function reply(toolUses: ToolUse[], text = ''): ModelReply {
  return {
    model: FAST_MODEL,
    text,
    toolUses,
    content: toolUses.map((use) => ({ type: 'tool_use' as const, ...use })),
    usage: USAGE,
    stopReason: toolUses.length > 0 ? 'tool_use' : 'end_turn',
  };
}

function chooseRoute(input: Record<string, unknown>): ModelReply {
  return reply([{ id: 'toolu_route', name: ROUTE_TOOL.name, input }]);
}

/** Only what RouteDecider uses of AppLogger: `pino.info`, recorded. */
class FakeLogger {
  readonly records: Array<{ record: object; message: string }> = [];
  readonly pino = {
    info: (record: object, message: string): void => {
      this.records.push({ record, message });
    },
  };
}

function setUp(
  answer: () => Promise<ModelReply>,
  env: { ROUTER_LLM?: 'on' | 'off'; ROUTER_LOG_TEXT?: 'on' | 'off' } = {},
) {
  const llm = new FakeLLM(answer);
  const metrics = new MetricsService();
  const logger = new FakeLogger();
  const decider = new RouteDecider(
    new RoutingDecisionCache(new MemoryStoreService()),
    llm as unknown as LLMService,
    loadConfig({ ROUTER_LLM: 'on', ...env }),
    metrics,
    logger as unknown as AppLogger,
  );
  return { llm, decider, metrics, logger };
}

async function escalationCounts(metrics: MetricsService): Promise<Record<string, number>> {
  const metric = metrics.registry.getSingleMetric('router_escalations_total');
  const { values } = await (metric as NonNullable<typeof metric>).get();
  return Object.fromEntries(values.map(({ labels, value }) => [String(labels.agreed), value]));
}

const context: DecisionContext = { principal: 'alice', conversationId: 'default', remember: true };
const localRouter = new LocalRouter();

function input(message: string, toolsAvailable = true): RoutingInput {
  return { message, history: [], toolsAvailable };
}

/** A message the local analysis is unsure of, checked so a re-trained router cannot void a test. */
function unsure(message: string, toolsAvailable = true): RoutingInput {
  const routing = input(message, toolsAvailable);
  expect(localRouter.decide(routing).confidence).toBeLessThan(0.6);
  return routing;
}

const escalatedToComplex = () =>
  Promise.resolve(
    chooseRoute({ route: 'complex', needs_history: true, confidence: 0.9, reason: 'many steps' }),
  );

describe('RouteDecider', () => {
  it('keeps a confident local decision without calling the model', async () => {
    const { llm, decider } = setUp(escalatedToComplex);

    const decision = await decider.decide(input('hi'), context);

    expect(decision.routing).toMatchObject({ route: 'ultra_fast', decidedBy: 'rules' });
    expect(decision.routing.confidence).toBeGreaterThanOrEqual(0.6);
    expect(decision.usage).toEqual({ input_tokens: 0, output_tokens: 0 });
    expect(llm.calls).toHaveLength(0);
  });

  it('keeps the classifier decision for an unsure message when ROUTER_LLM=off', async () => {
    const { llm, decider } = setUp(escalatedToComplex, { ROUTER_LLM: 'off' });
    const routing = unsure('the thing');

    const decision = await decider.decide(routing, context);

    const local = localRouter.decide(routing);
    expect(decision.routing).toMatchObject({
      route: local.route,
      decidedBy: 'classifier',
      reason: local.reason,
    });
    expect(decision.candidates.map((candidate) => candidate.route)).toEqual(
      local.candidates.map((candidate) => candidate.route),
    );
    expect(llm.calls).toHaveLength(0);
  });

  it('asks the fast model when unsure, returns its usage and caches its decision', async () => {
    const { llm, decider } = setUp(escalatedToComplex);
    const routing = unsure('the thing');

    const first = await decider.decide(routing, context);

    expect(first.routing).toEqual({
      route: 'complex',
      confidence: 0.9,
      decidedBy: 'llm',
      needsHistory: true,
      reason: 'model: many steps',
    });
    expect(first.usage).toEqual(USAGE);
    expect(llm.calls).toHaveLength(1);
    expect(llm.calls[0]).toMatchObject({
      model: FAST_MODEL,
      tools: [ROUTE_TOOL],
      toolChoice: { type: 'tool', name: ROUTE_TOOL.name },
    });

    const second = await decider.decide(routing, context);

    expect(second.routing).toEqual(first.routing);
    expect(second.usage).toEqual({ input_tokens: 0, output_tokens: 0 });
    expect(llm.calls).toHaveLength(1);
  });

  it('does not cache an escalated decision when told not to remember it', async () => {
    const { llm, decider } = setUp(escalatedToComplex);
    const routing = unsure('the thing');
    const dryRun = { ...context, remember: false };

    await decider.decide(routing, dryRun);
    const again = await decider.decide(routing, dryRun);

    expect(again.routing.decidedBy).toBe('llm');
    expect(llm.calls).toHaveLength(2);
  });

  it('falls back to the local route when the model call fails', async () => {
    const { llm, decider } = setUp(() => Promise.reject(new Error('provider down')));
    const routing = unsure('why');

    const decision = await decider.decide(routing, context);

    const local = localRouter.decide(routing);
    expect(decision.routing).toMatchObject({ route: local.route, decidedBy: 'fallback' });
    expect(decision.routing.reason).toBe(`${local.reason}; router model unavailable`);
    expect(decision.usage).toEqual({ input_tokens: 0, output_tokens: 0 });
    expect(llm.calls).toHaveLength(1);
  });

  it.each([
    ['no tool call', reply([], 'complex, I think')],
    ['an unknown route', chooseRoute({ route: 'teleport', needs_history: false, reason: 'x' })],
    ['another tool', reply([{ id: 'toolu_x', name: 'other', input: { route: 'complex' } }])],
  ])('falls back to the local route when the reply has %s', async (_case, unusable) => {
    const { decider } = setUp(() => Promise.resolve(unusable));
    const routing = unsure('the thing');

    const decision = await decider.decide(routing, context);

    const local = localRouter.decide(routing);
    expect(decision.routing).toMatchObject({ route: local.route, decidedBy: 'fallback' });
    expect(decision.routing.reason).toBe(`${local.reason}; router model gave no usable route`);
  });

  it("returns the model call's usage when the escalation reply had no usable route", async () => {
    const { decider } = setUp(() => Promise.resolve(reply([], 'complex, I think')));

    const decision = await decider.decide(unsure('the thing'), context);

    expect(decision.routing.decidedBy).toBe('fallback');
    expect(decision.usage).toEqual(USAGE);
  });

  it('turns an escalated needs_tools into direct_llm when no tools are available', async () => {
    const { decider } = setUp(() =>
      Promise.resolve(
        chooseRoute({ route: 'needs_tools', needs_history: false, reason: 'read a file' }),
      ),
    );

    const decision = await decider.decide(unsure('the thing', false), context);

    expect(decision.routing).toMatchObject({ route: 'direct_llm', decidedBy: 'llm' });
  });

  it('reports its own latency as a whole number of microseconds', async () => {
    const { decider } = setUp(escalatedToComplex);

    for (const routing of [input('hi'), unsure('the thing')]) {
      const { latencyUs } = await decider.decide(routing, context);
      expect(Number.isInteger(latencyUs)).toBe(true);
      expect(latencyUs).toBeGreaterThanOrEqual(0);
    }
  });

  describe('learning from escalations', () => {
    const history: HistoryTurn[] = [
      { role: 'user', content: 'tell me about it' },
      { role: 'assistant', content: 'About what, exactly?', route: 'direct_llm' },
    ];

    it('counts whether the model agreed with the local route', async () => {
      const routing = unsure('the thing');
      const local = localRouter.decide(routing);
      const disagreeing = setUp(escalatedToComplex);
      await disagreeing.decider.decide(routing, context);
      expect(local.route).not.toBe('complex');
      expect(await escalationCounts(disagreeing.metrics)).toEqual({ false: 1 });

      const agreeing = setUp(() =>
        Promise.resolve(chooseRoute({ route: local.route, needs_history: false, reason: 'same' })),
      );
      await agreeing.decider.decide(routing, context);
      expect(await escalationCounts(agreeing.metrics)).toEqual({ true: 1 });
    });

    it('counts an escalation once: a cached decision or a failed call is not one', async () => {
      const { decider, metrics, logger } = setUp(escalatedToComplex);
      await decider.decide(unsure('the thing'), context);
      await decider.decide(unsure('the thing'), context);
      const failing = setUp(() => Promise.reject(new Error('down')));
      await failing.decider.decide(unsure('the thing'), context);

      expect(await escalationCounts(metrics)).toEqual({ false: 1 });
      expect(logger.records).toHaveLength(1);
      expect(failing.logger.records).toHaveLength(0);
    });

    it('logs a record with hash, features and both routes, never the text by default', async () => {
      const { decider, logger } = setUp(escalatedToComplex);
      const routing = unsure('the thing');

      await decider.decide(routing, context);

      const local = localRouter.decide(routing);
      expect(logger.records).toHaveLength(1);
      const { record, message } = logger.records[0];
      expect(message).toBe('router escalation');
      expect(record).toEqual({
        event: 'router_escalation',
        hash: messageHash('the thing'),
        features: expect.arrayContaining(['words<=3', 'vague']),
        tools_available: true,
        local: {
          route: local.route,
          needs_history: false,
          confidence: Math.round(local.confidence * 1000) / 1000,
        },
        model: { route: 'complex', needs_history: true, confidence: 0.9 },
        agreed: false,
      });
      expect(JSON.stringify(record)).not.toContain('the thing');
    });

    it('adds the message with ROUTER_LOG_TEXT=on', async () => {
      const { decider, logger } = setUp(escalatedToComplex, { ROUTER_LOG_TEXT: 'on' });

      await decider.decide(unsure('the thing'), context);

      expect(logger.records[0].record).toMatchObject({
        event: 'router_escalation',
        hash: messageHash('the thing'),
        text: 'the thing',
        history: [],
      });
    });

    describe('escalationRecord', () => {
      const input: RoutingInput = { message: 'Why?', history, toolsAvailable: false };
      const local = localRouter.decide(input);
      const model = {
        route: 'direct_llm' as const,
        needsHistory: true,
        confidence: 0.8,
        reason: 'x',
      };

      it('holds neither the message nor the recent turns unless asked to', () => {
        const record = escalationRecord(input, ['followUp'], local, model, false);

        expect(Object.keys(record).sort()).toEqual(
          ['agreed', 'event', 'features', 'hash', 'local', 'model', 'tools_available'].sort(),
        );
        expect(JSON.stringify(record)).not.toMatch(/Why|tell me about it|About what/i);
        expect(record).toMatchObject({
          hash: messageHash('  why? '),
          tools_available: false,
          model: { route: 'direct_llm', needs_history: true, confidence: 0.8 },
          agreed: local.route === 'direct_llm',
        });
      });

      it('holds the message and the recent turns (as the router model sees them) when asked to', () => {
        const long = { role: 'assistant' as const, content: 'x'.repeat(2000) };
        const record = escalationRecord(
          { ...input, history: [...history, long] },
          [],
          local,
          model,
          true,
        );

        expect(record.text).toBe('Why?');
        expect(record.history).toEqual([
          ...history,
          { role: 'assistant', content: 'x'.repeat(600) },
        ]);
      });
    });
  });
});
