export const ROUTES = ['direct_llm', 'needs_tools', 'ultra_fast', 'complex'] as const;
export type Route = (typeof ROUTES)[number];

/** Who decided a route: the local analysis (rules or classifier), the fast model, or a fallback. */
export const DECIDERS = ['rules', 'classifier', 'llm', 'fallback'] as const;
export type DecidedBy = (typeof DECIDERS)[number];

export interface HistoryTurn {
  role: 'user' | 'assistant';
  content: string;
  route?: Route;
}

export interface RoutingInput {
  message: string;
  /** Recent turns, oldest first. */
  history: HistoryTurn[];
  toolsAvailable: boolean;
}

export interface RouteScore {
  route: Route;
  score: number;
}

export interface LocalDecision {
  route: Route;
  /** Calibrated probability that `route` is right, 0..1. */
  confidence: number;
  decidedBy: Extract<DecidedBy, 'rules' | 'classifier'>;
  needsHistory: boolean;
  /** Human readable explanation of the decision. */
  reason: string;
  /** All four routes, sorted by score descending; scores sum to 1. */
  candidates: RouteScore[];
}
