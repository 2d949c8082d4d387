import { Featuriser, type FeatureVector } from './features.js';
import { decodeWeights, type EncodedWeights } from './linear-model.js';
import {
  hasPastedBody,
  intentCount,
  isElliptical,
  isGreetingOnly,
  type MessageSignals,
} from './message-signals.js';
import {
  asksSomething,
  CONFIRMATION_LEADS,
  CONFIRMATION_WORDS,
  contentWords,
  COURTESY_LEAD,
  CLAUSE_JOINERS,
  CUES,
  FEATURE_NAMES,
  FEATURE_PRIORS,
  FEATURE_REASONS,
  firstPronoun,
  FUNCTION_WORDS,
  INNER_REFERENCE_REVISION,
  hasEarlierClause,
  innerReference,
  isBareConfirmation,
  isList,
  ITEM_NOUNS,
  NEW_TASK_LEAD,
  opensNewTask,
  PRONOUNS,
  sharesWord,
} from './history-cues.js';
import { HISTORY_WEIGHTS } from './router-weights.js';
import type { HistoryTurn } from './routing.types.js';
import { hashString, mix, pairHash, wordHashes } from './text-hash.js';

export interface HistoryNeed {
  needsHistory: boolean;
  reason: string;
}

export interface HistoryJudgement extends HistoryNeed {
  /** Probability that the message needs the earlier turns, 0..1. */
  probability: number;
}

// References to earlier turns live at the start of a message; the tail of a long paste is noise.
const SCANNED_CHARS = 300;
/** Word grams come from the first words only. */
const GRAM_WORDS = 12;
const HASH_BITS = 12;
const HASH_BUCKETS = 1 << HASH_BITS;
const HASH_MASK = HASH_BUCKETS - 1;
const VECTOR_CAPACITY = 1024;
const PAIR_WEIGHT = 1.5;
/** Weight of the word-gram family (unit length times this), relative to 1 per named feature. */
const GRAM_WEIGHT = 3;
/**
 * The probability from which the history is sent. Under 0.5 on purpose: a missed follow-up breaks
 * the answer, an unneeded history only costs tokens (and the context-free cache entry).
 */
const NEEDS_HISTORY_AT = 0.4;

const INDEX = new Map(FEATURE_NAMES.map((name, index) => [name, index]));
/** Cues that pick items out of an earlier answer: with a list before them, `itemOfList`. */
const ITEM_CUES: ReadonlySet<string> = new Set([
  'itemReference',
  'whichOne',
  'rankedItem',
  'itemNumberOtherLanguage',
  'ordinalFragment',
  'ordinalOtherLanguage',
  'countedReference',
  'countedReferenceOtherLanguage',
  'eachOfThose',
  'eachOfThoseOtherLanguage',
]);

/** Cues that read a rank as picking an item; silent when the message names the set it ranks in. */
const RANK_CUES: ReadonlySet<string> = new Set([
  'ordinalFragment',
  'ordinalOtherLanguage',
  'rankedItem',
]);
/** Cues that read a pick as one from an earlier answer; silent when the message's own request gives the set. */
const PICK_CUES: ReadonlySet<string> = new Set([...RANK_CUES, 'whichOne', 'eachOfThose']);

export const HISTORY_FEATURE_DIMS = HASH_BUCKETS + FEATURE_NAMES.length;

/** Changes whenever the meaning of a history feature index changes; stored with its weights. */
export const HISTORY_FEATURE_SCHEMA = hashString(
  JSON.stringify({
    HASH_BITS,
    SCANNED_CHARS,
    GRAM_WORDS,
    PAIR_WEIGHT,
    GRAM_WEIGHT,
    features: FEATURE_NAMES,
    FUNCTION_WORDS: [...FUNCTION_WORDS],
    CLAUSE_JOINERS: [...CLAUSE_JOINERS],
    cues: CUES.map((cue) => [cue.pattern.source, cue.maxWords, cue.skipWhenPasted]),
    COURTESY_LEAD: COURTESY_LEAD.source,
    confirmations: [...CONFIRMATION_WORDS, ...CONFIRMATION_LEADS],
    PRONOUNS: [...PRONOUNS],
    ITEM_CUES: [...ITEM_CUES],
    RANK_CUES: [...RANK_CUES],
    PICK_CUES: [...PICK_CUES],
    ITEM_NOUNS: [...ITEM_NOUNS],
    NEW_TASK_LEAD: NEW_TASK_LEAD.source,
    innerReference: INNER_REFERENCE_REVISION,
  }),
);

const SALT_FIRST = 0x1b873593;
const SALT_WORD = 0x68e31da4;
const SALT_BIGRAM = 0x3c6ef372;
const SALT_LAST = 0x7feb352d;
const SALT_PAIR = 0x2c1b3c6d;

/**
 * Whether a message depends on the earlier turns: a logistic model over the message's opening
 * words, the cues above (as features, not verdicts), its shape, and the shape of the previous
 * answer. Trained by scripts/train-router.ts on data/routing/train.jsonl.
 */
export class HistoryJudge {
  private readonly weights: Float32Array;
  private readonly vector: FeatureVector = {
    indices: new Int32Array(VECTOR_CAPACITY),
    values: new Float32Array(VECTOR_CAPACITY),
    size: 0,
  };
  private readonly active = new Int32Array(FEATURE_NAMES.length);
  private activeCount = 0;
  private previousList = false;
  /** A rank with no set of its own ("the newest", "the last spreadsheet"): an item cue. */
  private picksItem = false;
  /**
   * The message ranks within a set it gives itself ("the first woman to win …", "el primer
   * presidente de México"): its ordinal is no item of an earlier answer.
   */
  private ranksOwnSet = false;
  /** A pick from a set the message's own request brings up: no item of an earlier answer. */
  private picksFromOwnRequest = false;

  constructor(encoded: EncodedWeights = HISTORY_WEIGHTS) {
    this.weights = decodeWeights(encoded, {
      featureSchema: HISTORY_FEATURE_SCHEMA,
      dims: HISTORY_FEATURE_DIMS,
    });
  }

  /** `signals` are the featuriser's signals of the same message. */
  judge(message: string, signals: MessageSignals, history: HistoryTurn[]): HistoryJudgement {
    if (history.length === 0) {
      return { needsHistory: false, probability: 0, reason: 'no earlier turns' };
    }
    if (isGreetingOnly(signals)) {
      return { needsHistory: false, probability: 0, reason: 'only a greeting, thanks or farewell' };
    }
    this.featurise(message, signals, history);
    let logit = 0;
    for (let i = 0; i < this.vector.size; i++) {
      logit += this.weights[this.vector.indices[i]] * this.vector.values[i];
    }
    const probability = 1 / (1 + Math.exp(-logit));
    const needs = probability >= NEEDS_HISTORY_AT;
    return { needsHistory: needs, probability, reason: this.explain(needs, probability) };
  }

  /** The sparse vector the model reads, copied (for training). */
  features(message: string, signals: MessageSignals, history: HistoryTurn[]): FeatureVector {
    const { indices, values, size } = this.featurise(message, signals, history);
    return { indices: indices.slice(0, size), values: values.slice(0, size), size };
  }

  private featurise(
    message: string,
    signals: MessageSignals,
    history: HistoryTurn[],
  ): FeatureVector {
    const vector = this.vector;
    vector.size = 0;
    this.activeCount = 0;
    const normalised = normaliseForCues(message.slice(0, SCANNED_CHARS));
    const text = withoutCourtesyLead(normalised);
    const words = text === '' ? [] : text.split(' ');
    const repeated = asksAgain(message, text, history);
    this.markStructure(text, words, text !== normalised, repeated, signals, history);
    this.markCues(text, words.length, looksPasted(message));
    appendGrams(vector, words);
    for (let i = 0; i < this.activeCount; i++) {
      vector.indices[vector.size] = HASH_BUCKETS + this.active[i];
      vector.values[vector.size++] = 1;
    }
    appendPairs(vector, this.active, this.activeCount);
    return vector;
  }

  private mark(name: string): void {
    const index = INDEX.get(name);
    if (index !== undefined) this.active[this.activeCount++] = index;
  }

  private markStructure(
    text: string,
    words: string[],
    courtesyLead: boolean,
    repeated: boolean,
    signals: MessageSignals,
    history: HistoryTurn[],
  ): void {
    this.mark('bias');
    const count = words.length;
    this.mark(
      count <= 1
        ? 'words:1'
        : count === 2
          ? 'words:2'
          : count <= 4
            ? 'words:3-4'
            : count <= 8
              ? 'words:5-8'
              : count <= 15
                ? 'words:9-15'
                : 'words:16+',
    );
    if (text.endsWith('?')) this.mark('question');
    if (courtesyLead) this.mark('courtesyLead');
    if (courtesyLead && opensNewTask(words)) this.mark('newTaskAfterThanks');
    if (intentCount(signals) > 0) this.mark('intent');
    const c = signals.cues;
    if (c.quickFact + c.unit + c.translate + c.brevity > 0 && count >= 2) this.mark('asksFact');
    const content = contentWords(words);
    this.mark(
      content === 0
        ? 'content:0'
        : content === 1
          ? 'content:1'
          : content === 2
            ? 'content:2'
            : 'content:3+',
    );
    if (isElliptical(signals)) this.mark('elliptical');
    const ownObject = signals.quotes > 0 || hasPastedBody(signals) || signals.charsAfterColon >= 15;
    if (ownObject) this.mark('ownObject');
    if (signals.fileRefs + signals.pathRefs > 0) this.mark('namesFile');
    if (signals.ownedPlaces > 0) this.mark('namesPlace');
    const inner = innerReference(words);
    const pronounAt = firstPronoun(words);
    let pickPronoun = false;
    if (pronounAt >= 0) {
      this.mark('pronoun');
      if (pronounAt <= 2) this.mark('pronounEarly');
      // The pronoun of "which one", "which of them" points inside only at a set the message's own
      // request brought up.
      pickPronoun = pronounAt === inner.pickPronounAt;
      const inside = pickPronoun ? inner.picksFromOwnRequest : hasEarlierClause(words, pronounAt);
      this.mark(inside ? 'antecedentInside' : 'pronounUnbound');
    }
    if (!pickPronoun || inner.picksFromOwnRequest) {
      if (inner.antecedent === 2) this.mark('antecedentOwn');
      else if (inner.antecedent === 1) this.mark('antecedentDefinite');
    }
    if (inner.namesThenAsks) this.mark('namesThenAsks');
    if (inner.opensPersonal) this.mark('opensPersonal');
    const previous = lastAnswer(history);
    const request = lastRequest(history);
    const namesKind =
      inner.rankScope === 2 &&
      inner.rankNoun !== '' &&
      !ITEM_NOUNS.has(inner.rankNoun) &&
      !sharesWord([inner.rankNoun], `${request ?? ''} ${previous ?? ''}`);
    this.picksFromOwnRequest = inner.picksFromOwnRequest;
    this.picksItem =
      !inner.picksFromOwnRequest && (inner.ordinalHead || (inner.rankScope === 2 && !namesKind));
    this.ranksOwnSet = !inner.ordinalHead && inner.rankScope === 1;
    if (inner.picksFromOwnRequest) this.mark('picksFromOwnRequest');
    else if (inner.ordinalHead) this.mark('ordinalHead');
    if (inner.rankScope === 1) this.mark('rankScoped');
    else if (namesKind) this.mark('rankNamesKind');
    else if (inner.rankScope === 2) this.mark('rankUnscoped');
    if (isBareConfirmation(words)) this.mark('confirmation');
    this.previousList = false;
    // A question asked again is as self-contained as it was the first time; the words it shares with
    // its own earlier answer are no reference to it.
    if (repeated) this.mark('repeatsRequest');
    if (previous !== undefined) {
      if (asksSomething(previous)) this.mark('previousAsks');
      this.previousList = isList(previous);
      if (this.previousList) this.mark('previousList');
      if (previous.length <= 60) this.mark('previousShort');
      if (!repeated && sharesWord(words, previous)) this.mark('sharesAnswerWord');
    }
    if (!repeated && request !== undefined && sharesWord(words, request)) {
      this.mark('sharesRequestWord');
    }
  }

  private markCues(text: string, words: number, pasted: boolean): void {
    let item = false;
    for (const cue of CUES) {
      if (cue.maxWords !== undefined && words > cue.maxWords) continue;
      if (cue.skipWhenPasted && pasted) continue;
      if (this.ranksOwnSet && RANK_CUES.has(cue.name)) continue;
      if (this.picksFromOwnRequest && PICK_CUES.has(cue.name)) continue;
      if (cue.pattern.test(text)) {
        this.mark(`cue:${cue.name}`);
        item ||= ITEM_CUES.has(cue.name);
      }
    }
    if ((item || this.picksItem) && this.previousList) this.mark('itemOfList');
  }

  /** The named feature that pushed hardest towards the decision, as a reason. */
  private explain(needs: boolean, probability: number): string {
    let best = -1;
    let bestWeight = 0;
    for (let i = 0; i < this.activeCount; i++) {
      const feature = this.active[i];
      if (feature === 0) continue;
      const weight = this.weights[HASH_BUCKETS + feature] * (needs ? 1 : -1);
      if (weight > bestWeight) {
        best = feature;
        bestWeight = weight;
      }
    }
    const why =
      best >= 0 ? FEATURE_REASONS[best] : needs ? 'its wording' : 'self-contained message';
    return `${needs ? 'needs history' : 'self-contained'}: ${why} (p=${probability.toFixed(2)})`;
  }
}

/** The hand-set prior of every weight (0 for word grams): where training starts and is pulled to. */
export function historyWeightPriors(): Float32Array {
  const priors = new Float32Array(HISTORY_FEATURE_DIMS);
  FEATURE_PRIORS.forEach((prior, index) => (priors[HASH_BUCKETS + index] = prior));
  return priors;
}

let defaultJudge: HistoryJudge | undefined;
let defaultFeaturiser: Featuriser | undefined;

/** The same judgement the orchestrator makes, for routes that decide it on their own. */
export function needsHistory(message: string, history: HistoryTurn[]): HistoryNeed {
  if (history.length === 0) return { needsHistory: false, reason: 'no earlier turns' };
  defaultJudge ??= new HistoryJudge();
  defaultFeaturiser ??= new Featuriser();
  const signals = defaultFeaturiser.analyse(message);
  const { needsHistory: needs, reason } = defaultJudge.judge(message, signals, history);
  return { needsHistory: needs, reason };
}

/** Lower case, no apostrophes, single spaces, no opening punctuation ("¿y Perú?" → "y perú?"). */
function normaliseForCues(text: string): string {
  return text
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[¿¡"“«([*-]+\s*/, '');
}

function looksPasted(message: string): boolean {
  return /\n|:\s*\S.{40,}/s.test(message.slice(0, SCANNED_CHARS));
}

function lastAnswer(history: HistoryTurn[]): string | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    if (history[i].role === 'assistant') return history[i].content.slice(0, SCANNED_CHARS * 2);
  }
  return undefined;
}

/** The text the cues read: normalised, without a leading "thanks," or "please". */
function withoutCourtesyLead(normalised: string): string {
  const lead = COURTESY_LEAD.exec(normalised)?.[0] ?? '';
  return lead.length < normalised.length ? normalised.slice(lead.length) : normalised;
}

/** How much longer or shorter than the message an earlier request may be and still be the same. */
const REPEAT_LENGTH_SLACK = 8;

/**
 * Whether an earlier request of the window is this message again, read as the cues read it (`text`),
 * closing marks aside. Only messages the cues read whole are compared, and only against requests of
 * about their length, so the check costs nothing on long windows.
 */
function asksAgain(message: string, text: string, history: HistoryTurn[]): boolean {
  if (message.length > SCANNED_CHARS) return false;
  const asked = withoutClosingMarks(text);
  return history.some(
    (turn) =>
      turn.role === 'user' &&
      Math.abs(turn.content.length - message.length) <= REPEAT_LENGTH_SLACK &&
      withoutClosingMarks(withoutCourtesyLead(normaliseForCues(turn.content))) === asked,
  );
}

function withoutClosingMarks(text: string): string {
  return text.replace(/[\s?!.]+$/u, '');
}

function lastRequest(history: HistoryTurn[]): string | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    if (history[i].role === 'user') return history[i].content.slice(0, SCANNED_CHARS);
  }
  return undefined;
}

function bucket(hash: number, salt: number): number {
  return mix(hash ^ salt) & HASH_MASK;
}

/** First and last word, and the unigrams and bigrams of the opening words, scaled together. */
function appendGrams(vector: FeatureVector, words: string[]): void {
  const hashes = wordHashes(words.slice(0, GRAM_WORDS).join(' '));
  if (hashes.length === 0) return;
  const start = vector.size;
  const push = (index: number): void => {
    if (vector.size < VECTOR_CAPACITY) vector.indices[vector.size++] = index;
  };
  push(bucket(hashes[0], SALT_FIRST));
  push(bucket(hashes[hashes.length - 1], SALT_LAST));
  hashes.forEach((hash, i) => {
    push(bucket(hash, SALT_WORD));
    if (i > 0) push(bucket(pairHash(hashes[i - 1], hash), SALT_BIGRAM));
  });
  vector.values.fill(GRAM_WEIGHT / Math.sqrt(vector.size - start), start, vector.size);
}

/** Pairs of co-active named features (the bias excluded), hashed into the gram buckets. */
function appendPairs(vector: FeatureVector, active: Int32Array, count: number): void {
  const pairs = ((count - 1) * (count - 2)) / 2;
  if (pairs <= 0) return;
  const weight = PAIR_WEIGHT / Math.sqrt(pairs);
  for (let a = 1; a < count; a++) {
    for (let b = a + 1; b < count && vector.size < VECTOR_CAPACITY; b++) {
      vector.indices[vector.size] = bucket(pairHash(active[a], active[b]), SALT_PAIR);
      vector.values[vector.size++] = weight;
    }
  }
}
