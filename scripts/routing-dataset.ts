import { readFileSync } from 'node:fs';
import {
  ROUTES,
  type HistoryTurn,
  type Route,
  type RoutingInput,
} from '../src/routing/routing.types.js';

export interface RoutingExample {
  message: string;
  history: HistoryTurn[];
  route: Route;
  needsHistory: boolean;
  toolsAvailable: boolean;
  /** What kind of message it is (small-talk, fragment, file-with-content, …), for the report. */
  category: string;
  /** en, fr, es, de (or other). */
  lang: string;
}

interface RawExample {
  message?: unknown;
  history?: HistoryTurn[];
  route?: unknown;
  needs_history?: unknown;
  tools_available?: unknown;
  category?: unknown;
  lang?: unknown;
}

export function parseRoutingExamples(jsonl: string): RoutingExample[] {
  return jsonl
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => toExample(JSON.parse(line) as RawExample, index + 1));
}

export function readRoutingExamples(path: string): RoutingExample[] {
  return parseRoutingExamples(readFileSync(path, 'utf8'));
}

export function toRoutingInput(example: RoutingExample): RoutingInput {
  return {
    message: example.message,
    history: example.history,
    toolsAvailable: example.toolsAvailable,
  };
}

function toExample(raw: RawExample, lineNumber: number): RoutingExample {
  if (typeof raw.message !== 'string' || !ROUTES.includes(raw.route as Route)) {
    throw new Error(`line ${lineNumber}: needs a string "message" and a known "route"`);
  }
  return {
    message: raw.message,
    history: raw.history ?? [],
    route: raw.route as Route,
    needsHistory: raw.needs_history === true,
    toolsAvailable: raw.tools_available !== false,
    category: typeof raw.category === 'string' ? raw.category : 'uncategorised',
    lang: typeof raw.lang === 'string' ? raw.lang : 'en',
  };
}
