import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from './errors.js';
import { FASHION_MNIST_DIR } from './mnist.js';
import { formatDataSpec, parseDataSpec } from './spec.js';

test('every spec form parses and formats back', () => {
  const cases: [string, object][] = [
    ['digits', { kind: 'digits' }],
    ['fashion-mnist:/d', { kind: 'fashion-mnist', dir: '/d' }],
    ['mnist:/m', { kind: 'mnist', dir: '/m' }],
    ['cifar10:/c', { kind: 'cifar10', dir: '/c' }],
    ['cifar100:/c', { kind: 'cifar100', dir: '/c', labels: 'fine' }],
    ['cifar100:/c:coarse', { kind: 'cifar100', dir: '/c', labels: 'coarse' }],
    ['npy:a.npy,b.npy', { kind: 'npy', x: 'a.npy', y: 'b.npy' }],
    ['npz:d.npz', { kind: 'npz', file: 'd.npz' }],
  ];
  for (const [text, spec] of cases) {
    assert.deepEqual(parseDataSpec(text), spec);
    assert.equal(formatDataSpec(parseDataSpec(text)), text);
  }
  assert.deepEqual(parseDataSpec('fashion-mnist'), { kind: 'fashion-mnist', dir: FASHION_MNIST_DIR });
  assert.deepEqual(parseDataSpec('cifar100:/c:fine'), { kind: 'cifar100', dir: '/c', labels: 'fine' });
});

test('malformed specs are DataErrors that show the expected form', () => {
  const bad: [string, RegExp][] = [
    ['mnist', /mnist needs DIR, e\.g\. mnist:DIR/],
    ['cifar10:', /cifar10 needs DIR/],
    ['npy:x.npy', /npy needs two files separated by a comma/],
    ['digits:/x', /digits is bundled and takes no argument/],
    ['imagenet:/x', /unknown data 'imagenet:\/x': expected digits, fashion-mnist\[:DIR\]/],
  ];
  for (const [text, pattern] of bad) assert.throws(() => parseDataSpec(text), (e: unknown) => e instanceof DataError && pattern.test(e.message), text);
});
