import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLandscape, type CurveResult, type LandscapeJob, type SurfaceResult } from './job.js';
import { smallLandscapeJob } from '../../testing/landscape.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'terrain-refine-tol-'));
const readResult = (dir: string): string => readFileSync(join(dir, 'result.json'), 'utf8');
const adaptive = { tolerance: { kind: 'absolute' as const, value: 0.1 }, minSamples: 32, seed: 2 };

test('--refine with --tolerance: measured nodes at the stated error, interpolated ones carry their interpolation\'s error', async () => {
  const job: LandscapeJob = { ...smallLandscapeJob('curve', tmp()), ranges: [{ from: -2, to: 2, count: 33 }], adaptive, refine: { kind: 'relative', percent: 5 } };
  const r = (await runLandscape(job)).result as CurveResult;
  assert.ok(r.refine!.evaluated < 33 && r.refine!.evaluated >= 5, `evaluated ${r.refine!.evaluated}`);
  assert.equal(r.adaptive!.target, 0.1);
  const c = r.lossCovariance!;
  assert.equal(c.length, 33);
  for (let i = 0; i < 33; i++) {
    if (r.measured![i]) {
      assert.ok(r.samples![i]! >= 32 && (r.samples![i] === 200 || r.lossSampleStderr![i]! <= 0.1));
      assert.ok(Math.abs(c[i]![i]! - r.lossSampleStderr![i]! ** 2) <= 1e-12);
    } else {
      // Its value is a weighted sum of measured points, so its sampling error is that sum's, from their covariance.
      assert.equal(r.samples![i], 0);
      assert.ok(Number.isFinite(r.lossSampleStderr![i]!) && r.lossSampleStderr![i]! <= 0.1 + 1e-12);
    }
  }
  assert.ok(typeof r.typeConfidence === 'number', 'the type is decided with the errors');
  // The stated bound of an interpolated point covers its interpolation's sampling error too (k = 2 of them), and it
  // holds against the exhaustive curve of the same grid.
  const exact = (await runLandscape({ ...smallLandscapeJob('curve', tmp()), ranges: job.ranges })).result as CurveResult;
  let within = 0, interpolated = 0;
  for (let i = 0; i < 33; i++) {
    if (r.measured![i]) { assert.equal(r.interpolationBound![i], 0); continue; }
    interpolated++;
    assert.ok(r.interpolationBound![i]! >= 2 * r.lossSampleStderr![i]! - 1e-12, `point ${i}: bound ${r.interpolationBound![i]} < 2 × ${r.lossSampleStderr![i]}`);
    if (Math.abs(r.loss[i]! - exact.loss[i]!) <= r.interpolationBound![i]!) within++;
  }
  assert.ok(interpolated > 0 && within / interpolated >= 0.9, `${within} of ${interpolated} interpolated points within their stated bound`);
});

test('an interrupted --refine --tolerance surface resumes to the uninterrupted result, byte for byte', async () => {
  const make = (dir: string): LandscapeJob => ({ ...smallLandscapeJob('surface', dir), ranges: [{ from: -2, to: 2, count: 33 }, { from: -1, to: 1, count: 3 }], adaptive, refine: { kind: 'absolute', value: 0.2 } });
  const whole = tmp(), cut = tmp();
  const r = (await runLandscape(make(whole))).result as SurfaceResult;
  assert.ok(r.measured!.flat().some((m) => !m), 'some points interpolated');
  assert.ok(r.samples!.flat().some((n) => n > 0 && n < 200), 'some points on a subsample');
  const se = r.lossSampleStderr!.flat(), n = r.samples!.flat();
  r.measured!.flat().forEach((m, k) => assert.ok(m ? n[k]! > 0 : n[k] === 0 && Number.isFinite(se[k]!) && se[k]! >= 0, `point ${k}: ${n[k]} samples, error ${se[k]}`));
  const ac = new AbortController();
  await assert.rejects(runLandscape({ ...make(cut), signal: ac.signal, onProgress: (p) => { if (p.computedNow >= 12) ac.abort(); } }), /interrupted/);
  await runLandscape(make(cut));
  assert.equal(readResult(cut), readResult(whole));
});
