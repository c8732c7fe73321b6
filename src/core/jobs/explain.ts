// The job of `terrain explain`: the second-order terms L0, gᵀε, εᵀHε of one direction, the measured curve (an
// ordinary curve run in OUT/measured, resumable) and the prediction's error against |λ|; result.json in a run
// directory. Figures are the shell's (plot is above core).
import { join } from 'node:path';
import { resolveDirections, type ResolvedDirection } from '../directions/index.js';
import { comparePrediction, maxRelativeErrorWithin, secondOrderTerms, type PredictionComparison, type SecondOrderTerms } from '../explain/second-order.js';
import type { HvpMethod } from '../hessian/hvp-backends.js';
import { modelHessian } from '../hessian/model-operator.js';
import type { AdaptiveOptions, Tolerance } from '../landscape/adaptive.js';
import { runLandscape, type CurveResult } from '../landscape/job.js';
import { loadModelFile, type LoadedModel } from '../model-file.js';
import type { Range } from '../runs/grid.js';
import { RunDir } from '../runs/run-dir.js';
import { InputError, type Worded } from '../../ir/errors.js';
import type { LandscapeData } from './landscape.js';
import { directionContext, eigenvectorProvider, gradientProvider } from './providers.js';
import { customLoss, toleranceRecord } from './tolerance.js';

/** A combination of explain options that does not work (yet); the message names both and what to drop. */
export class ExplainOptionsError extends InputError {
  override name = 'ExplainOptionsError';
}

export interface ExplainJobOptions {
  model: string;
  weights?: string;
  data: (m: LoadedModel) => LandscapeData;
  direction: string;
  /** The λ grid and its text as recorded in the identity. */
  range: Range;
  rangeText: string;
  hvp: HvpMethod;
  /** A `terrain hessian` output directory for eigen:K directions (absent: computed here). */
  hessianDir?: string;
  batch: number;
  threads: number;
  adaptive?: AdaptiveOptions;
  refine?: Tolerance;
  outDir: string;
  info: Record<string, unknown>;
  /** Hears progress lines worth a user's attention (the eigen:K computation starting). */
  notice?: (line: Worded) => void;
  /** Points of the measured curve done (of range.count), with an ETA. */
  onProgress?: (done: number, etaMs?: number) => void;
}

export interface ExplainJobResult {
  result: Record<string, unknown> & { direction: string };
  terms: SecondOrderTerms;
  comparison: PredictionComparison;
  curve: CurveResult;
  direction: ResolvedDirection;
  run: RunDir;
  /** The measured curve's run directory. */
  measuredDir: string;
  model: LoadedModel;
  data: LandscapeData;
}

export async function explainJob(o: ExplainJobOptions): Promise<ExplainJobResult> {
  const m = loadModelFile(o.model, { weights: o.weights });
  const data = o.data(m);
  const loss = customLoss(data.loss, o.adaptive, ExplainOptionsError);
  const [dir] = await resolveDirections([o.direction], directionContext(m, gradientProvider(m, data.batches, o.threads, loss), eigenvectorProvider(m, data.batches, o.hessianDir, o.threads, loss, o.notice)));
  const tolerance = toleranceRecord(o.adaptive, o.refine);
  const run = await RunDir.open(o.outDir, {
    kind: 'explain',
    identity: { model: { path: m.path, sha256: m.hash, arch: m.model.spec.arch }, data: data.selection, batchSize: o.batch, direction: dir!.spec, range: o.rangeText, hvp: o.hvp, bn: 'eval', ...tolerance },
    info: o.info,
  });
  try {
    const op = await modelHessian(m, data.batches, { method: o.hvp, bn: 'eval', threads: o.threads, loss });
    let terms;
    try {
      terms = await secondOrderTerms(op, dir!.vector);
    } finally {
      await op.dispose();
    }
    const measured = await runLandscape({
      kind: 'curve', model: m, data: data.selection, batches: data.batches, batchSize: o.batch, directions: [dir!], bufferDeltas: [undefined],
      bn: 'eval', ranges: [o.range], outDir: join(o.outDir, 'measured'), threads: o.threads, ...(loss ? { loss } : {}),
      ...(o.adaptive ? { adaptive: o.adaptive } : {}), ...(o.refine ? { refine: o.refine } : {}),
      info: o.info, onProgress: (p) => o.onProgress?.(p.done, p.etaMs),
    });
    const curve = measured.result as CurveResult;
    const cmp = comparePrediction(terms, curve.lambdas, curve.loss);
    const result = {
      kind: 'explain', direction: dir!.spec, directionNorm: Math.sqrt(terms.directionNorm2), hvp: o.hvp, bn: 'eval',
      terms: { loss0: terms.loss, accuracy0: terms.accuracy, slope: terms.slope, curvature: terms.curvature, directionNorm2: terms.directionNorm2, gradientNorm: terms.gradientNorm },
      lambdas: cmp.lambdas, measured: cmp.measured, predicted: cmp.predicted, relativeError: cmp.relativeError,
      errorByRadius: cmp.byRadius, maxRelativeErrorWithin0_1: maxRelativeErrorWithin(cmp, 0.1), measuredType: curve.type,
      // A stated error: the measured curve's errors and how sure its type is; a refined grid: which points were measured.
      ...tolerance,
      ...(curve.lossSampleStderr ? { measuredStderr: curve.lossSampleStderr, samples: curve.samples, typeConfidence: curve.typeConfidence, uncertain: curve.uncertain } : {}),
      ...(curve.measured ? { measuredMask: curve.measured, interpolationBound: curve.interpolationBound } : {}),
    };
    await run.writeResult(result);
    return { result, terms, comparison: cmp, curve, direction: dir!, run, measuredDir: measured.run.dir, model: m, data };
  } finally {
    run.close();
  }
}
