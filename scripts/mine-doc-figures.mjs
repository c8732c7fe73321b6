// Re-renders the mining experiments' results (scripts/mine-experiments.sh OUT) as the small figures of
// docs/mining.md, with short titles.  Usage: node scripts/mine-doc-figures.mjs OUT [docs/img/mining]
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { contourPlot, curvesPlot, surface3dPlot, writePlot } from '../dist/plot/index.js';

const [out = 'runs/mining', dest = 'docs/img/mining'] = process.argv.slice(2);
const read = (p) => JSON.parse(readFileSync(join(out, p), 'utf8'));
const png = { scale: 1 };
// Only the PNGs are kept for the docs.
const save = async (name, svg) => { const p = await writePlot(join(dest, name), svg, png); rmSync(p.svg); };

async function curve(name, runDir, seed, title) {
  const series = [['heldout', 'test (held out)'], ['insample', 'train (mined on)']].map(([sub, label]) => {
    const c = read(`${runDir}/seed-${seed}/${sub}/result.json`);
    return { label, lambdas: c.lambdas, loss: c.loss, accuracy: c.accuracy, type: c.type };
  });
  await save(name, await curvesPlot(series, { title, subtitle: 'digits MLP · log scale', logY: true, width: 420, height: 240 }));
}

async function surface(name, dir, title, subtitle) {
  const r = read(`${dir}/result.json`);
  const s = { x: r.x, y: r.y, loss: r.loss };
  await save(`${name}-contour`, await contourPlot(s, { title, subtitle, width: 300, height: 300 }));
  await save(`${name}-surface3d`, await surface3dPlot(s, { title, subtitle, width: 360, height: 300 }));
}

await curve('w-peak-curve', 'w-peak', 1, 'Mined w-peak (seed 1)');
await curve('vvv-basin-curve', 'vvv-basin', 0, 'Mined vvv-basin (seed 0)');
await surface('saddle-train', 'saddle-train', 'w-peak × Gaussian, train', 'x: mined w-peak · y: gaussian:seed=1:scale=0.25');
await surface('wine-bottle-train', 'wine-bottle-train', 'w-peak × w-peak, train', 'x, y: mined w-peak seeds 0, 1 (orthogonalised)');
await surface('saddle-test', 'saddle-test', 'w-peak × Gaussian, test', 'x: mined w-peak · y: gaussian:seed=1:scale=0.25');
await surface('wine-bottle-test', 'wine-bottle-test', 'w-peak × w-peak, test', 'x, y: mined w-peak seeds 0, 1 (orthogonalised)');
await surface('vvv-gaussian-test', 'vvv-gaussian-test', 'vvv-basin × Gaussian, test', 'x: mined vvv-basin · y: gaussian:seed=1');
