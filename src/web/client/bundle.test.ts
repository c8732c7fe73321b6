// The client travels as serialised functions: each client module may export functions only and import only types
// or sibling client modules, or the page would call something that is not there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CLIENT_MODULES, clientFunctions, clientScript } from './bundle.js';

test('client modules hold exported functions only, and import nothing but each other', () => {
  for (const name of Object.keys(CLIENT_MODULES)) {
    const js = readFileSync(new URL(`./${name}.js`, import.meta.url), 'utf8');
    const topLevel = js.split('\n').filter((l) => /^(export\s+)?(async\s+)?(function|const|let|var|class)\b/.test(l));
    for (const line of topLevel) assert.match(line, /^export (async )?function /, `${name}.js: top-level '${line.slice(0, 60)}' would not reach the page; make it an exported function`);
    for (const line of js.split('\n').filter((l) => /^import\b/.test(l))) {
      const from = /from '(.+)'/.exec(line)?.[1];
      assert.ok(from && ['./app.js', './render.js', './source.js'].includes(from), `${name}.js imports '${from}' at run time; the page has only the client functions`);
    }
  }
});

test('every client function is in the script, which is valid JavaScript, and names are unique', () => {
  const fns = clientFunctions();
  const names = fns.map((f) => f.name);
  assert.equal(new Set(names).size, names.length, `duplicate names: ${names.join(', ')}`);
  for (const n of ['boot', 'renderRun', 'renderPanel', 'embeddedSource', 'serverSource', 'showCompare']) assert.ok(names.includes(n), n);
  const script = clientScript('void boot;');
  assert.doesNotThrow(() => new Function(script));
  for (const n of names) assert.match(script, new RegExp(`function ${n}\\(`));
});

test('routes round-trip through the URL hash, ids with slashes and spaces included', async () => {
  const { parseRoute, routeHash } = CLIENT_MODULES.app;
  for (const r of [{ mode: 'overview' }, { mode: 'run', id: 'demo/gaussian seed#1' }, { mode: 'compare', a: 'a/b', b: 'c' }] as const) {
    assert.deepEqual(parseRoute(routeHash(r)), r);
  }
  assert.deepEqual(parseRoute('#/compare/'), { mode: 'compare', a: undefined, b: undefined });
  assert.deepEqual(parseRoute(''), { mode: 'overview' });
});
