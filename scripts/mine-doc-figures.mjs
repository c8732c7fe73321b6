// Re-renders the mining experiments' results (scripts/mine-experiments.sh OUT) as the small figures of
// docs/mining.md, with short titles. Figures whose runs are missing under OUT are skipped (and listed).
// Usage: node scripts/mine-doc-figures.mjs OUT [docs/img/mining]
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { contourPlot, curvesPlot, surface3dPlot, writePlot } from '../dist/plot/index.js';

const [out = 'runs/mining', dest = 'docs/img/mining'] = process.argv.slice(2);
const read = (p) => JSON.parse(readFileSync(join(out, p), 'utf8'));
const png = { scale: 1 };
const skipped = [];
// Only the PNGs are kept for the docs.
const save = async (name, svg) => { const p = await writePlot(join(dest, name), svg, png); rmSync(p.svg); };

async function curve(name, runDir, seed, title, subtitle) {
  const parts = [['heldout', 'test (held out)'], ['insample', 'train (mined on)']];
  if (!parts.every(([sub]) => existsSync(join(out, `${runDir}/seed-${seed}/${sub}/result.json`)))) return skipped.push(name);
  const series = parts.map(([sub, label]) => {
    const c = read(`${runDir}/seed-${seed}/${sub}/result.json`);
    return { label, lambdas: c.lambdas, loss: c.loss, accuracy: c.accuracy, type: c.type };
  });
  await save(name, await curvesPlot(series, { title, subtitle: `${subtitle} · log scale`, logY: true, width: 420, height: 240 }));
}

// levelScale 'log' with more levels shows shallow basins (a few % below θ) under walls that rise several-fold.
async function surface(name, dir, title, subtitle, contour = {}) {
  if (!existsSync(join(out, dir, 'result.json'))) return skipped.push(name);
  const r = read(`${dir}/result.json`);
  const s = { x: r.x, y: r.y, loss: r.loss };
  await save(`${name}-contour`, await contourPlot(s, { title, subtitle, width: 300, height: 300, ...contour }));
  await save(`${name}-surface3d`, await surface3dPlot(s, { title, subtitle, width: 360, height: 300 }));
}

// Digits MLP, 20 epochs, weight decay 5e-4 (over-fitted): the w-peak holds on training data only.
await curve('w-peak-curve', 'w-peak', 1, 'Mined w-peak (seed 1)', 'digits MLP, wd 5e-4');
await curve('vvv-basin-curve', 'vvv-basin', 0, 'Mined vvv-basin (seed 0)', 'digits MLP, wd 5e-4');
await surface('saddle-train', 'saddle-train', 'w-peak × Gaussian, train', 'x: mined w-peak · y: gaussian:seed=1:scale=0.25');
await surface('wine-bottle-train', 'wine-bottle-train', 'w-peak × w-peak, train', 'x, y: mined w-peak seeds 0, 1 (orthogonalised)');
await surface('saddle-test', 'saddle-test', 'w-peak × Gaussian, test', 'x: mined w-peak · y: gaussian:seed=1:scale=0.25');
await surface('wine-bottle-test', 'wine-bottle-test', 'w-peak × w-peak, test', 'x, y: mined w-peak seeds 0, 1 (orthogonalised)');
await surface('vvv-gaussian-test', 'vvv-gaussian-test', 'vvv-basin × Gaussian, test', 'x: mined vvv-basin · y: gaussian:seed=1');

// Digits MLP, 20 epochs, weight decay 0.01 (not over-fitted): mined shapes and surfaces on held-out data.
const log = { levels: 24, levelScale: 'log' };
await curve('wd01-w-peak-curve', 'd-wd01-w-peak', 0, 'Mined w-peak (seed 0)', 'digits MLP, wd 0.01');
await curve('wd01-vvv-basin-curve', 'd-wd01-vvv-basin', 0, 'Mined vvv-basin (seed 0)', 'digits MLP, wd 0.01');
await surface('wd01-saddle-test', 'd-wd01-saddle-test', 'Saddle, test (held out)', 'digits MLP, wd 0.01 · x: mined w-peak · y: Gaussian', log);
await surface('wd01-wine-bottle-test', 'd-wd01-wine-bottle-test', 'Wine bottle, test (held out)', 'digits MLP, wd 0.01 · x, y: mined w-peaks', log);

// ResNet-20 on a Fashion-MNIST subset.
await curve('fmnist-w-peak-curve', 'fmnist-w-peak-lr002', 0, 'Mined w-peak, lr 0.02 (seed 0)', 'Fashion-MNIST ResNet-20');
await curve('fmnist-vvv-basin-curve', 'fmnist-vvv-basin-s0', 0, 'Mined vvv-basin (seed 0)', 'Fashion-MNIST ResNet-20');
await surface('fmnist-saddle-test', 'fmnist-saddle-test', 'Saddle, test (held out)', 'Fashion ResNet-20 · x: mined w-peak · y: Gaussian', log);
await surface('fmnist-wine-bottle-test', 'fmnist-wine-bottle-test', 'Wine bottle, test (held out)', 'Fashion ResNet-20 · x, y: mined w-peaks', log);

if (skipped.length) console.log(`skipped (no run under ${out}): ${skipped.join(', ')}`);
