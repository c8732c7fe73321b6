// Core errors name the value; the shell's flag (hessian --checkpoints) or an option mention (hessian top/bottom)
// leads the message instead of a flag name fixed in core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInputError, messageWith, type OptionMention } from '../../ir/errors.js';
import { analyseHessian, EigenCountError } from '../hessian/analysis.js';
import { functionOperator } from '../hessian/operator.js';
import { CheckpointDirectoryError, trainingCheckpoints } from './training-curvature.js';

test('trainingCheckpoints: the caller\'s flag names the directory; an input error (exit 2)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-flag-'));
  try {
    writeFileSync(join(dir, 'notes.txt'), 'x');
    const refused = (f: () => unknown, lead: RegExp): void => {
      assert.throws(f, (e: Error) => e instanceof CheckpointDirectoryError && isInputError(e) && lead.test(e.message) && /no init\.safetensors/.test(e.message));
    };
    refused(() => trainingCheckpoints(dir), /^checkpoint directory \//);
    refused(() => trainingCheckpoints(dir, '--checkpoints'), /^--checkpoints \//);
    assert.throws(() => trainingCheckpoints(join(dir, 'none'), '--checkpoints'), /--checkpoints \S+none: cannot read the directory \(ENOENT\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('analyseHessian: more eigenpairs than parameters is an input error that mentions the caller\'s options, or says top/bottom', async () => {
  const diag = [3, -1, 2];
  const op = functionOperator(3, true, async (v) => v.map((x, i) => diag[i]! * x));
  await assert.rejects(analyseHessian(op, { top: 4, bottom: 0, seed: 0 }), (e: unknown) =>
    e instanceof EigenCountError && isInputError(e) && /^Error: top 4 exceeds the number of parameters analysed \(3\)$/.test(String(e)));
  // With option names the message mentions the option and its value; a shell prints the mention its own way.
  const flag = (m: OptionMention): string => `--${m.option} ${m.value}`;
  await assert.rejects(analyseHessian(op, { top: 0, bottom: 5, seed: 0, names: { top: 'top', bottom: 'bottom' } }), (e: unknown) =>
    e instanceof EigenCountError && e.message === 'bottom 5 exceeds the number of parameters analysed (3)' &&
    messageWith(e, flag) === '--bottom 5 exceeds the number of parameters analysed (3)');
  // Within the size it runs, and finds the analytic top eigenvalue.
  const r = await analyseHessian(op, { top: 1, bottom: 0, seed: 0 });
  assert.ok(Math.abs(r.top!.values[0]! - 3) < 1e-6, String(r.top!.values[0]));
});
