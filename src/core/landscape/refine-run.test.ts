import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLandscape, type CurveResult } from './job.js';
import { smallLandscapeJob } from '../../testing/landscape.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'terrain-refine-'));
const readResult = (dir: string): string => readFileSync(join(dir, 'result.json'), 'utf8');

// A curve of 129 points: the coarse lattice has 9, so refinement has room to leave most of them out.
function refinedJob(out: string) {
  const job = smallLandscapeJob('curve', out, 64);
  return { ...job, ranges: [{ from: -2, to: 2, count: 129 }], refine: { kind: 'relative' as const, percent: 2 } };
}

test('a refined curve: measured points equal the full grid\'s bit for bit, the rest are interpolated and marked', async () => {
  const full = (await runLandscape({ ...refinedJob(tmp()), refine: undefined })).result as CurveResult;
  const { result, run } = await runLandscape(refinedJob(tmp()));
  const r = result as CurveResult;
  assert.equal(r.refine!.total, 129);
  assert.ok(r.refine!.evaluated < 0.7 * 129, `evaluated ${r.refine!.evaluated}`);
  assert.equal(run.finished.size, r.refine!.evaluated, 'only the measured points are in points.jsonl');
  let worst = 0;
  for (let i = 0; i < 129; i++) {
    if (r.measured![i]) {
      assert.equal(r.loss[i], full.loss[i]);
      assert.equal(r.interpolationBound![i], 0);
    } else {
      assert.ok(r.interpolationBound![i]! <= r.refine!.target);
      worst = Math.max(worst, Math.abs(r.loss[i]! - full.loss[i]!));
    }
  }
  assert.ok(worst <= 3 * r.refine!.target, `interpolated points off by ${worst}, target ${r.refine!.target}`);
  assert.equal(r.type, full.type, 'the same curve type');
  assert.match(JSON.stringify(JSON.parse(readFileSync(join(run.dir, 'run.json'), 'utf8')).identity), /"refine":"2%"/);
});

test('a refined curve interrupted mid-level and resumed ends with the uninterrupted result, byte for byte', async () => {
  const whole = tmp(), cut = tmp();
  await runLandscape(refinedJob(whole));
  const ac = new AbortController();
  await assert.rejects(runLandscape({ ...refinedJob(cut), signal: ac.signal, onProgress: (p) => { if (p.done >= 20) ac.abort(); } }), /interrupted/);
  await runLandscape(refinedJob(cut));
  assert.equal(readResult(cut), readResult(whole));
});
