import { test } from 'node:test';
import assert from 'node:assert/strict';
import { option, worded } from '../ir/errors.js';
import { stderrLine } from './output.js';

test('stderrLine prints core notices with their option mentions as this CLI\'s flags', () => {
  const write = process.stderr.write.bind(process.stderr);
  let text = '';
  process.stderr.write = ((chunk: string) => { text += chunk; return true; }) as typeof process.stderr.write;
  try {
    stderrLine(worded`eigen:2: computing …; pass ${option('hessian', 'DIR')} to reuse a terrain hessian run`);
    stderrLine('plain text');
  } finally {
    process.stderr.write = write;
  }
  assert.equal(text, 'eigen:2: computing …; pass --hessian DIR to reuse a terrain hessian run\nplain text\n');
});
