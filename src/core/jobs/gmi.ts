// The job of `terrain gmi`: N Gaussian directions through θ, each curve next to its second-order prediction, the
// v-basin fraction and tr(H)/P; result.json in a resumable run directory. Figures are the shell's (plot is above core).
import { join } from 'node:path';
import { resolveDirections } from '../directions/index.js';
import { selectParams } from '../directions/param-subset.js';
import { gmiAnalysis, type GmiResult, type MeasuredCurve } from '../explain/gmi.js';
import type { HvpMethod } from '../hessian/hvp-backends.js';
import { modelHessian } from '../hessian/model-operator.js';
import type { AdaptiveOptions, Tolerance } from '../landscape/adaptive.js';
import { runLandscape, type CurveResult } from '../landscape/job.js';
import { loadModelFile, type LoadedModel } from '../model-file.js';
import { linspace, type Range } from '../runs/grid.js';
import { RunDir } from '../runs/run-dir.js';
import type { LandscapeData } from './landscape.js';
import { directionContext } from './providers.js';
import { customLoss, toleranceRecord } from './tolerance.js';
import { InputError } from '../../ir/errors.js';

export type GmiNorm = 'filter' | 'layer' | 'norm' | 'none';

export interface GmiJobOptions {
  model: string;
  weights?: string;
  /** Reads, checks and batches the data for the loaded model (the shell's data options live there). */
  data: (m: LoadedModel) => LandscapeData;
  /** Directions gaussian:norm=NORM:seed=S for S = seed … seed + directions − 1. */
  directions: number;
  seed: number;
  norm: GmiNorm;
  /** The λ grid (must contain 0) and its text as recorded in the identity. */
  range: Range;
  rangeText: string;
  traceSamples: number;
  hvp: HvpMethod;
  batch: number;
  threads: number;
  params?: string;
  adaptive?: AdaptiveOptions;
  refine?: Tolerance;
  outDir: string;
  info: Record<string, unknown>;
  /** Units of work (curve points, trace probes) done of `total`. */
  onProgress?: (done: number, total: number) => void;
}

export interface GmiJobResult {
  result: GmiResult & Record<string, unknown>;
  run: RunDir;
  model: LoadedModel;
  data: LandscapeData;
}

export async function gmiJob(o: GmiJobOptions): Promise<GmiJobResult> {
  const lambdas = linspace(o.range).map((l) => (Math.abs(l) < 1e-12 ? 0 : l));
  const m = loadModelFile(o.model, { weights: o.weights });
  const data = o.data(m);
  const loss = customLoss(data.loss, o.adaptive, GmiOptionsError);
  const specs = Array.from({ length: o.directions }, (_, i) => `gaussian:norm=${o.norm}:seed=${o.seed + i}`);
  const params = o.params === undefined ? undefined : selectParams(m.theta.layout, o.params);
  const dirs = await resolveDirections(specs, { ...directionContext(m), params });
  const tolerance = toleranceRecord(o.adaptive, o.refine);
  const run = await RunDir.open(o.outDir, {
    kind: 'gmi',
    identity: { model: { path: m.path, sha256: m.hash, arch: m.model.spec.arch }, data: data.selection, batchSize: o.batch, directions: dirs.map((d) => d.spec), range: o.rangeText, traceSamples: o.traceSamples, seed: o.seed, hvp: o.hvp, bn: 'eval', ...(params ? { params: params.pattern } : {}), ...tolerance },
    info: o.info,
  });
  try {
    const op = await modelHessian(m, data.batches, { method: o.hvp, bn: 'eval', threads: o.threads, loss, params: o.params });
    // With a stated error or a refined grid each curve is an ordinary (resumable) curve run, typed with paired errors.
    const measure = o.adaptive || o.refine ? async (_d: unknown, k: number): Promise<MeasuredCurve> => {
      const { result: c } = await runLandscape({
        kind: 'curve', model: m, data: data.selection, batches: data.batches, batchSize: o.batch, directions: [dirs[k]!], bufferDeltas: [undefined],
        bn: 'eval', ranges: [o.range], outDir: join(o.outDir, 'curves', String(k)), threads: o.threads, ...(loss ? { loss } : {}),
        ...(o.adaptive ? { adaptive: o.adaptive } : {}), ...(o.refine ? { refine: o.refine } : {}), info: o.info,
      });
      const r = c as CurveResult;
      return { loss: r.loss, type: r.type, lossSampleStderr: r.lossSampleStderr, samples: r.samples, typeConfidence: r.typeConfidence, uncertain: r.uncertain };
    } : undefined;
    let analysis;
    try {
      analysis = await gmiAnalysis(m, data.batches, op, {
        directions: dirs, lambdas, ...(measure ? { measure } : {}), traceSamples: o.traceSamples, seed: o.seed, threads: o.threads, loss,
        onProgress: o.onProgress,
      });
    } finally {
      await op.dispose();
    }
    const result = { ...analysis, ...tolerance };
    await run.writeResult(result);
    return { result, run, model: m, data };
  } finally {
    run.close();
  }
}

/** A combination of gmi options that does not work (yet); the message names both and what to drop. */
export class GmiOptionsError extends InputError {
  override name = 'GmiOptionsError';
}
