import { featurise } from './features.js';
import { CLASS_COUNT, decodeModel, predict, weightsFingerprint } from './linear-model.js';
import { describeSignals } from './message-signals.js';
import { needsHistory } from './needs-history.js';
import { ROUTER_WEIGHTS } from './router-weights.js';
import {
  RULES_REVISION,
  decideByRules,
  foldToolRoutes,
  routeWithoutTools,
  type RuleDecision,
} from './rules.js';
import {
  ROUTES,
  type LocalDecision,
  type Route,
  type RouteScore,
  type RoutingInput,
} from './routing.types.js';

/** Identifies the rules + weights combination; key cached routing decisions with it. */
export const ROUTER_VERSION = `local-r${RULES_REVISION}-${weightsFingerprint(ROUTER_WEIGHTS)}`;

const NO_TOOLS_NOTE = 'no tools available, so tool routes fold into direct_llm';

/** Pure, synchronous router: hand rules first, then the softmax classifier. */
export class LocalRouter {
  private readonly model = decodeModel(ROUTER_WEIGHTS);
  private readonly probabilities = new Float64Array(CLASS_COUNT);

  decide(input: RoutingInput): LocalDecision {
    const history = needsHistory(input.message, input.history);
    const { vector, signals } = featurise(input, history.needsHistory);
    const rule = decideByRules(signals);
    if (rule) return ruleDecision(rule, input.toolsAvailable, history.needsHistory);

    const probabilities = predict(this.model, vector, this.probabilities);
    const unmaskedTop = ROUTES[argMax(probabilities)];
    if (!input.toolsAvailable) foldToolRoutes(probabilities);
    const candidates = rankRoutes(probabilities);
    const [best, runnerUp] = candidates;
    const cues = describeSignals(signals);
    const notes = [
      ...(cues.length > 0 ? [cues.join(', ')] : []),
      ...(unmaskedTop !== best.route ? [NO_TOOLS_NOTE] : []),
    ];
    return {
      route: best.route,
      confidence: best.score,
      decidedBy: 'classifier',
      needsHistory: history.needsHistory,
      reason:
        `classifier: ${best.route} ${best.score.toFixed(2)} over ` +
        `${runnerUp.route} ${runnerUp.score.toFixed(2)}` +
        (notes.length > 0 ? ` (${notes.join('; ')})` : ''),
      candidates,
    };
  }
}

function ruleDecision(
  rule: RuleDecision,
  toolsAvailable: boolean,
  needsHistoryFlag: boolean,
): LocalDecision {
  const route = toolsAvailable ? rule.route : routeWithoutTools(rule.route);
  return {
    route,
    confidence: rule.confidence,
    decidedBy: 'rules',
    needsHistory: needsHistoryFlag,
    reason: route === rule.route ? rule.reason : `${rule.reason}; ${NO_TOOLS_NOTE}`,
    candidates: ruleCandidates(route, rule.confidence, toolsAvailable),
  };
}

/** A rule ranks only its own route; the remaining mass is spread over the routes still allowed. */
function ruleCandidates(route: Route, confidence: number, toolsAvailable: boolean): RouteScore[] {
  const others = ROUTES.filter(
    (other) => other !== route && (toolsAvailable || routeWithoutTools(other) === other),
  );
  return ROUTES.map((candidate) => ({
    route: candidate,
    score:
      candidate === route
        ? confidence
        : others.includes(candidate)
          ? (1 - confidence) / others.length
          : 0,
  })).sort(byScoreDescending);
}

function rankRoutes(probabilities: Float64Array): RouteScore[] {
  return ROUTES.map((route, index) => ({ route, score: probabilities[index] })).sort(
    byScoreDescending,
  );
}

function byScoreDescending(a: RouteScore, b: RouteScore): number {
  return b.score - a.score;
}

function argMax(values: Float64Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
