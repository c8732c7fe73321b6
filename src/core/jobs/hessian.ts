// The jobs of `terrain hessian`: eigenpairs, trace and spectral density of the loss Hessian at one point (eigenvectors
// saved as eigen-K.safetensors for eigen:K directions), or tr(H) and λ_max at every checkpoint of a training folder.
// result.json in a run directory; figures are the shell's (plot is above core).
import { saveDirection } from '../directions/io.js';
import { selectParams } from '../directions/param-subset.js';
import { curvatureOverTraining, trainingCheckpoints, type CheckpointCurvature } from '../explain/training-curvature.js';
import { analyseHessian, type AnalysisStage, type HessianAnalysis, type TraceMethod } from '../hessian/analysis.js';
import type { HvpMethod } from '../hessian/hvp-backends.js';
import { modelHessian, type ModelHessian } from '../hessian/model-operator.js';
import { functionOperator } from '../hessian/operator.js';
import { loadModelFile, type LoadedModel } from '../model-file.js';
import { RunDir } from '../runs/run-dir.js';
import { option } from '../../ir/errors.js';
import type { LandscapeData } from './landscape.js';

interface HessianCommon {
  data: (m: LoadedModel) => LandscapeData;
  hvp: HvpMethod;
  bn: 'eval' | 'train';
  params?: string;
  seed: number;
  batch: number;
  threads: number;
  outDir: string;
  info: Record<string, unknown>;
}

export interface HessianJobOptions extends HessianCommon {
  model: string;
  weights?: string;
  top: number;
  bottom: number;
  tol: number;
  trace?: { method: TraceMethod; matvecs: number };
  density?: { runs: number; steps: number };
  /** The operator is built: its size and samples (the shell sizes its progress). */
  onOperator?: (size: number, samples: number) => void;
  /** One Hessian-vector product done. */
  onProduct?: () => void;
  /** A Lanczos search (top, then bottom) finished with its residuals: the stages done so far. */
  onLanczos?: (finished: ReadonlySet<AnalysisStage>) => void;
}

export interface HessianJobResult {
  result: { kind: 'hessian'; density?: { grid: number[]; values: number[] } } & Record<string, unknown>;
  analysis: HessianAnalysis;
  run: RunDir;
  model: LoadedModel;
  data: LandscapeData;
  /** Parameters analysed and samples of the operator. */
  size: number;
  samples: number;
  seconds: number;
  eigenvectors: string[];
}

export async function hessianJob(o: HessianJobOptions): Promise<HessianJobResult> {
  const m = loadModelFile(o.model, { weights: o.weights });
  // A pattern that is invalid or matches nothing is reported before the data is read.
  if (o.params !== undefined) selectParams(m.theta.layout, o.params);
  const data = o.data(m);
  const run = await RunDir.open(o.outDir, {
    kind: 'hessian',
    identity: {
      model: { path: m.path, sha256: m.hash, arch: m.model.spec.arch }, data: data.selection, batchSize: o.batch,
      hvp: o.hvp, bn: o.bn, params: o.params ?? null, seed: o.seed, top: o.top, bottom: o.bottom, tol: o.tol,
      trace: o.trace ?? null, density: o.density ?? null,
    },
    info: o.info,
  });
  try {
    const op = await modelHessian(m, data.batches, { method: o.hvp, bn: o.bn, params: o.params, threads: o.threads, loss: data.loss });
    const t0 = Date.now();
    let analysis: HessianAnalysis;
    try {
      o.onOperator?.(op.size, op.samples);
      const counted = functionOperator(op.size, true, async (v) => { const r = await op.matvec(v); o.onProduct?.(); return r; },
        async (vs) => { const r = await op.matvecMany(vs); for (let i = 0; i < vs.length; i++) o.onProduct?.(); return r; });
      const finished = new Set<AnalysisStage>();
      analysis = await analyseHessian(counted, {
        top: o.top, bottom: o.bottom, tol: o.tol, seed: o.seed, names: { top: 'top', bottom: 'bottom' }, trace: o.trace, density: o.density,
        onProgress: (stage) => {
          // Residuals follow each finished Lanczos search (top first).
          if (stage !== 'residuals') return;
          finished.add(o.top > 0 && !finished.has('top') ? 'top' : 'bottom');
          o.onLanczos?.(finished);
        },
      });
    } finally {
      await op.dispose();
    }
    const seconds = (Date.now() - t0) / 1000;
    const saved = saveEigenvectors(run, op, analysis, m.hash, data.selection.hash, o);
    const result = {
      kind: 'hessian' as const,
      eigenvalues: analysis.top?.values ?? [],
      ...(analysis.bottom ? { bottomEigenvalues: analysis.bottom.values } : {}),
      residuals: { top: analysis.top?.residuals ?? [], bottom: analysis.bottom?.residuals ?? [] },
      converged: { top: analysis.top?.converged ?? null, bottom: analysis.bottom?.converged ?? null },
      ...(analysis.trace ? { trace: analysis.trace } : {}),
      ...(analysis.density ? { density: { grid: analysis.density.grid, values: analysis.density.values, sigma: analysis.density.sigma, runs: analysis.density.runs, steps: analysis.density.steps, nodes: analysis.density.nodes, weights: analysis.density.weights } } : {}),
      parameters: { count: op.size, pattern: op.subset.pattern, tensors: op.subset.names },
      hvp: o.hvp, precision: op.precision, bn: o.bn, samples: op.samples, matvecs: analysis.matvecs, seconds, eigenvectors: saved,
    };
    await run.writeResult(result);
    return { result, analysis, run, model: m, data, size: op.size, samples: op.samples, seconds, eigenvectors: saved };
  } finally {
    run.close();
  }
}

function saveEigenvectors(run: RunDir, op: ModelHessian, a: HessianAnalysis, modelHash: string, dataHash: string, o: HessianJobOptions): string[] {
  const files: string[] = [];
  for (const [which, pairs] of [['top', a.top], ['bottom', a.bottom]] as const) {
    pairs?.vectors.forEach((v, i) => {
      const name = which === 'top' ? `eigen-${i + 1}.safetensors` : `eigen-bottom-${i + 1}.safetensors`;
      saveDirection(run.path(name), op.embed(v), {
        kind: 'hessian-eigenvector', which, index: String(i + 1), eigenvalue: String(pairs.values[i]), residual: String(pairs.residuals[i]),
        model_sha256: modelHash, data_sha256: dataHash, bn: o.bn, hvp: o.hvp, params: o.params ?? '',
      });
      files.push(name);
    });
  }
  return files;
}

export interface CheckpointsJobOptions extends HessianCommon {
  /** A training folder: init, every epoch-N and final checkpoint. */
  checkpoints: string;
  traceSamples: number;
  onCheckpoint?: (done: number, total: number) => void;
}

export interface CheckpointsJobResult {
  result: { kind: 'hessian-checkpoints'; checkpoints: CheckpointCurvature[]; hvp: HvpMethod; bn: 'eval' | 'train'; params: string | null; samples: number };
  run: RunDir;
  data: LandscapeData;
  /** The checkpoints in order (the paths the identity records). */
  paths: string[];
}

export async function hessianCheckpointsJob(o: CheckpointsJobOptions): Promise<CheckpointsJobResult> {
  const paths = trainingCheckpoints(o.checkpoints, option('checkpoints'));
  const first = loadModelFile(paths[0]!);
  if (o.params !== undefined) selectParams(first.theta.layout, o.params);
  const data = o.data(first);
  const run = await RunDir.open(o.outDir, {
    kind: 'hessian-checkpoints',
    identity: { checkpoints: paths, data: data.selection, batchSize: o.batch, hvp: o.hvp, bn: o.bn, params: o.params ?? null, seed: o.seed, traceSamples: o.traceSamples },
    info: o.info,
  });
  try {
    o.onCheckpoint?.(0, paths.length); // the total, before the first (long) checkpoint
    const rows = await curvatureOverTraining(paths, data.batches, {
      method: o.hvp, bn: o.bn, params: o.params, threads: o.threads, traceSamples: o.traceSamples, seed: o.seed, loss: data.loss,
      onCheckpoint: o.onCheckpoint,
    });
    const result = { kind: 'hessian-checkpoints' as const, checkpoints: rows, hvp: o.hvp, bn: o.bn, params: o.params ?? null, samples: data.selection.count };
    await run.writeResult(result);
    return { result, run, data, paths };
  } finally {
    run.close();
  }
}
