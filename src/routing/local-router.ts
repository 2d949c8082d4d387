import {
  Featuriser,
  STANDALONE,
  type FeatureVector,
  type Featurised,
  type FollowUpContext,
} from './features.js';
import {
  CLASS_COUNT,
  decodeModel,
  predict,
  weightsFingerprint,
  type EncodedWeights,
  type SoftmaxModel,
} from './linear-model.js';
import {
  describeSignals,
  emptySignals,
  isVague,
  resetSignals,
  scanSymbols,
} from './message-signals.js';
import { HistoryJudge, type HistoryJudgement } from './needs-history.js';
import { HISTORY_WEIGHTS, ROUTER_WEIGHTS } from './router-weights.js';
import {
  RULES_REVISION,
  decideByRules,
  foldToolRoutes,
  routeWithoutTools,
  type RuleDecision,
} from './rules.js';
import {
  ROUTES,
  type HistoryTurn,
  type LocalDecision,
  type Route,
  type RouteScore,
  type RoutingInput,
} from './routing.types.js';
import { hashString } from './text-hash.js';

/** The route classifier's and the history judge's weights, as committed in router-weights.ts. */
export interface RouterWeights {
  route: EncodedWeights;
  history: EncodedWeights;
}

const COMMITTED_WEIGHTS: RouterWeights = { route: ROUTER_WEIGHTS, history: HISTORY_WEIGHTS };

/** Identifies the rules + weights combination; key cached routing decisions with it. */
export const ROUTER_VERSION = `local-r${RULES_REVISION}-${hashString(
  weightsFingerprint(ROUTER_WEIGHTS) + weightsFingerprint(HISTORY_WEIGHTS),
)}`;

const NO_TOOLS_NOTE = 'no tools available, so tool routes fold into direct_llm';
const VAGUE_NOTE = 'too vague to route without context';
/** The most a vague, self-contained message may be trusted: under the escalation threshold. */
const VAGUE_CONFIDENCE = 0.5;
/**
 * How many earlier requests a follow-up looks back through to find the work it continues:
 * "bolivia?" after "and peru?" after "capital of chile?".
 */
const LOOK_BACK = 2;
/** How much of an earlier request (and of its answer) is read to judge it. */
const PREVIOUS_CHARS = 600;
/** Below this calibrated confidence an earlier request's kind is a hint, not something to copy. */
const SURE_OF_PREVIOUS = 0.8;

/**
 * Pure, synchronous router: whether the message needs the conversation (a learned judgement),
 * then hand rules, then the softmax classifier. A follow-up is judged by what it asks together
 * with the kind of work the previous request asked for (read from its text, never from the route
 * label stored with it), so the decision is the same whichever endpoint answered before; a
 * self-contained message is judged on its own, whatever came before.
 */
export class LocalRouter {
  private readonly model: SoftmaxModel;
  private readonly historyJudge: HistoryJudge;
  // One featuriser and logits buffer per look-back level: an earlier request is analysed while
  // the later message's analysis is still needed.
  private readonly featurisers = Array.from({ length: LOOK_BACK + 1 }, () => new Featuriser());
  private readonly logits = Array.from(
    { length: LOOK_BACK + 1 },
    () => new Float64Array(CLASS_COUNT),
  );
  private readonly answerSignals = emptySignals();

  constructor(weights: RouterWeights = COMMITTED_WEIGHTS) {
    this.model = decodeModel(weights.route);
    this.historyJudge = new HistoryJudge(weights.history);
  }

  decide(input: RoutingInput): LocalDecision {
    const { featurised, history } = this.analyse(input, 0);
    const historyNote = input.history.length > 0 ? history.reason : undefined;
    const rule = decideByRules(featurised.signals);
    if (rule) return ruleDecision(rule, input.toolsAvailable, history.needsHistory, historyNote);

    const probabilities = predict(this.model, featurised.vector, this.logits[0]);
    const unmaskedTop = ROUTES[argMax(probabilities)];
    if (!input.toolsAvailable) foldToolRoutes(probabilities);
    // A self-contained message is judged as if nothing came before it.
    const vague = !history.needsHistory && isVague(featurised.signals);
    if (vague) capConfidence(probabilities, VAGUE_CONFIDENCE);
    const candidates = rankRoutes(probabilities);
    const [best, runnerUp] = candidates;
    const cues = describeSignals(featurised.signals);
    const notes = [
      ...(cues.length > 0 ? [cues.join(', ')] : []),
      ...(unmaskedTop !== best.route ? [NO_TOOLS_NOTE] : []),
      ...(vague ? [VAGUE_NOTE] : []),
    ];
    return {
      route: best.route,
      confidence: best.score,
      decidedBy: 'classifier',
      needsHistory: history.needsHistory,
      reason:
        `classifier: ${best.route} ${best.score.toFixed(2)} over ` +
        `${runnerUp.route} ${runnerUp.score.toFixed(2)}` +
        (notes.length > 0 ? ` (${notes.join('; ')})` : '') +
        (historyNote ? `; ${historyNote}` : ''),
      candidates,
    };
  }

  /**
   * The names of the dense features the decision read (cues, shape, follow-up context): a
   * description of the message that holds none of its text.
   */
  describe(input: RoutingInput): string[] {
    this.analyse(input, 0);
    return this.featurisers[0].activeFeatureNames();
  }

  /** The classifier's input for a message, copied (for training). */
  featureVector(input: RoutingInput): FeatureVector {
    const { vector } = this.analyse(input, 0).featurised;
    return {
      indices: vector.indices.slice(0, vector.size),
      values: vector.values.slice(0, vector.size),
      size: vector.size,
    };
  }

  private analyse(
    input: RoutingInput,
    depth: number,
  ): { featurised: Featurised; history: HistoryJudgement } {
    const featuriser = this.featurisers[depth];
    const signals = featuriser.analyse(input.message);
    const history = this.historyJudge.judge(input.message, signals, input.history);
    const context = history.needsHistory ? this.followUpContext(input.history, depth) : STANDALONE;
    return { featurised: featuriser.complete(context), history };
  }

  /** What the message follows up: the kind of work of the previous request, what its answer named. */
  private followUpContext(history: HistoryTurn[], depth: number): FollowUpContext {
    const at = lastUserTurn(history);
    if (at < 0) return { ...STANDALONE, followUp: true };
    const answer = history.slice(at + 1).find((turn) => turn.role === 'assistant');
    const kind =
      depth < LOOK_BACK
        ? this.kindOf(
            {
              message: history[at].content.slice(0, PREVIOUS_CHARS),
              history: history.slice(0, at),
              toolsAvailable: true,
            },
            depth + 1,
          )
        : undefined;
    return {
      followUp: true,
      previous: kind?.route,
      previousSure: kind !== undefined && kind.confidence >= SURE_OF_PREVIOUS,
      previousAnswerFiles: answer !== undefined && this.namesFiles(answer.content),
    };
  }

  /** The route an earlier request would take with every tool available, and how sure that is. */
  private kindOf(input: RoutingInput, depth: number): { route: Route; confidence: number } {
    const { featurised, history } = this.analyse(input, depth);
    const rule = decideByRules(featurised.signals);
    if (rule) return rule;
    const probabilities = predict(this.model, featurised.vector, this.logits[depth]);
    if (!history.needsHistory && isVague(featurised.signals)) {
      capConfidence(probabilities, VAGUE_CONFIDENCE);
    }
    const best = argMax(probabilities);
    return { route: ROUTES[best], confidence: probabilities[best] };
  }

  /** Whether an answer names files or paths: the trace a tool turn leaves in its text. */
  private namesFiles(answer: string): boolean {
    const text = answer.slice(0, PREVIOUS_CHARS);
    const signals = resetSignals(this.answerSignals, text.length);
    scanSymbols(text, signals);
    return signals.fileRefs + signals.pathRefs > 0;
  }
}

function lastUserTurn(history: HistoryTurn[]): number {
  for (let i = history.length - 1; i >= 0; i--) if (history[i].role === 'user') return i;
  return -1;
}

function ruleDecision(
  rule: RuleDecision,
  toolsAvailable: boolean,
  needsHistoryFlag: boolean,
  historyNote: string | undefined,
): LocalDecision {
  const route = toolsAvailable ? rule.route : routeWithoutTools(rule.route);
  const reason = route === rule.route ? rule.reason : `${rule.reason}; ${NO_TOOLS_NOTE}`;
  return {
    route,
    confidence: rule.confidence,
    decidedBy: 'rules',
    needsHistory: needsHistoryFlag,
    reason: historyNote ? `${reason}; ${historyNote}` : reason,
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

/**
 * Lowers the top score to `cap` and gives the difference to the other routes that still have
 * any score, in proportion: the ranking stays, the confidence no longer suffices to act alone.
 */
function capConfidence(probabilities: Float64Array, cap: number): void {
  const top = argMax(probabilities);
  const rest = 1 - probabilities[top];
  if (probabilities[top] <= cap || rest <= 0) return;
  const scale = (1 - cap) / rest;
  for (let i = 0; i < probabilities.length; i++) {
    if (i !== top) probabilities[i] *= scale;
  }
  probabilities[top] = cap;
}

function argMax(values: Float64Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
