// reproduce's mining experiment: w-peak and vvv-basin directions mined on the first seed's model (`terrain mine`'s
// job), then the surfaces a mined w-peak spans with a Gaussian direction and with a second mined w-peak.
import { join } from 'node:path';
import {
  CLAIMS, minedShapesRow, minedSurfacesRow, notMeasuredRow, surfaceShape,
  type ClaimRow, type GmiMeasure, type MineMeasure, type SurfaceGrid, type SurfaceMeasure,
} from '../../core/reproduce/index.js';
import { registerMine, runMine, type MineFlags } from './mine.js';
import { dataFlags, landscape, readJson, silent, type SettingRun } from './reproduce-run.js';
import { stepFlags, toleranceFlags } from './step-flags.js';

type Shape = 'w-peak' | 'vvv-basin';

/** Mined w-peak and vvv-basin directions on `model`, then the surfaces they span. */
export async function mineSetting(r: SettingRun, model: string, gmis: GmiMeasure[]): Promise<ClaimRow[]> {
  const { s, b } = r;
  const mined: MineMeasure[] = [];
  const wpeak: string[] = [];
  for (const shape of ['w-peak', 'vvv-basin'] as const) {
    const r2 = await mineShape(r, model, shape);
    mined.push({ shape, types: r2.seeds.map((x) => x.type), successes: r2.successes, inSampleTypes: r2.seeds.map((x) => x.inSampleType) });
    // Surfaces are drawn on training data: directions that make a w-peak there.
    if (shape === 'w-peak') wpeak.push(...r2.seeds.filter((x) => x.inSampleType === 'w-peak').map((x) => x.direction));
  }
  const rows = [minedShapesRow(s.id, mined, gmis)];
  if (wpeak.length === 0) return [...rows, notMeasuredRow(CLAIMS.minedSurfaces, s.id, 'no mined direction makes a w-peak on training data')];
  const n = b.mine.surfacePoints;
  const span = 2 * (s.mine?.lambda0['w-peak'] ?? 1); // the w-peak's walls: ±2λ₀ (default λ₀ = 1)
  const surface = async (name: string, x: string, y: string, axes: string, want: SurfaceMeasure['want']): Promise<SurfaceMeasure> => {
    const out = join(r.dir, name);
    await r.steps.run(s.id, `surface ${axes}`, join(out, 'result.json'), landscape('surface', s, model, [x, y], [`${-span}:${span}:${n}`, `${-span}:${span}:${n}`], out));
    const shape = surfaceShape(readJson<SurfaceGrid>(join(out, 'result.json')));
    return { axes, want, shape: shape.shape, rays: shape.rays };
  };
  const surfaces = [await surface('surface-saddle', `mined:${wpeak[0]}`, 'gaussian:norm=filter:seed=777', 'mined w-peak × Gaussian', 'saddle')];
  if (wpeak.length >= 2) surfaces.push(await surface('surface-wine-bottle', `mined:${wpeak[0]}`, `mined:${wpeak[1]}`, 'mined w-peak × mined w-peak', 'wine-bottle'));
  return [...rows, minedSurfacesRow(s.id, surfaces)];
}

interface MinedSeeds {
  seeds: { type: string; inSampleType: string | null; direction: string }[];
  successes: number;
}

/** One shape mined on the setting's evaluation subset, judged on as many held-out samples; its result.json. */
async function mineShape(r: SettingRun, model: string, shape: Shape): Promise<MinedSeeds> {
  const { s, b } = r;
  const out = join(r.dir, `mine-${shape}`);
  const tuned = s.mine ? { lambda0: s.mine.lambda0[shape], mineBatch: s.mine.batch, lr: s.mine.lr[shape] } : {};
  await r.steps.run(s.id, `mine ${shape}`, join(out, 'result.json'), () => runMine(stepFlags<MineFlags>(registerMine, 'mine', {
    model, ...dataFlags(s), ...(s.evalSamples ? { judgeSamples: s.evalSamples } : {}), shape, restarts: b.mine.restarts,
    steps: s.mine?.steps[shape] ?? b.mine.steps, inSample: s.evalSamples ?? 1000, ...tuned, ...toleranceFlags(r.adaptive), out,
  }), silent));
  return readJson<MinedSeeds>(join(out, 'result.json'));
}
