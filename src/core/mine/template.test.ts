import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTemplate, parseTemplate, templateObjective, templateType } from './template.js';

test('templates parse from an object or from pairs, sorted by λ', () => {
  const a = parseTemplate('{"1": 1, "-1": 1, "0": 0.6, "-0.5": 0, "0.5": 0}');
  assert.deepEqual(a.lambdas, [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(a.values, [1, 0, 0.6, 0, 1]);
  const b = parseTemplate('[[0, 0.6], [-1, 1], [1, 1], [0.5, 0], [-0.5, 0]]');
  assert.deepEqual(b, a);
});

test('bad templates are refused with the entry at fault', () => {
  assert.throws(() => parseTemplate('{"a": 1, "0": 2, "1": 3}', 'T'), /T: λ 'a' is not a finite number/);
  assert.throws(() => parseTemplate('{"0": 1, "1": "x", "2": 3}', 'T'), /value at λ=1 is "x"/);
  assert.throws(() => parseTemplate('[[0, 1], [0, 2], [1, 3]]', 'T'), /λ=0 is given twice/);
  assert.throws(() => parseTemplate('{"0": 1, "1": 2}', 'T'), /2 point\(s\); a shape needs at least 3/);
  assert.throws(() => parseTemplate('{"1": 1, "2": 0, "3": 1}', 'T'), /does not contain θ/);
  assert.throws(() => parseTemplate('{"-1": 1, "0": 1, "1": 1}', 'T'), /all values are equal/);
  assert.throws(() => parseTemplate('{"-1": 1,', 'T'), /not valid JSON/);
  assert.throws(() => parseTemplate('[[0, 1, 2]]', 'T'), /entry 0 is \[0,1,2\]/);
});

test('the target type is the taxonomy type of the template’s own curve', () => {
  assert.equal(templateType(parseTemplate('{"-1": 1, "-0.5": 0, "0": 0.6, "0.5": 0, "1": 1}')), 'w-peak');
  assert.equal(templateType(parseTemplate('{"-1": 1, "0": 0, "1": 1}')), 'v-basin');
  const o = templateObjective(parseTemplate('{"-2": 1, "-1": 0, "-0.5": 0.5, "0": 0, "0.5": 0.5, "1": 0, "2": 1}'));
  assert.equal(o.target, 'vvv-basin');
  assert.deepEqual(o.judgeInterval, [-2, 2]);
  assert.ok(o.evaluate([5, 3, 4, 3, 4, 3, 5]).value < 1e-12);
});

test('loadTemplate names the file in its errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-template-'));
  const p = join(dir, 'bad.json');
  writeFileSync(p, '{"0": 1}');
  assert.throws(() => loadTemplate(p), new RegExp(`template ${p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: 1 point`));
  assert.throws(() => loadTemplate(join(dir, 'missing.json')), /cannot read the file \(ENOENT\)/);
  writeFileSync(p, '{"-1": 1, "0": 0, "1": 1}');
  assert.equal(loadTemplate(p).shape, `template:${p}`);
});
