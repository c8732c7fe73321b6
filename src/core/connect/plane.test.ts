import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParamLayout, type ParamVector } from '../params.js';
import { createRng } from '../rng.js';
import { paddedRange, planeBasis, planeCoordinates } from './plane.js';

const n = 200;
const layout = new ParamLayout([{ name: 'w', shape: [n] }]);
const rng = createRng(11);
const gauss = () => Float64Array.from({ length: n }, () => rng.normal());

// An orthonormal pair (e1, e2) and A; B = A + 3·e1, C = A + 1·e1 + 2·e2, so the plane coordinates are known exactly:
// A (0, 0), B (3, 0), C (1, 2); P = A + 0.5·e1 − 1·e2 + 0.7·e3 (e3 ⟂ plane) is at (0.5, −1), 0.7 off the plane.
function orthonormal(k: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = gauss();
    for (const u of out) { const d = v.reduce((s, x, i) => s + x * u[i]!, 0); v.forEach((_, i) => { v[i] = v[i]! - d * u[i]!; }); }
    const nv = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    out.push(v.map((x) => x / nv));
  }
  return out;
}
const [e1, e2, e3] = orthonormal(3) as [Float64Array, Float64Array, Float64Array];
const a0 = gauss();
const at = (c1: number, c2: number, c3 = 0): ParamVector => ({ layout, data: Float32Array.from(a0, (x, i) => x + c1 * e1[i]! + c2 * e2[i]! + c3 * e3[i]!) });
const A = at(0, 0), B = at(3, 0), C = at(1, 2);

test('plane coordinates of A, B, C and of a point off the plane', () => {
  const basis = planeBasis(A, B, C);
  const close = (got: number, want: number, what: string) => assert.ok(Math.abs(got - want) < 2e-5, `${what}: ${got} vs ${want}`);
  const [pa, pb, pc, pp] = [A, B, C, at(0.5, -1, 0.7)].map((p) => planeCoordinates(basis, p));
  assert.deepEqual([pa!.x, pa!.y, pa!.offPlane], [0, 0, 0]);
  close(pb!.x, 3, 'B.x'); close(pb!.y, 0, 'B.y');
  close(pc!.x, 1, 'C.x'); close(pc!.y, 2, 'C.y');
  close(pp!.x, 0.5, 'P.x'); close(pp!.y, -1, 'P.y'); close(pp!.offPlane, 0.7, 'P off the plane');
  const dotUV = basis.uData.reduce((s, x, i) => s + x * basis.vData[i]!, 0);
  assert.ok(Math.abs(dotUV) < 1e-12);
});

test('degenerate planes are refused by name', () => {
  assert.throws(() => planeBasis(A, A, C), /B equals A/);
  assert.throws(() => planeBasis(A, B, at(2, 0), ['A (a)', 'B (b)', 'C (c)']), /C \(c\) lies on the line through A \(a\) and B \(b\)/);
});

test('padded range holds every value with the margin', () => {
  const [lo, hi] = paddedRange([0, 3, 1], 0.2);
  assert.ok(Math.abs(lo + 0.6) < 1e-12 && Math.abs(hi - 3.6) < 1e-12, `${lo}, ${hi}`);
});
