// Synthetic run directories with stated errors and refined grids, and one far larger than a page may receive, for
// the viewer's tests. Numbers come from closed forms so tests can compare what is drawn with what was written.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { grid } from './web.js';

export const TOL_LAMBDAS = grid(-1, 1, 11);
export const tolLoss = (l: number): number => 0.3 + l * l;
export const tolStderr = (l: number): number => 0.02 + 0.05 * Math.abs(l);
export const REFINE_X = grid(-1, 1, 9);
export const REFINE_Y = grid(-1, 1, 5);
/** Measured: the even columns of every other row, and the right half. */
export const refineMeasured = (i: number, j: number): boolean => i >= 5 || (i % 2 === 0 && j % 2 === 0);
export const LARGE_SIDE = 1001;

const runJson = (kind: string, grids: string[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ kind, identity: { grid: grids, data: { source: 'digits', split: 'train', count: 1437 }, ...extra }, info: { command: ['terrain', kind] } });

/** points.jsonl line of the in-progress --tolerance surface (2×2, the first point finished). */
export const blockLine = (index: number, from: number, sums: number[][]): string => JSON.stringify({ index, from, batches: sums }) + '\n';

export async function writePrecisionRuns(root: string): Promise<Record<string, string>> {
  const put = async (dir: string, name: string, text: string): Promise<void> => {
    await mkdir(join(root, dir), { recursive: true });
    await writeFile(join(root, dir, name), text);
  };
  const L = TOL_LAMBDAS;
  await put('tolerance/curve', 'run.json', runJson('curve', ['-1:1:11'], { adaptive: { tolerance: '0.05' } }));
  await put('tolerance/curve', 'result.json', JSON.stringify({
    kind: 'curve', lambdas: L, loss: L.map(tolLoss), accuracy: L.map(() => 0.9), lossStderr: L.map(() => 0.01), type: 'v-basin',
    samples: L.map((l) => Math.round(256 + 1000 * Math.abs(l))), lossSampleStderr: L.map(tolStderr), accuracyStderr: L.map(() => 0.01),
    adaptive: { tolerance: '0.05', target: 0.05 },
  }));
  const X = REFINE_X, Y = REFINE_Y;
  await put('refine/surface', 'run.json', runJson('surface', ['-1:1:9', '-1:1:5'], { refine: '1%' }));
  await put('refine/surface', 'result.json', JSON.stringify({
    kind: 'surface', x: X, y: Y, loss: Y.map((b) => X.map((a) => 1 + a * a + b * b)), accuracy: Y.map(() => X.map(() => 0.5)),
    lossStderr: Y.map(() => X.map(() => 0)), measured: Y.map((_, j) => X.map((_, i) => refineMeasured(i, j))),
    interpolationBound: Y.map((_, j) => X.map((_, i) => (refineMeasured(i, j) ? 0 : 0.01))), refine: { tolerance: '1%', target: 0.02, levels: 2, evaluated: 27, total: 45 },
  }));
  // A finished surface far beyond the page's cap: 1,001×1,001 from points.jsonl only (no result.json yet).
  const lines: string[] = [];
  for (let k = 0; k < LARGE_SIDE * 3; k++) lines.push(`{"index":${k},"loss":${1 + (k % LARGE_SIDE) / LARGE_SIDE},"accuracy":0.5,"lossStderr":0}`);
  await put('large/surface', 'run.json', runJson('surface', [`-1:1:${LARGE_SIDE}`, `-1:1:${LARGE_SIDE}`]));
  await put('large/surface', 'points.jsonl', lines.join('\n') + '\n');
  // A --tolerance surface in pass 1: blocks of three of its four points so far.
  await put('tolerance/running', 'run.json', runJson('surface', ['-1:1:2', '-1:1:2'], { adaptive: { tolerance: '1%' } }));
  await put('tolerance/running', 'samples.jsonl', [0, 1, 2].map((i) => blockLine(i, 0, [[100 + i * 10, 1000 + i * 200, 80, 100]])).join(''));
  return { tolCurve: 'tolerance/curve', refine: 'refine/surface', large: 'large/surface', tolRunning: 'tolerance/running' };
}
