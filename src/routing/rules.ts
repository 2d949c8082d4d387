import {
  bodyIsWorkspaceInstructions,
  hasPastedBody,
  headRefersToWorkspace,
  isElliptical,
  isGreetingOnly,
  isShortConfirmation,
  isWriteOfGivenContent,
  namesWorkspace,
  refersToWorkspace,
  type MessageSignals,
} from './message-signals.js';
import { ROUTES, type Route } from './routing.types.js';

/** Bump when a rule changes so cached routing decisions keyed by ROUTER_VERSION expire. */
export const RULES_REVISION = 2;

export interface RuleDecision {
  route: Route;
  confidence: number;
  reason: string;
}

interface Rule {
  /** `previous`: the kind of work of the request this message follows up. */
  route: Route | 'previous';
  confidence: number;
  reason: string;
  applies: (signals: MessageSignals) => boolean;
}

// Each rule covers a case the route definitions settle outright; anything less clear-cut is
// left to the classifier.
const RULES: readonly Rule[] = [
  {
    route: 'ultra_fast',
    confidence: 0.98,
    reason: 'rule: only a greeting, thanks or farewell',
    applies: isGreetingOnly,
  },
  {
    route: 'previous',
    confidence: 0.9,
    reason: 'rule: an elliptical follow-up continues the kind of work it follows',
    applies: continuesPreviousWork,
  },
  {
    route: 'ultra_fast',
    confidence: 0.93,
    reason: 'rule: asks for a one-line answer',
    applies: isBriefAnswer,
  },
  {
    route: 'ultra_fast',
    confidence: 0.96,
    reason: 'rule: short unit conversion',
    applies: isUnitConversion,
  },
  {
    route: 'needs_tools',
    confidence: 0.95,
    reason: 'rule: writes the given content into one named file',
    applies: isFileWriteOfGivenContent,
  },
  {
    route: 'complex',
    confidence: 0.93,
    reason: 'rule: clean up or reorganise the workspace',
    applies: isWorkspaceOverhaul,
  },
  {
    route: 'direct_llm',
    confidence: 0.94,
    reason: 'rule: works on text pasted into the message, no file named',
    applies: isPastedTextTask,
  },
  {
    route: 'direct_llm',
    confidence: 0.93,
    reason: 'rule: asks for new code, no file or workspace named',
    applies: isCodeFromScratch,
  },
  {
    route: 'needs_tools',
    confidence: 0.95,
    reason: 'rule: one file action on a named file or path',
    applies: isSingleNamedFileAction,
  },
  {
    route: 'complex',
    confidence: 0.96,
    reason: 'rule: gather across the workspace, then produce a report, plan or summary',
    applies: isWorkspaceReportRequest,
  },
];

const TOOL_ROUTES: ReadonlySet<Route> = new Set<Route>(['needs_tools', 'complex']);
const DIRECT = ROUTES.indexOf('direct_llm');

export function decideByRules(signals: MessageSignals): RuleDecision | undefined {
  const rule = RULES.find((candidate) => candidate.applies(signals));
  if (!rule) return undefined;
  if (rule.route !== 'previous') {
    return { route: rule.route, confidence: rule.confidence, reason: rule.reason };
  }
  const previous = signals.previous ?? 'direct_llm';
  return { route: previous, confidence: rule.confidence, reason: `${rule.reason} (${previous})` };
}

/** Without tools a tool route cannot run; the capable model answers instead. */
export function routeWithoutTools(route: Route): Route {
  return TOOL_ROUTES.has(route) ? 'direct_llm' : route;
}

/** Moves the probability of tool routes onto direct_llm, in place (ROUTES order). */
export function foldToolRoutes(probabilities: Float64Array): Float64Array {
  ROUTES.forEach((route, index) => {
    if (!TOOL_ROUTES.has(route)) return;
    probabilities[DIRECT] += probabilities[index];
    probabilities[index] = 0;
  });
  return probabilities;
}

/**
 * "and Uruguay?" after a capital question, "the name?" after reading package.json, "yes please"
 * after an offer. A fragment that widens the scope ("now the whole folder") is left to the
 * classifier: it may turn one action into many.
 */
function continuesPreviousWork(s: MessageSignals): boolean {
  const continues = isElliptical(s) || isShortConfirmation(s);
  return (
    s.followUp && s.previous !== undefined && s.previousSure && continues && s.cues.scopeAll === 0
  );
}

/** "in one line: X vs Y", "define entropy in one sentence". */
function isBriefAnswer(s: MessageSignals): boolean {
  const writesCode = s.cues.produce > 0 && s.cues.code > 0;
  return (
    s.cues.brevity > 0 &&
    s.words <= 20 &&
    !hasPastedBody(s) &&
    !refersToWorkspace(s) &&
    !writesCode &&
    s.cues.lookup + s.cues.fsWrite === 0 &&
    !s.followUp
  );
}

function isUnitConversion(s: MessageSignals): boolean {
  const asksConversion = s.cues.unit >= 2 || (s.cues.unit >= 1 && s.cues.quickFact > 0);
  const otherIntent =
    s.cues.code + s.cues.explain + s.cues.writing + s.cues.lookup + s.cues.fsWrite > 0;
  return (
    s.words <= 12 &&
    (s.numbers > 0 || s.cues.quickFact > 0) &&
    asksConversion &&
    !otherIntent &&
    !refersToWorkspace(s) &&
    !s.followUp
  );
}

/** "create notes.md with exactly this content: …" is one write, however long the content. */
function isFileWriteOfGivenContent(s: MessageSignals): boolean {
  return hasPastedBody(s) && isWriteOfGivenContent(s);
}

/** "plan and carry out a cleanup of the workspace", "tidy up the repo: …". */
function isWorkspaceOverhaul(s: MessageSignals): boolean {
  const h = s.headCues;
  const asksHow = h.explain > 0 && s.questionMarks > 0;
  return (
    h.overhaul > 0 &&
    (refersToWorkspace(s) || h.artifact > 0) &&
    !asksHow &&
    s.codeFences === 0 &&
    s.headWords <= 30
  );
}

function isPastedTextTask(s: MessageSignals): boolean {
  const h = s.headCues;
  const workspaceWork =
    headRefersToWorkspace(s) &&
    h.lookup + h.fsWrite + h.produce + h.gather + h.scopeAll + h.overhaul > 0;
  return (
    hasPastedBody(s) &&
    s.headFileRefs === 0 &&
    !workspaceWork &&
    !bodyIsWorkspaceInstructions(s) &&
    !s.followUp
  );
}

function isCodeFromScratch(s: MessageSignals): boolean {
  const fileAction = s.cues.lookup + s.cues.fsWrite > 0;
  const gathers = s.cues.gather > 0;
  return (
    s.cues.code > 0 &&
    s.cues.produce > 0 &&
    !namesWorkspace(s) &&
    !fileAction &&
    !gathers &&
    !s.followUp
  );
}

function isSingleNamedFileAction(s: MessageSignals): boolean {
  const spread = s.cues.scopeAll + s.cues.gather + s.cues.multiStep;
  const otherIntent = s.cues.produce + s.cues.code + s.cues.writing + s.cues.explain;
  return (
    s.fileRefs + s.pathRefs > 0 &&
    s.cues.lookup + s.cues.fsWrite > 0 &&
    spread === 0 &&
    otherIntent === 0 &&
    s.words <= 15 &&
    !hasPastedBody(s)
  );
}

function isWorkspaceReportRequest(s: MessageSignals): boolean {
  return (
    refersToWorkspace(s) &&
    s.cues.gather + s.cues.scopeAll > 0 &&
    s.cues.artifact > 0 &&
    s.cues.produce > 0 &&
    !hasPastedBody(s) &&
    s.chars < 600
  );
}
