// pca:DIR[:k=1|2]: a principal component of a training trajectory (the checkpoints of DIR around its final one).
import { norm, sub, type ParamVector } from '../../params.js';
import { trajectoryPca, type TrajectoryPca } from '../pca.js';
import type { DirectionContext } from '../resolve.js';
import { COMMON_OPTIONS, type Scaling } from '../scaling.js';
import { listSafetensors, selectTrajectory } from '../trajectory.js';
import { defineKind } from './kind.js';

export type PcaSpec = { kind: 'pca'; dir: string; k: 1 | 2 } & Scaling;

export interface PcaInfo {
  dir: string;
  final: string;
  /** Checkpoints used, in training order; coordinates[i] and distances[i] belong to checkpoints[i]. */
  checkpoints: string[];
  ignored: string[];
  component: 1 | 2;
  explainedVarianceRatio: number[];
  coordinates: number[][];
  distances: number[];
  /** ‖θ − θ_final‖: 0 when the surface is centred on the final checkpoint, as PCA plots expect. */
  thetaToFinal: number;
}

export const pca = defineKind<PcaSpec>({
  kind: 'pca',
  arg: { form: 'path', missing: "'pca' needs a training directory: pca:DIR" },
  options: ['k', ...COMMON_OPTIONS],
  likeTheta: false,
  syntax: 'pca:DIR[:k=1|2]',
  help: 'pca:DIR[:k=1|2]: a principal component of the training trajectory saved in DIR',
  parse(arg, options, scaling, fail) {
    const kText = options.get('k') ?? '1';
    if (kText !== '1' && kText !== '2') fail(`k='${kText}' is not a principal component index; valid: 1, 2`);
    return { kind: 'pca', dir: arg, k: kText === '1' ? 1 : 2, ...scaling };
  },
  format: (spec, tail) => `pca:${spec.dir}:k=${spec.k}:${tail}`,
  async resolve(spec, ctx, r) {
    // The x and y of a PCA plane share one decomposition per directory.
    const key = `pca:${spec.dir}`;
    let pending = r.shared.get(key) as Promise<PcaResult> | undefined;
    if (!pending) { pending = computePca(spec.dir, ctx); r.shared.set(key, pending); }
    const p = await pending;
    const u = p.pca.directions[spec.k - 1];
    if (!u) throw new Error(`direction '${r.text}': the ${p.points.length} checkpoints of ${spec.dir} span only ${p.pca.directions.length} dimension(s) around ${p.final}; there is no principal component ${spec.k}`);
    return { raw: u, extra: { path: spec.dir, pca: pcaInfo(spec.dir, spec.k, p, ctx.theta) } };
  },
});

interface PcaResult {
  pca: TrajectoryPca;
  points: string[];
  final: string;
  finalParams: ParamVector;
  ignored: string[];
}

async function computePca(dir: string, ctx: DirectionContext): Promise<PcaResult> {
  const files = await (ctx.listCheckpoints ?? listSafetensors)(dir);
  const { points, final, ignored } = selectTrajectory(dir, files);
  const load = async (path: string): Promise<ParamVector> => {
    const p = await ctx.loadParams(path);
    ctx.theta.layout.assertSame(p.layout, `checkpoint ${path}`);
    return p;
  };
  const finalParams = await load(final);
  const loaded: ParamVector[] = [];
  for (const path of points) loaded.push(await load(path));
  return { pca: trajectoryPca(loaded, finalParams), points, final, finalParams, ignored };
}

function pcaInfo(dir: string, k: 1 | 2, r: PcaResult, theta: ParamVector): PcaInfo {
  return {
    dir,
    final: r.final,
    checkpoints: r.points,
    ignored: r.ignored,
    component: k,
    explainedVarianceRatio: r.pca.explainedVarianceRatio,
    coordinates: r.pca.coordinates,
    distances: r.pca.distances,
    thetaToFinal: norm(sub(theta, r.finalParams)),
  };
}
