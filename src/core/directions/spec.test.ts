import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDirectionSpec, parseDirectionSpec, type DirectionSpec } from './spec.js';

test('gaussian: defaults filled in, options in any order', () => {
  assert.deepEqual(parseDirectionSpec('gaussian'), { kind: 'gaussian', seed: 0, norm: 'filter', biasBn: 'zero', scale: 1 });
  assert.deepEqual(parseDirectionSpec('gaussian:scale=0.5:bias-bn=norm:seed=12:norm=layer'),
    { kind: 'gaussian', seed: 12, norm: 'layer', biasBn: 'norm', scale: 0.5 });
  assert.equal(formatDirectionSpec(parseDirectionSpec('gaussian:seed=3')), 'gaussian:norm=filter:seed=3:bias-bn=zero:scale=1');
});

test('every kind parses, and the canonical text parses back to the same spec', () => {
  const cases: [string, DirectionSpec][] = [
    ['gradient:norm=none', { kind: 'gradient', norm: 'none', biasBn: 'zero', scale: 1 }],
    ['to:runs/a/init.safetensors', { kind: 'to', path: 'runs/a/init.safetensors', norm: 'none', biasBn: 'keep', scale: 1 }],
    ['file:C:\\dirs\\x.safetensors:scale=-2', { kind: 'file', path: 'C:\\dirs\\x.safetensors', norm: 'none', biasBn: 'keep', scale: -2 }],
    ['pca:runs/train', { kind: 'pca', dir: 'runs/train', k: 1, norm: 'none', biasBn: 'keep', scale: 1 }],
    ['pca:runs/train:k=2', { kind: 'pca', dir: 'runs/train', k: 2, norm: 'none', biasBn: 'keep', scale: 1 }],
    ['eigen:3', { kind: 'eigen', k: 3, norm: 'none', biasBn: 'keep', scale: 1 }],
    ['eigen:1:norm=filter:bias-bn=zero', { kind: 'eigen', k: 1, norm: 'filter', biasBn: 'zero', scale: 1 }],
    ['mined:runs/m/dir.safetensors', { kind: 'mined', path: 'runs/m/dir.safetensors', norm: 'none', biasBn: 'keep', scale: 1 }],
    ['  gaussian:seed=4294967295  ', { kind: 'gaussian', seed: 4294967295, norm: 'filter', biasBn: 'zero', scale: 1 }],
  ];
  for (const [text, expected] of cases) {
    const spec = parseDirectionSpec(text);
    assert.deepEqual(spec, expected, text);
    assert.deepEqual(parseDirectionSpec(formatDirectionSpec(spec)), spec, `round trip of ${text}`);
  }
  assert.equal(formatDirectionSpec(parseDirectionSpec('pca:d:k=2')), 'pca:d:k=2:norm=none:bias-bn=keep:scale=1');
});

test('errors name the bad part and list the valid choices', () => {
  const bad: [string, RegExp][] = [
    ['', /empty; expected one of: gaussian/],
    ['gausian', /unknown kind 'gausian'; valid kinds: gaussian, gradient, to, file, pca, eigen, mined/],
    ['gaussian:norm=filters', /norm='filters' is not valid; choices: filter, layer, norm, none, weight, dfilter, dlayer/],
    ['gaussian:bias-bn=ignore', /bias-bn='ignore' is not valid; choices: zero, keep, norm, copy/],
    ['gaussian:type=state', /type='state' is not valid; choices: weights, states/],
    ['gradient:type=states', /unknown option 'type' for 'gradient'/],
    ['pca:runs:type=states', /unknown option 'type' for 'pca'/],
    ['gaussian:seed=-1', /seed='-1' is not an integer in 0\.\.4294967295/],
    ['gaussian:seed=1.5', /seed='1\.5'/],
    ['gaussian:seed=4294967296', /seed='4294967296'/],
    ['gaussian:scale=abc', /scale='abc' is not a nonzero finite number/],
    ['gaussian:scale=0', /scale='0'/],
    ['gaussian:scale=', /scale=''/],
    ['gaussian:sed=3', /unknown option 'sed' for 'gaussian'; valid options: norm, seed, bias-bn, scale, type/],
    ['gaussian:seed=1:seed=2', /option 'seed' given twice/],
    ['gaussian:filter', /option 'filter' is not key=value; options for 'gaussian': norm, seed, bias-bn, scale, type/],
    ['gradient:seed=1', /unknown option 'seed' for 'gradient'; valid options: norm, bias-bn, scale/],
    ['to:', /'to' needs a file path: to:PATH/],
    ['to:scale=2', /'to' needs a file path/],
    ['to:a.safetensors:scal=2', /unknown option 'scal' for 'to'/],
    ['pca:', /'pca' needs a training directory: pca:DIR/],
    ['pca:runs:k=3', /k='3' is not a principal component index; valid: 1, 2/],
    ['eigen', /'eigen' needs the eigenvector index: eigen:K/],
    ['eigen:0', /eigen index '0' is not a positive integer/],
    ['eigen:top', /eigen index 'top'/],
  ];
  for (const [text, re] of bad) {
    assert.throws(() => parseDirectionSpec(text), (e: Error) => {
      assert.match(e.message, re, `message for '${text}'`);
      assert.ok(e.message.startsWith(`direction spec '${text}'`), e.message);
      return true;
    });
  }
});

test('loss-landscape options: weight, dfilter, dlayer, bias-bn=copy and type=states parse and print back', () => {
  const cases: [string, DirectionSpec, string][] = [
    ['gaussian:norm=weight:bias-bn=copy', { kind: 'gaussian', seed: 0, norm: 'weight', biasBn: 'copy', scale: 1 }, 'gaussian:norm=weight:seed=0:bias-bn=copy:scale=1'],
    ['gaussian:norm=dfilter:type=states', { kind: 'gaussian', seed: 0, norm: 'dfilter', biasBn: 'zero', scale: 1, dirType: 'states' }, 'gaussian:norm=dfilter:seed=0:bias-bn=zero:scale=1:type=states'],
    ['gaussian:norm=dlayer:type=weights', { kind: 'gaussian', seed: 0, norm: 'dlayer', biasBn: 'zero', scale: 1 }, 'gaussian:norm=dlayer:seed=0:bias-bn=zero:scale=1'],
    ['to:a/b.safetensors:type=states', { kind: 'to', path: 'a/b.safetensors', norm: 'none', biasBn: 'keep', scale: 1, dirType: 'states' }, 'to:a/b.safetensors:norm=none:bias-bn=keep:scale=1:type=states'],
    ['file:x:y.safetensors:type=states', { kind: 'file', path: 'x:y.safetensors', norm: 'none', biasBn: 'keep', scale: 1, dirType: 'states' }, 'file:x:y.safetensors:norm=none:bias-bn=keep:scale=1:type=states'],
  ];
  for (const [text, expected, canonical] of cases) {
    const spec = parseDirectionSpec(text);
    assert.deepEqual(spec, expected, text);
    assert.equal(formatDirectionSpec(spec), canonical);
    assert.deepEqual(parseDirectionSpec(canonical), spec, `round trip of ${text}`);
  }
});
