// Turns the service's `router_escalation` log records (JSON lines on stdin, other lines ignored)
// into candidate training lines in data/routing's format, labelled with the fast model's decision:
//   node --import ./scripts/register-ts-loader.mjs scripts/export-escalations.ts < app.log > candidates.jsonl
// Only records logged with ROUTER_LOG_TEXT=on carry the message, so only they can become training
// lines; the others are counted (and with --hashed written out as hash, features and both routes,
// for analysis). --disagreements keeps only escalations where the model overruled the local route.
// Review the candidates before appending them to data/routing/train.jsonl, never to test.jsonl.
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { ROUTES, type HistoryTurn, type Route } from '../src/routing/routing.types.js';

export interface ExportOptions {
  /** Only escalations where the model's route differs from the local one. */
  disagreementsOnly: boolean;
  /** Also write records without text (hash, features, routes), which cannot be trained on. */
  includeHashed: boolean;
}

export interface ExportResult {
  /** JSON lines, one per distinct escalated message (the latest decision wins). */
  lines: string[];
  escalations: number;
  agreed: number;
  withoutText: number;
}

interface Verdict {
  route: Route;
  needs_history: boolean;
}

interface Escalation {
  hash: string;
  features: string[];
  tools_available: boolean;
  local: Verdict;
  model: Verdict;
  agreed: boolean;
  text?: string;
  history?: HistoryTurn[];
}

export function exportEscalations(
  logLines: Iterable<string>,
  options: ExportOptions,
): ExportResult {
  const candidates = new Map<string, string>();
  let escalations = 0;
  let agreed = 0;
  let withoutText = 0;
  for (const line of logLines) {
    const escalation = parseEscalation(line);
    if (!escalation) continue;
    escalations++;
    if (escalation.agreed) agreed++;
    if (escalation.text === undefined) withoutText++;
    if (options.disagreementsOnly && escalation.agreed) continue;
    const candidate = toCandidate(escalation, options);
    if (candidate) candidates.set(candidate.key, JSON.stringify(candidate.line));
  }
  return { lines: [...candidates.values()], escalations, agreed, withoutText };
}

function toCandidate(
  escalation: Escalation,
  options: ExportOptions,
): { key: string; line: object } | undefined {
  const provenance = {
    source: 'escalation',
    hash: escalation.hash,
    local_route: escalation.local.route,
    local_needs_history: escalation.local.needs_history,
  };
  if (escalation.text !== undefined) {
    const history = escalation.history ?? [];
    return {
      key: JSON.stringify([escalation.text, history.map((turn) => turn.content)]),
      line: {
        message: escalation.text,
        ...(history.length > 0 ? { history } : {}),
        route: escalation.model.route,
        needs_history: history.length > 0 && escalation.model.needs_history,
        ...(escalation.tools_available ? {} : { tools_available: false }),
        category: 'escalation',
        ...provenance,
      },
    };
  }
  if (!options.includeHashed) return undefined;
  return {
    key: `hash:${escalation.hash}`,
    line: {
      route: escalation.model.route,
      needs_history: escalation.model.needs_history,
      tools_available: escalation.tools_available,
      features: escalation.features,
      ...provenance,
    },
  };
}

function parseEscalation(line: string): Escalation | undefined {
  if (!line.trimStart().startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || value.event !== 'router_escalation') return undefined;
  const local = verdictOf(value.local);
  const model = verdictOf(value.model);
  if (typeof value.hash !== 'string' || !local || !model) return undefined;
  return {
    hash: value.hash,
    features: Array.isArray(value.features) ? value.features.map(String) : [],
    tools_available: value.tools_available !== false,
    local,
    model,
    agreed: local.route === model.route,
    text: typeof value.text === 'string' ? value.text : undefined,
    history: Array.isArray(value.history) ? value.history.filter(isTurn) : undefined,
  };
}

function verdictOf(value: unknown): Verdict | undefined {
  if (!isRecord(value) || !ROUTES.includes(value.route as Route)) return undefined;
  return { route: value.route as Route, needs_history: value.needs_history === true };
}

function isTurn(value: unknown): value is HistoryTurn {
  return (
    isRecord(value) &&
    (value.role === 'user' || value.role === 'assistant') &&
    typeof value.content === 'string'
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function main(): Promise<void> {
  const options: ExportOptions = {
    disagreementsOnly: process.argv.includes('--disagreements'),
    includeHashed: process.argv.includes('--hashed'),
  };
  const lines: string[] = [];
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    lines.push(line);
  }
  const result = exportEscalations(lines, options);
  for (const line of result.lines) process.stdout.write(`${line}\n`);
  process.stderr.write(
    `${result.escalations} escalations, the model agreed with the local route on ` +
      `${result.agreed}; ${result.lines.length} candidate lines written` +
      (result.withoutText > 0
        ? `; ${result.withoutText} records have no text (logged with ROUTER_LOG_TEXT=off)` +
          (options.includeHashed ? ' and are written as hash and features' : '')
        : '') +
      '\n',
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
