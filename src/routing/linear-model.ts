import { FEATURE_DIMS, FEATURE_SCHEMA, type FeatureVector } from './features.js';
import { hashString } from './text-hash.js';
import { ROUTES } from './routing.types.js';

// Typed as the literal 4: computeLogits is unrolled for four routes and must fail to compile
// if a route is added.
export const CLASS_COUNT: 4 = ROUTES.length;

/** Weights as committed in router-weights.ts: int16 quantised, row-major [feature][class]. */
export interface EncodedWeights {
  featureSchema: string;
  dims: number;
  temperature: number;
  scale: number;
  int16Base64: string;
}

/** Multinomial logistic regression over the feature vector; one row of CLASS_COUNT per feature. */
export interface SoftmaxModel {
  weights: Float32Array;
  /** Divides the logits before the softmax; fitted on held-out data to calibrate confidence. */
  temperature: number;
}

const INT16_MAX = 32767;

export function decodeModel(encoded: EncodedWeights): SoftmaxModel {
  const weights = decodeWeights(encoded, { featureSchema: FEATURE_SCHEMA, dims: FEATURE_DIMS });
  return { weights, temperature: encoded.temperature };
}

export function encodeModel(model: SoftmaxModel): EncodedWeights {
  return encodeWeights(model.weights, {
    featureSchema: FEATURE_SCHEMA,
    dims: FEATURE_DIMS,
    temperature: model.temperature,
  });
}

/** Dequantises weights, refusing those trained for another feature layout. */
export function decodeWeights(
  encoded: EncodedWeights,
  expected: Pick<EncodedWeights, 'featureSchema' | 'dims'>,
): Float32Array {
  if (encoded.featureSchema !== expected.featureSchema || encoded.dims !== expected.dims) {
    throw new Error(
      `router weights were trained for feature schema ${encoded.featureSchema} but the ` +
        `featuriser is ${expected.featureSchema}; run npm run train:router`,
    );
  }
  // Copy into a fresh buffer: Int16Array views need 2-byte alignment that pooled Buffers lack.
  const quantised = new Int16Array(
    Uint8Array.from(Buffer.from(encoded.int16Base64, 'base64')).buffer,
  );
  return Float32Array.from(quantised, (value) => value * encoded.scale);
}

export function encodeWeights(
  weights: Float32Array,
  layout: Pick<EncodedWeights, 'featureSchema' | 'dims' | 'temperature'>,
): EncodedWeights {
  const maxAbs = weights.reduce((max, weight) => Math.max(max, Math.abs(weight)), 0);
  const scale = maxAbs / INT16_MAX || 1;
  const quantised = Int16Array.from(weights, (weight) => Math.round(weight / scale));
  return { ...layout, scale, int16Base64: Buffer.from(quantised.buffer).toString('base64') };
}

/** Short hash that changes whenever the committed weights change. */
export function weightsFingerprint(encoded: EncodedWeights): string {
  return hashString(`${encoded.featureSchema}:${encoded.temperature}:${encoded.int16Base64}`);
}

export function computeLogits(
  weights: Float32Array,
  vector: FeatureVector,
  out: Float64Array,
): Float64Array {
  // Unrolled over the four routes: this loop dominates the cost of a long message.
  let direct = 0;
  let tools = 0;
  let fast = 0;
  let complex = 0;
  for (let i = 0; i < vector.size; i++) {
    const row = vector.indices[i] * CLASS_COUNT;
    const value = vector.values[i];
    direct += weights[row] * value;
    tools += weights[row + 1] * value;
    fast += weights[row + 2] * value;
    complex += weights[row + 3] * value;
  }
  out[0] = direct;
  out[1] = tools;
  out[2] = fast;
  out[3] = complex;
  return out;
}

/** In-place softmax of `logits / temperature`. */
export function softmax(logits: Float64Array, temperature: number): Float64Array {
  let max = -Infinity;
  for (const logit of logits) max = Math.max(max, logit);
  let sum = 0;
  for (let k = 0; k < logits.length; k++) {
    logits[k] = Math.exp((logits[k] - max) / temperature);
    sum += logits[k];
  }
  for (let k = 0; k < logits.length; k++) logits[k] /= sum;
  return logits;
}

/** Calibrated route probabilities in ROUTES order, written into `out`. */
export function predict(
  model: SoftmaxModel,
  vector: FeatureVector,
  out = new Float64Array(CLASS_COUNT),
): Float64Array {
  return softmax(computeLogits(model.weights, vector, out), model.temperature);
}
