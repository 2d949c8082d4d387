// Fits the local router's two models from labelled examples: the needs_history judge (logistic) and
// the route classifier (softmax). Used by train-router.ts and by eval-routing.ts --validation.
import { FEATURE_DIMS, FEATURE_SCHEMA, type FeatureVector } from '../src/routing/features.js';
import {
  CLASS_COUNT,
  computeLogits,
  encodeModel,
  encodeWeights,
  softmax,
  type EncodedWeights,
} from '../src/routing/linear-model.js';
import { LocalRouter, type RouterWeights } from '../src/routing/local-router.js';
import { Featuriser } from '../src/routing/features.js';
import {
  HISTORY_FEATURE_DIMS,
  HISTORY_FEATURE_SCHEMA,
  HistoryJudge,
  historyWeightPriors,
} from '../src/routing/needs-history.js';
import { ROUTES, type HistoryTurn } from '../src/routing/routing.types.js';
import { hashString } from '../src/routing/text-hash.js';
import { toRoutingInput, type RoutingExample } from './routing-dataset.js';

// Chosen by 5-fold cross-validation on train.jsonl (route 94.9 %; 400 epochs with L2 3e-5: 94.2 %):
// the fixed number of Adagrad epochs is the regulariser, an L2 penalty on top only cost accuracy.
const ROUTE_EPOCHS = 800;
const ROUTE_LEARNING_RATE = 0.5;
const ROUTE_L2 = 0;
const HISTORY_EPOCHS = 300;
const HISTORY_LEARNING_RATE = 0.5;
const HISTORY_L2 = 5e-4;
/**
 * A message written without history is self-contained whatever came before it: each such example
 * is also shown to the history judge after a random earlier turn, as a negative, at this weight.
 */
const SELF_CONTAINED_WEIGHT = 0.05;
/** Every CALIBRATION_FOLD-th example is held out to fit the softmax temperature. */
const CALIBRATION_FOLD = 5;
const TEMPERATURES = Array.from({ length: 60 }, (_, i) => 0.25 + i * 0.05);
/** One example in VALIDATION_FOLDS goes to the validation slice, chosen by a hash of its text. */
export const VALIDATION_FOLDS = 5;

interface Row {
  indices: Int32Array;
  values: Float32Array;
  label: number;
  weight: number;
}

export interface TrainingReport {
  historyRows: number;
  routeRows: number;
  routeCounts: string;
  heldOutAccuracy: number;
  temperature: number;
  trainingAccuracy: number;
  historyTrainingAccuracy: number;
}

/**
 * Splits labelled examples into training and validation, stably (by a hash of each example): fold 0
 * is the validation slice; folds 0 to VALIDATION_FOLDS - 1 together are a cross-validation.
 */
export function splitValidation(
  examples: RoutingExample[],
  fold = 0,
): {
  training: RoutingExample[];
  validation: RoutingExample[];
} {
  const inValidation = (example: RoutingExample): boolean =>
    parseInt(hashString(exampleKey(example)), 16) % VALIDATION_FOLDS === fold;
  return {
    training: examples.filter((example) => !inValidation(example)),
    validation: examples.filter(inValidation),
  };
}

export function trainRouter(
  examples: RoutingExample[],
  log: (line: string) => void = () => undefined,
): { weights: RouterWeights; report: TrainingReport } {
  const history = trainHistoryJudge(examples);
  log(`needs_history: ${history.rows} rows, training accuracy ${history.accuracy.toFixed(3)}`);

  // Examples without tools carry the masked route, which the unmasked classifier must not learn.
  const routed = examples.filter((example) => example.toolsAvailable);
  // A follow-up's features include the kind of its previous request, which the classifier itself
  // judges: a first fit (with an untrained classifier behind those kinds) supplies it for the final one.
  const draft = fitRoutes(
    routed,
    new LocalRouter({ route: untrainedRoutes(), history: history.weights }),
  );
  const router = new LocalRouter({ route: draft, history: history.weights });
  const rows = routed.map((example) => routeRow(router, example));
  const counts = ROUTES.map(
    (route, label) => `${route}=${rows.filter((row) => row.label === label).length}`,
  ).join(', ');
  log(`routes: ${rows.length} rows (${counts})`);

  const { temperature, heldOutAccuracy } = fitTemperature(rows);
  const weights = trainSoftmax(rows, ROUTE_EPOCHS);
  const route = encodeModel({ weights, temperature });
  return {
    weights: { route, history: history.weights },
    report: {
      historyRows: history.rows,
      routeRows: rows.length,
      routeCounts: counts,
      heldOutAccuracy,
      temperature,
      trainingAccuracy: accuracy(weights, rows),
      historyTrainingAccuracy: history.accuracy,
    },
  };
}

// ---- needs_history ------------------------------------------------------------------------

function trainHistoryJudge(examples: RoutingExample[]): {
  weights: EncodedWeights;
  rows: number;
  accuracy: number;
} {
  const judge = new HistoryJudge(
    encodeWeights(new Float32Array(HISTORY_FEATURE_DIMS), {
      featureSchema: HISTORY_FEATURE_SCHEMA,
      dims: HISTORY_FEATURE_DIMS,
      temperature: 1,
    }),
  );
  const featuriser = new Featuriser();
  const row = (message: string, history: HistoryTurn[], label: boolean, weight: number): Row => {
    const vector = judge.features(message, featuriser.analyse(message), history);
    return { indices: vector.indices, values: vector.values, label: label ? 1 : 0, weight };
  };
  const followUps = examples.filter((example) => example.history.length > 0);
  const earlier = followUps.map((example) => example.history);
  const random = seededRandom(14);
  const rows = [
    ...followUps.map((example) => row(example.message, example.history, example.needsHistory, 1)),
    ...examples
      .filter((example) => example.history.length === 0)
      .map((example) =>
        row(
          example.message,
          earlier[Math.floor(random() * earlier.length)],
          false,
          SELF_CONTAINED_WEIGHT,
        ),
      ),
  ];
  const weights = trainLogistic(rows);
  const correct = followUps.filter((_, i) => predictLogistic(weights, rows[i]) === rows[i].label);
  return {
    weights: encodeWeights(weights, {
      featureSchema: HISTORY_FEATURE_SCHEMA,
      dims: HISTORY_FEATURE_DIMS,
      temperature: 1,
    }),
    rows: rows.length,
    accuracy: correct.length / Math.max(1, followUps.length),
  };
}

/**
 * Full-batch Adagrad on weighted log-loss plus L2 towards the hand-set priors (where it also
 * starts); deterministic for a given data order.
 */
function trainLogistic(rows: Row[]): Float32Array {
  const priors = historyWeightPriors();
  const weights = Float32Array.from(priors);
  const gradient = new Float64Array(weights.length);
  const squaredGradients = new Float64Array(weights.length);
  const totalWeight = rows.reduce((sum, row) => sum + row.weight, 0);
  for (let epoch = 0; epoch < HISTORY_EPOCHS; epoch++) {
    gradient.fill(0);
    for (const row of rows) {
      const error = sigmoid(dot(weights, row)) - row.label;
      for (let i = 0; i < row.indices.length; i++) {
        gradient[row.indices[i]] += (error * row.values[i] * row.weight) / totalWeight;
      }
    }
    adagradStep(weights, gradient, squaredGradients, HISTORY_LEARNING_RATE, HISTORY_L2, priors);
  }
  return weights;
}

function predictLogistic(weights: Float32Array, row: Row): number {
  return sigmoid(dot(weights, row)) >= 0.5 ? 1 : 0;
}

function dot(weights: Float32Array, row: Row): number {
  let sum = 0;
  for (let i = 0; i < row.indices.length; i++) sum += weights[row.indices[i]] * row.values[i];
  return sum;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

// ---- routes -------------------------------------------------------------------------------

function untrainedRoutes(): EncodedWeights {
  return encodeWeights(new Float32Array(FEATURE_DIMS * CLASS_COUNT), {
    featureSchema: FEATURE_SCHEMA,
    dims: FEATURE_DIMS,
    temperature: 1,
  });
}

function fitRoutes(examples: RoutingExample[], router: LocalRouter): EncodedWeights {
  const rows = examples.map((example) => routeRow(router, example));
  return encodeModel({ weights: trainSoftmax(rows, ROUTE_EPOCHS), temperature: 1 });
}

function routeRow(router: LocalRouter, example: RoutingExample): Row {
  const vector = router.featureVector(toRoutingInput(example));
  return {
    indices: vector.indices,
    values: vector.values,
    label: ROUTES.indexOf(example.route),
    weight: 1,
  };
}

/** Full-batch Adagrad on mean cross-entropy (plus ROUTE_L2, if any); deterministic for a given data order. */
function trainSoftmax(rows: Row[], epochs: number): Float32Array {
  const weights = new Float32Array(FEATURE_DIMS * CLASS_COUNT);
  const gradient = new Float64Array(weights.length);
  const squaredGradients = new Float64Array(weights.length);
  const logits = new Float64Array(CLASS_COUNT);
  for (let epoch = 0; epoch < epochs; epoch++) {
    gradient.fill(0);
    for (const row of rows) {
      const probabilities = softmax(computeLogits(weights, asVector(row), logits), 1);
      for (let i = 0; i < row.indices.length; i++) {
        const base = row.indices[i] * CLASS_COUNT;
        for (let k = 0; k < CLASS_COUNT; k++) {
          const error = probabilities[k] - (k === row.label ? 1 : 0);
          gradient[base + k] += (error * row.values[i]) / rows.length;
        }
      }
    }
    adagradStep(weights, gradient, squaredGradients, ROUTE_LEARNING_RATE, ROUTE_L2);
  }
  return weights;
}

function adagradStep(
  weights: Float32Array,
  gradient: Float64Array,
  squaredGradients: Float64Array,
  learningRate: number,
  l2: number,
  priors?: Float32Array,
): void {
  for (let j = 0; j < weights.length; j++) {
    const step = gradient[j] + l2 * (weights[j] - (priors?.[j] ?? 0));
    if (step === 0) continue;
    squaredGradients[j] += step * step;
    weights[j] -= (learningRate * step) / Math.sqrt(squaredGradients[j]);
  }
}

function asVector(row: Row): FeatureVector {
  return { indices: row.indices, values: row.values, size: row.indices.length };
}

function meanLogLoss(weights: Float32Array, rows: Row[], temperature: number): number {
  const logits = new Float64Array(CLASS_COUNT);
  const total = rows.reduce((sum, row) => {
    const probabilities = softmax(computeLogits(weights, asVector(row), logits), temperature);
    return sum - Math.log(Math.max(probabilities[row.label], 1e-12));
  }, 0);
  return total / rows.length;
}

function accuracy(weights: Float32Array, rows: Row[]): number {
  const logits = new Float64Array(CLASS_COUNT);
  const correct = rows.filter((row) => {
    computeLogits(weights, asVector(row), logits);
    return logits.indexOf(Math.max(...logits)) === row.label;
  }).length;
  return correct / rows.length;
}

function fitTemperature(rows: Row[]): { temperature: number; heldOutAccuracy: number } {
  const fitRows = rows.filter((_, i) => i % CALIBRATION_FOLD !== CALIBRATION_FOLD - 1);
  const heldOut = rows.filter((_, i) => i % CALIBRATION_FOLD === CALIBRATION_FOLD - 1);
  const weights = trainSoftmax(fitRows, ROUTE_EPOCHS);
  const losses = TEMPERATURES.map((temperature) => meanLogLoss(weights, heldOut, temperature));
  const temperature = TEMPERATURES[losses.indexOf(Math.min(...losses))];
  return { temperature, heldOutAccuracy: accuracy(weights, heldOut) };
}

// ---- helpers ------------------------------------------------------------------------------

function exampleKey(example: RoutingExample): string {
  return JSON.stringify([example.message, example.history.map((turn) => turn.content)]);
}

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
