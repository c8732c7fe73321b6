import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { choosePython, crossCheckSkip, DEBIAN_PYTHON, PYTHON_DIR, pythonHas } from './python.js';

test('TERRAIN_PYTHON wins; else Debian\'s interpreter when it has torch; else python3 on PATH', () => {
  const probed: string[] = [];
  const probe = (ok: boolean) => (p: string) => { probed.push(p); return ok; };
  assert.equal(choosePython({ TERRAIN_PYTHON: '/opt/py/bin/python' }, probe(false)), '/opt/py/bin/python');
  assert.deepEqual(probed, [], 'a given interpreter is not probed');
  assert.equal(choosePython({}, probe(true)), DEBIAN_PYTHON);
  assert.equal(choosePython({ TERRAIN_PYTHON: ' ' }, probe(false)), 'python3');
  assert.deepEqual(probed, [DEBIAN_PYTHON, DEBIAN_PYTHON]);
});

test('a missing module skips with one reason naming the interpreter, the module and the fix, said once on stderr', (t) => {
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  t.after(() => { process.stderr.write = write; });
  process.stderr.write = ((s: string) => { lines.push(String(s)); return true; }) as typeof process.stderr.write;
  const first = crossCheckSkip('no_such_module_for_terrain');
  const second = crossCheckSkip('no_such_module_for_terrain');
  process.stderr.write = write;
  assert.match(first ?? '', /cannot import no_such_module_for_terrain: cross-check skipped \(apt-get install python3-no_such_module_for_terrain, or set TERRAIN_PYTHON/);
  assert.equal(second, first);
  assert.equal(lines.length, 1);
  assert.equal(pythonHas('no_such_module_for_terrain'), false);
});

test('the reference scripts are found from the module, not from the working directory', () => {
  assert.ok(existsSync(join(PYTHON_DIR, 'zoo.py')), PYTHON_DIR);
});
