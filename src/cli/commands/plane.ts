// terrain plane: the loss surface on the plane through three models (Gram–Schmidt of B − A and C − A, origin A),
// the models, and a trained curve's bends and path projected, marked on the contour — the mode-connectivity figure.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { curveControls } from '../../core/connect/point-model.js';
import { curvePoint, tGrid } from '../../core/connect/geometry.js';
import { paddedRange, planeBasis, planeCoordinates } from '../../core/connect/plane.js';
import { makeBatches } from '../../core/data/index.js';
import type { ResolvedDirection } from '../../core/directions/resolve.js';
import type { SessionMode } from '../../core/evaluate/sessions.js';
import { runLandscape, type SurfaceResult } from '../../core/landscape/job.js';
import type { LoadedModel } from '../../core/model-file.js';
import { norm, sub } from '../../core/params.js';
import { writeJsonAtomic } from '../../core/runs/run-dir.js';
import { addDataOptions, checkCompatible, choiceOption, commandLine, intOption, loadModel, numberOption, prepareData, type DataOptions } from '../common.js';
import { UsageError } from '../errors.js';
import { makeOutput } from '../output.js';
import { VERSION } from '../version.js';
import { writePlanePlot, type PlaneMarker } from './connect-plots.js';

interface PlaneFlags extends DataOptions {
  models: string;
  curve?: string;
  grid: number;
  margin: number;
  bn: 'eval' | 'recompute';
  bnBatches: number;
  threads: number;
  workers?: number;
  plots: boolean;
  json?: boolean;
  out: string;
}

const LABELS = ['A', 'B', 'C'];

async function planeCommand(flags: PlaneFlags): Promise<void> {
  const out = makeOutput(!!flags.json);
  const paths = flags.models.split(',').filter((s) => s !== '');
  if (paths.length !== 3) throw new UsageError(`--models '${flags.models}' must name three models, A,B,C (comma-separated); got ${paths.length}`);
  const models: LoadedModel[] = paths.map((p) => loadModel(p));
  const a = models[0]!;
  models.slice(1).forEach((m, k) => {
    const problem = a.theta.layout.mismatch(m.theta.layout);
    if (problem) throw new UsageError(`--models ${LABELS[k + 1]} (${m.path})${problem}; the three models must share one architecture`);
  });
  const basis = planeBasis(a.theta, models[1]!.theta, models[2]!.theta, paths.map((p, k) => `${LABELS[k]} (${p})`));
  const markers = models.map((m, k) => ({ label: LABELS[k]!, ...planeCoordinates(basis, m.theta) }));
  let path: { x: number; y: number }[] = [];
  const bends: (PlaneMarker & { offPlane: number })[] = [];
  if (flags.curve) {
    const c = curveControls(flags.curve, flags.curve, 'curve');
    const problem = a.theta.layout.mismatch(c.a.theta.layout);
    if (problem) throw new UsageError(`--curve ${flags.curve}${problem}; the curve must join models of the plane's architecture`);
    c.controls.slice(1, -1).forEach((b, j) => bends.push({ label: `bend ${j + 1}`, ...planeCoordinates(basis, b) }));
    path = tGrid(61).map((t) => planeCoordinates(basis, curvePoint(c.curve, c.controls, t)));
  }
  // A bend that is one of the three models (plane --models A,B,DIR/bend-1.safetensors) gets one marker, both names.
  const span = Math.max(1e-12, ...markers.map((m) => Math.hypot(m.x, m.y)));
  const shown: PlaneMarker[] = markers.map((m) => ({ label: m.label, x: m.x, y: m.y }));
  for (const b of bends) {
    const same = shown.find((m) => Math.hypot(m.x - b.x, m.y - b.y) <= 1e-6 * span);
    if (same) same.label = `${same.label} = ${b.label}`;
    else shown.push(b);
  }
  const xs = [...markers, ...bends, ...path].map((p) => p.x), ys = [...markers, ...bends, ...path].map((p) => p.y);
  const [x0, x1] = paddedRange(xs, flags.margin), [y0, y1] = paddedRange(ys, flags.margin);
  const data = prepareData(flags, a);
  checkCompatible(a, data);
  if (data.loss && data.loss.name !== 'cross-entropy') throw new UsageError(`--loss ${data.loss.name}: terrain plane evaluates cross-entropy only for now; drop --loss`);
  const outDir = resolve(flags.out);
  const direction = (name: string, v: typeof basis.u): ResolvedDirection => ({
    vector: v, spec: `file:${outDir}/${name}.safetensors`,
    info: { kind: 'file', norm: norm(v), rawNorm: norm(v), thetaNorm: norm(a.theta), cosineToTheta: 0, path: `${outDir}/${name}.safetensors` },
  });
  const bar = out.progress('plane', flags.grid * flags.grid);
  let res;
  try {
    res = await runLandscape({
      kind: 'surface', model: a, data: data.selection, batches: data.batches, batchSize: flags.batch,
      directions: [direction('direction-x', basis.u), direction('direction-y', basis.v)], bufferDeltas: [undefined, undefined],
      bn: flags.bn, ...(flags.bn === 'recompute' ? { recomputeBatches: makeBatches(data.train, flags.batch).slice(0, flags.bnBatches) } : {}),
      ranges: [{ from: x0, to: x1, count: flags.grid }, { from: y0, to: y1, count: flags.grid }], outDir: flags.out,
      threads: flags.threads, workers: flags.workers, session: 'auto' as SessionMode | 'auto',
      info: { command: ['terrain', ...commandLine()], cwd: process.cwd(), version: VERSION, started: new Date().toISOString() },
      onProgress: (p) => bar.update(p.done, p.etaMs),
    });
  } finally {
    bar.stop();
  }
  const surface = res.result as SurfaceResult;
  const plane = {
    kind: 'plane', origin: a.path, models: markers.map((m, k) => ({ ...m, path: paths[k] })),
    distances: { AB: norm(sub(models[1]!.theta, a.theta)), AC: norm(sub(models[2]!.theta, a.theta)) },
    ...(flags.curve ? { curve: { dir: flags.curve, bends, path } } : {}),
    basis: { x: surface.directions[0], y: surface.directions[1] }, surface: 'result.json',
  };
  await writeJsonAtomic(res.run.path('plane.json'), plane);
  const plots = flags.plots
    ? [await writePlanePlot(res.run.dir, surface, shown, path, 'Loss on the plane through A, B, C', `${paths.join(', ')} · ${data.selection.source} (${data.selection.split}) · BN ${flags.bn}`)]
    : [];
  for (const m of markers) out.say(`${m.label}: (${m.x.toFixed(3)}, ${m.y.toFixed(3)})`);
  for (const m of bends) out.say(`${m.label}: (${m.x.toFixed(3)}, ${m.y.toFixed(3)}), ${m.offPlane.toPrecision(3)} off the plane`);
  if (res.resumed > 0) out.say(`resumed: ${res.resumed} points were already in ${res.run.dir}`);
  out.say(`surface ${flags.grid}×${flags.grid} in ${res.run.dir}/result.json, plane.json${plots.length ? `, figure ${plots[0]}` : ''}`);
  out.result({ ...plane, dir: res.run.dir, resumed: res.resumed, plots });
}

export function registerPlane(program: Command): void {
  const cmd = program.command('plane').description('loss surface on the plane through three models, with the models (and a trained curve) marked');
  cmd.requiredOption('--models <A,B,C>', 'three models of one architecture; A is the origin, x runs along B − A');
  addDataOptions(cmd, 'train')
    .option('--curve <dir>', 'a terrain connect run: its bends and curve are projected onto the plane and marked')
    .option('--grid <n>', 'points per axis', intOption('--grid', 3), 21)
    .option('--margin <x>', 'space around the marked points, as a share of their span', numberOption('--margin'), 0.2)
    .option('--bn <mode>', 'BatchNorm statistics: eval (A\'s running statistics) | recompute (re-estimated at every point)', choiceOption('--bn', ['eval', 'recompute'] as const), 'eval')
    .option('--bn-batches <n>', 'training batches used by --bn recompute', intOption('--bn-batches', 1), 10)
    .option('--threads <n>', 'ORT threads per point (0: 1 per point)', intOption('--threads'), 0)
    .option('--workers <n>', 'points evaluated at once', intOption('--workers', 1))
    .option('--no-plots', 'skip the figure')
    .option('--json', 'print one JSON object as the last line of stdout')
    .requiredOption('--out <dir>', 'run directory (created, or resumed when it holds the same run)')
    .action(planeCommand);
}
