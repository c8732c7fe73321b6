// The PCA trajectory drawn on a surface must sit where the surface's own axes put those checkpoints: checked
// against the real PCA and direction scaling of core, by projecting each checkpoint onto the plane θ_c + α·d_x + β·d_y.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trajectoryPca } from '../../core/directions/pca.js';
import { normalizeDirection } from '../../core/directions/normalize.js';
import { ParamLayout, dot, norm, sub, type ParamVector } from '../../core/params.js';
import { createRng } from '../../core/rng.js';
import { pcaTrajectory } from './surface.js';

const layout = new ParamLayout([{ name: 'w', shape: [5, 4] }, { name: 'b', shape: [6] }]);
const P = 26;

/** Least-squares (α, β) with θ − c ≈ α·dx + β·dy (2×2 normal equations, float64). */
function project(theta: ParamVector, c: ParamVector, dx: ParamVector, dy: ParamVector): [number, number] {
  const r = sub(theta, c);
  const a = dot(dx, dx), b = dot(dx, dy), d = dot(dy, dy), u = dot(dx, r), v = dot(dy, r);
  const det = a * d - b * b;
  return [(d * u - b * v) / det, (a * v - b * u) / det];
}

test('trajectory coordinates equal the least-squares position of each checkpoint in the surface plane', () => {
  const rng = createRng(11);
  const vec = (f: () => number): ParamVector => ({ layout, data: Float32Array.from({ length: P }, f) });
  const final = vec(() => rng.normal());
  // A trajectory close to, not exactly in, a plane: distances are nonzero and the projection is what is drawn.
  const a = vec(() => rng.normal()), b = vec(() => rng.normal());
  const checkpoints = [3, 2, 1.2, 0.5].map((t, i) => vec((() => { let p = 0; return () => { const k = p++; return final.data[k]! + t * a.data[k]! + (i % 2 ? 0.7 : -0.4) * t * b.data[k]! + 0.01 * rng.normal(); }; })()));
  const pca = trajectoryPca(checkpoints, final);
  const scales = [2.5, -1.5];
  const dirs = [0, 1].map((k) => normalizeDirection(pca.directions[k]!, final, { norm: 'none', biasBn: 'keep', scale: scales[k]! }));
  const info = [0, 1].map((k) => ({
    kind: 'pca', norm: norm(dirs[k]!), rawNorm: norm(pca.directions[k]!),
    pca: { component: k + 1, coordinates: pca.coordinates, checkpoints: checkpoints.map((_, i) => `/t/epoch-00${i}.safetensors`), thetaToFinal: 0 },
  }));
  const specs = scales.map((s, k) => `pca:/t:k=${k + 1}:norm=none:bias-bn=keep:scale=${s}`);
  const traj = pcaTrajectory(info, specs)!;
  assert.ok(traj, 'a trajectory is found');
  checkpoints.forEach((theta, i) => {
    const [alpha, beta] = project(theta, final, dirs[0]!, dirs[1]!);
    assert.ok(Math.abs(traj.x[i]! - alpha) < 1e-5 * (1 + Math.abs(alpha)), `α of checkpoint ${i}: drawn ${traj.x[i]}, plane ${alpha}`);
    assert.ok(Math.abs(traj.y[i]! - beta) < 1e-5 * (1 + Math.abs(beta)), `β of checkpoint ${i}: drawn ${traj.y[i]}, plane ${beta}`);
  });
  assert.deepEqual([traj.x.at(-1), traj.y.at(-1), traj.labels.at(-1)], [0, 0, 'final']);
  assert.equal(traj.labels[0], 'epoch-000');
});

test('filter-normalised PCA axes and a surface not centred on the final checkpoint are flagged', () => {
  const info = [1, 2].map((k) => ({ pca: { component: k, coordinates: [[1, 2]], checkpoints: ['a'], thetaToFinal: 0.3 } }));
  const t = pcaTrajectory(info, ['pca:/t:k=1:norm=filter', 'pca:/t:k=2:norm=filter'])!;
  assert.match(t.note!, /approximate/);
  assert.match(t.note!, /0\.3 \(L2\)/);
  assert.equal(pcaTrajectory([{ kind: 'gaussian' }, { kind: 'gaussian' }], []), undefined);
  assert.equal(pcaTrajectory(undefined, []), undefined);
});
