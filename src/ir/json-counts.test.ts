import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonCounts } from './json-counts.js';

/** Reference: walk the parsed value. */
function reference(text: string): { topMembers: number; values: number } {
  const v = JSON.parse(text) as unknown;
  const count = (x: unknown): number => {
    if (Array.isArray(x)) return x.length + x.reduce((n: number, e) => n + count(e), 0);
    if (x && typeof x === 'object') return Object.values(x).reduce((n: number, e) => n + 1 + count(e), 0);
    return 0;
  };
  return { topMembers: v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v).length : Array.isArray(v) ? v.length : 0, values: count(v) };
}

test('members and values are counted without parsing, as the parsed value has them', () => {
  for (const text of [
    '{}', '[]', '{"a":1}', '{"a":[],"b":{}}', '[1,[2,3],{"x":[4]}]',
    '{"w":{"dtype":"F32","shape":[2, 3],"data_offsets":[0,24]},"__metadata__":{"k":"v"}}',
    '{"a,b":"}{][,:\\"", "c" : [ 1 , 2 ] }', ' { "x" : { } , "y" : [ [ ] ] } ',
  ]) assert.deepEqual(jsonCounts(text), reference(text), text);
});

test('a header of 200,000 entries is counted in one quick pass', () => {
  const text = `{${Array.from({ length: 200_000 }, (_, i) => `"t${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`).join(',')}}`;
  const t0 = performance.now();
  const c = jsonCounts(text);
  assert.equal(c.topMembers, 200_000);
  assert.equal(c.values, 1_400_000); // per entry: itself, 3 fields, 1 shape element, 2 offsets
  assert.ok(performance.now() - t0 < 1000, `${performance.now() - t0} ms`);
});
