// Gaussian model interpolation (GMI): curves along random filter-normalised Gaussian directions through a trained θ.
// With g ≈ 0 and εᵀHε > 0 the expansion L0 + λgᵀε + ½λ²εᵀHε is a parabola opening upwards, so the measured curves
// should be v-basins. Reported: the measured and predicted v-basin fractions, and the normalised curvatures
// εᵀHε/‖ε‖² next to tr(H)/P (their expectation for isotropic Gaussian ε).
import { classifyCurve, type ClassifyOptions } from '../classify/index.js';
import { evaluateWeights, type LabeledBatch } from '../evaluate/point.js';
import type { LossChoice } from '../loss/choice.js';
import { hutchinsonTrace } from '../hessian/hutchinson.js';
import type { ModelHessian } from '../hessian/model-operator.js';
import type { ModelPoint } from '../hessian/model-point.js';
import { combine, toTensors, type ParamVector } from '../params.js';
import { createRng } from '../rng.js';
import { predictCurve, secondOrderTerms } from './second-order.js';

export interface GmiOptions {
  directions: readonly { spec: string; vector: ParamVector }[];
  lambdas: readonly number[];
  /** Hutchinson probes for tr(H) (0: skip the trace). */
  traceSamples: number;
  seed: number;
  threads?: number;
  /** --loss other than cross-entropy (the Hessian operator must use the same one). */
  loss?: LossChoice;
  classify?: ClassifyOptions;
  /**
   * Measures one direction's curve instead of evaluating every λ on all batches (--tolerance/--refine: a curve run at
   * a stated error, its type decided with paired errors). Called with the direction and its position.
   */
  measure?: (direction: { spec: string; vector: ParamVector }, index: number) => Promise<MeasuredCurve>;
  /** Called after each unit of work: one curve point or one trace probe. */
  onProgress?: (done: number, total: number) => void;
}

/** A curve measured at a stated error: its losses, errors and type with the type's confidence. */
export interface MeasuredCurve {
  loss: number[];
  type: string;
  lossSampleStderr?: number[];
  samples?: number[];
  typeConfidence?: number;
  uncertain?: boolean;
}

export interface GmiDirection {
  spec: string;
  slope: number;
  curvature: number;
  directionNorm2: number;
  /** εᵀHε / ‖ε‖². */
  normalisedCurvature: number;
  loss: number[];
  predicted: number[];
  measuredType: string;
  predictedType: string;
  /** --tolerance: per point the standard error and samples, and how sure the measured type is. */
  lossSampleStderr?: number[];
  samples?: number[];
  typeConfidence?: number;
  uncertain?: boolean;
}

export interface Summary { mean: number; stderr: number; min: number; max: number; positiveFraction: number }

export interface GmiResult {
  kind: 'gmi';
  lambdas: number[];
  loss0: number;
  parameters: number;
  directions: GmiDirection[];
  /** Fraction of measured curves the taxonomy calls 'v-basin'. */
  vBasinFraction: number;
  /** The same for the second-order predictions sampled on the same λ grid. */
  predictedVBasinFraction: number;
  typeCounts: Record<string, number>;
  /** --tolerance: curves whose type flips within its error bars (counted in typeCounts by their nominal type). */
  uncertainCurves?: number;
  normalisedCurvature: Summary;
  trace?: { mean: number; stderr: number; samples: number };
  /** tr(H)/P and its standard error. */
  traceOverP?: { mean: number; stderr: number };
}

export function summarise(values: readonly number[]): Summary {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = n > 1 ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) : NaN;
  return { mean, stderr: Math.sqrt(variance / n), min: Math.min(...values), max: Math.max(...values), positiveFraction: values.filter((v) => v > 0).length / n };
}

export async function gmiAnalysis(point: ModelPoint, batches: readonly LabeledBatch[], op: ModelHessian, o: GmiOptions): Promise<GmiResult> {
  if (o.directions.length === 0) throw new Error('gmi: no directions given');
  if (!o.lambdas.includes(0)) throw new Error(`gmi: the λ grid must contain 0 (the trained point), got ${o.lambdas[0]}…${o.lambdas[o.lambdas.length - 1]}`);
  const total = o.directions.length * (o.lambdas.length + 1) + o.traceSamples;
  let done = 0;
  const tick = (): void => o.onProgress?.(++done, total);
  o.onProgress?.(0, total); // the total, before the first (long) step
  const directions: GmiDirection[] = [];
  let loss0 = NaN;
  for (const d of o.directions) {
    const t = await secondOrderTerms(op, d.vector);
    tick();
    let measured: MeasuredCurve;
    if (o.measure) {
      measured = await o.measure(d, directions.length);
      for (let k = 0; k < o.lambdas.length; k++) tick();
    } else {
      const loss: number[] = [];
      for (const l of o.lambdas) {
        const weights = toTensors(combine(point.theta, [[l, d.vector]]));
        for (const [k, b] of point.buffers) weights.set(k, b);
        loss.push((await evaluateWeights(point.model, weights, batches, { threads: o.threads, loss: o.loss })).loss);
        tick();
      }
      measured = { loss, type: classifyCurve(o.lambdas, loss, o.classify).type };
    }
    const { loss } = measured;
    loss0 = loss[o.lambdas.indexOf(0)]!;
    const predicted = predictCurve(t, o.lambdas);
    directions.push({
      spec: d.spec, slope: t.slope, curvature: t.curvature, directionNorm2: t.directionNorm2,
      normalisedCurvature: t.curvature / t.directionNorm2, loss, predicted,
      measuredType: measured.type,
      predictedType: classifyCurve(o.lambdas, predicted, o.classify).type,
      ...(measured.lossSampleStderr ? { lossSampleStderr: measured.lossSampleStderr, samples: measured.samples } : {}),
      ...(measured.typeConfidence !== undefined ? { typeConfidence: measured.typeConfidence, uncertain: measured.uncertain } : {}),
    });
  }
  const typeCounts: Record<string, number> = {};
  for (const d of directions) typeCounts[d.measuredType] = (typeCounts[d.measuredType] ?? 0) + 1;
  const fraction = (pick: (d: GmiDirection) => string) => directions.filter((d) => pick(d) === 'v-basin').length / directions.length;
  const result: GmiResult = {
    kind: 'gmi', lambdas: [...o.lambdas], loss0, parameters: op.size, directions,
    vBasinFraction: fraction((d) => d.measuredType), predictedVBasinFraction: fraction((d) => d.predictedType),
    typeCounts, normalisedCurvature: summarise(directions.map((d) => d.normalisedCurvature)),
    ...(directions.some((d) => d.uncertain !== undefined) ? { uncertainCurves: directions.filter((d) => d.uncertain).length } : {}),
  };
  if (o.traceSamples > 0) {
    const tr = await hutchinsonTrace(op, { samples: o.traceSamples, rng: createRng(o.seed), progress: tick });
    result.trace = { mean: tr.estimate, stderr: tr.stderr, samples: tr.samples };
    result.traceOverP = { mean: tr.estimate / op.size, stderr: tr.stderr / op.size };
  }
  return result;
}
