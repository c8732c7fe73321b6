// The kind table: every row is reachable by parsing, prints back to itself, and shows in the syntax and help lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDirectionSpec, parseDirectionSpec } from '../spec.js';
import { COMMON_OPTIONS } from '../scaling.js';
import { DIRECTION_KIND_TABLE, DIRECTION_KINDS, DIRECTION_SYNTAX, directionHelp, directionKind } from './index.js';

const example = (kind: string, form: string): string => (form === 'none' ? kind : form === 'first' ? `${kind}:2` : `${kind}:some/where:x`);

test('each row parses to its own kind, and its canonical text parses back to the same spec', () => {
  assert.deepEqual([...DIRECTION_KINDS], DIRECTION_KIND_TABLE.map((d) => d.kind));
  assert.equal(new Set(DIRECTION_KINDS).size, DIRECTION_KINDS.length, 'kind names are unique');
  for (const d of DIRECTION_KIND_TABLE) {
    const spec = parseDirectionSpec(example(d.kind, d.arg.form));
    assert.equal(spec.kind, d.kind);
    assert.equal(directionKind(d.kind), d);
    const text = formatDirectionSpec(spec);
    assert.ok(text.startsWith(`${d.kind}:`), text);
    assert.deepEqual(parseDirectionSpec(text), spec, text);
    // Every kind takes the shared scaling options, and its default scaling is the one its row states.
    for (const o of COMMON_OPTIONS) assert.ok(d.options.includes(o), `${d.kind} takes ${o}`);
    assert.equal(spec.norm, d.likeTheta ? 'filter' : 'none', d.kind);
  }
  assert.equal(directionKind('nope'), undefined);
  assert.equal(directionKind('__proto__'), undefined);
});

test('a missing argument is refused with the row\'s own words; the syntax and help lines name every kind', () => {
  for (const d of DIRECTION_KIND_TABLE) {
    if (d.arg.form === 'none') continue;
    assert.throws(() => parseDirectionSpec(d.kind), (e: Error) => e.message === `direction spec '${d.kind}': ${(d.arg as { missing: string }).missing}`);
  }
  for (const d of DIRECTION_KIND_TABLE) {
    assert.ok(DIRECTION_SYNTAX.includes(d.syntax), d.kind);
    assert.ok(directionHelp().includes(`${d.kind}`), d.kind);
  }
  // The states forms are exactly the kinds that accept type=.
  for (const d of DIRECTION_KIND_TABLE) assert.equal(d.options.includes('type'), d.statesRaw !== undefined, d.kind);
});
