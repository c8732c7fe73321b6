// Which block makes the landscape sharp: per block of tensors (grouped by name prefix), one Gaussian curve along a
// direction that moves only that block (normalised inside it, as `curve --params`), its normalised curvature
// εᵀHε/‖ε‖² and the top eigenvalue of the Hessian restricted to the block (as `hessian --params`). An '(all)' row
// with every parameter comes first, for reference.
import { classifyCurve } from '../classify/index.js';
import { groupByPrefix, patternFor, selectParams, type ParamSelection } from '../directions/param-subset.js';
import type { BiasBnMode, NormMode } from '../directions/spec.js';
import { evaluateWeights, type LabeledBatch } from '../evaluate/point.js';
import { secondOrderTerms } from '../explain/second-order.js';
import { analyseHessian } from '../hessian/analysis.js';
import type { HvpMethod } from '../hessian/hvp-backends.js';
import { modelHessian } from '../hessian/model-operator.js';
import type { ModelPoint } from '../hessian/model-point.js';
import type { LossChoice } from '../loss/choice.js';
import { combine, norm as paramNorm, toTensors } from '../params.js';
import { gaussianNoise } from '../directions/gaussian.js';
import { normalizeDirection } from '../directions/normalize.js';
import { normalizeInSubset } from '../directions/param-subset.js';

export interface BlockOptions {
  /** Name parts that make a block ('layer1.0.conv1.weight', depth 1 → 'layer1'). */
  depth: number;
  /** The direction of every block is gaussian:seed=SEED (the same draw, restricted). */
  seed: number;
  norm: NormMode;
  biasBn: BiasBnMode;
  lambdas: readonly number[];
  /** Lanczos tolerance relative to ‖H‖ (default 1e-5). */
  lanczosTol?: number;
  threads?: number;
  loss?: LossChoice;
  hvp?: HvpMethod;
  /** Leave out the '(all)' row. */
  noAll?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface BlockResult {
  block: string;
  /** The --params pattern that selects it ('' for all parameters). */
  pattern: string;
  tensors: string[];
  parameters: number;
  /** Why the block has no curve (its direction is 0: only 1-D tensors with bias-bn=zero). */
  skipped?: string;
  loss?: number[];
  type?: string;
  /** gᵀε and εᵀHε/‖ε‖² at θ. */
  slope?: number;
  curvature?: number;
  directionNorm?: number;
  lambdaMax?: { value: number; residual: number; converged: boolean };
}

export async function blockLandscapes(point: ModelPoint, batches: readonly LabeledBatch[], o: BlockOptions): Promise<BlockResult[]> {
  const layout = point.theta.layout;
  const groups: { block: string; sel?: ParamSelection; names: string[] }[] = groupByPrefix(layout, o.depth)
    .map((g) => ({ block: g.block, names: g.names, sel: selectParams(layout, patternFor(g.names)) }));
  if (!o.noAll) groups.unshift({ block: '(all)', names: layout.slots.map((s) => s.name) });
  const scaling = { norm: o.norm, biasBn: o.biasBn, scale: 1 };
  const raw = gaussianNoise(layout, o.seed);
  const total = groups.length * (o.lambdas.length + 2);
  let done = 0;
  const tick = (n = 1) => { done += n; o.onProgress?.(done, total); };
  const out: BlockResult[] = [];
  for (const g of groups) {
    const base: BlockResult = { block: g.block, pattern: g.sel?.pattern ?? '', tensors: g.names, parameters: g.sel?.size ?? layout.size };
    const direction = g.sel ? normalizeInSubset(raw, point.theta, scaling, g.sel) : normalizeDirection(raw, point.theta, scaling);
    const dn = paramNorm(direction);
    if (dn === 0) {
      out.push({ ...base, skipped: `its direction is 0 (only 1-D tensors or zero weights, with bias-bn=${o.biasBn}); use bias-bn=norm to move them` });
      tick(o.lambdas.length + 2);
      continue;
    }
    const loss: number[] = [];
    for (const l of o.lambdas) {
      const weights = toTensors(combine(point.theta, [[l, direction]]));
      for (const [k, b] of point.buffers) weights.set(k, b);
      loss.push((await evaluateWeights(point.model, weights, batches, { threads: o.threads, loss: o.loss })).loss);
      tick();
    }
    const op = await modelHessian(point, batches, { method: o.hvp, bn: 'eval', threads: o.threads, loss: o.loss, ...(g.sel ? { params: g.sel.pattern } : {}) });
    try {
      const t = await secondOrderTerms(op, direction);
      tick();
      const h = await analyseHessian(op, { top: 1, bottom: 0, tol: o.lanczosTol, seed: o.seed });
      tick();
      out.push({
        ...base, loss, type: curveType(o.lambdas, loss), slope: t.slope, curvature: t.curvature / t.directionNorm2, directionNorm: dn,
        lambdaMax: { value: h.top!.values[0]!, residual: h.top!.residuals[0]!, converged: h.top!.converged },
      });
    } finally {
      await op.dispose();
    }
  }
  return out;
}

/** A diverged block (NaN/∞ on its curve) stays in the table, unnamed, instead of failing the whole run. */
function curveType(lambdas: readonly number[], loss: readonly number[]): string {
  try {
    return classifyCurve(lambdas as number[], loss as number[]).type;
  } catch {
    return 'unclassified';
  }
}
