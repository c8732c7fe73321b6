import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CURVE_TYPES } from '../../core/classify/index.js';
import { TYPE_COLORS } from './theme.js';

test('every curve type of the taxonomy has its own badge and figure colour', () => {
  const colours = CURVE_TYPES.map((t) => TYPE_COLORS[t]);
  for (const [k, c] of colours.entries()) assert.match(c ?? '', /^#[0-9a-f]{6}$/, CURVE_TYPES[k]);
  assert.equal(new Set(colours).size, CURVE_TYPES.length, 'two curve types share a colour');
});
