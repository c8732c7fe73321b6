import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { svgToPng } from './render.js';
import { writePlot } from './write.js';
import { decodePng, inkFraction, assertWellFormedXml, systemFontsPresent } from '../testing/plot.js';

const pixel = (img: ReturnType<typeof decodePng>, x: number, y: number) => [...img.rgba.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 3)];

test('svgToPng: size scales, a red rectangle lands where the SVG puts it, background is white', () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect x="10" y="5" width="10" height="5" fill="#ff0000"/></svg>';
  const img = decodePng(svgToPng(svg, { scale: 2 }));
  assert.deepEqual([img.width, img.height], [80, 40]);
  assert.deepEqual(pixel(img, 30, 15), [255, 0, 0]); // inside (10..20, 5..10) · 2
  assert.deepEqual(pixel(img, 4, 4), [255, 255, 255]);
  assert.deepEqual(pixel(img, 50, 30), [255, 255, 255]);
});

test('the PNG decoder refuses a corrupted chunk', () => {
  const png = Buffer.from(svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'));
  png[20] = png[20]! ^ 0xff; // inside IHDR's data
  assert.throws(() => decodePng(png), /CRC mismatch in chunk IHDR/);
});

test('text is drawn (a system font is found)', (t) => {
  if (!systemFontsPresent()) {
    t.skip('no system fonts: apt-get install fonts-dejavu-core');
    return;
  }
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><text x="5" y="30" font-family="sans-serif" font-size="28">Mλ</text></svg>';
  assert.ok(inkFraction(decodePng(svgToPng(svg))) > 0.03);
});

test('writePlot writes PATH.svg and PATH.png', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-plot-'));
  try {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle cx="5" cy="5" r="4" fill="black"/></svg>';
    const paths = await writePlot(join(dir, 'sub', 'dot'), svg, { scale: 1 });
    assert.equal(readFileSync(paths.svg, 'utf8'), svg);
    const img = decodePng(readFileSync(paths.png));
    assert.deepEqual([img.width, img.height], [10, 10]);
    assert.ok(inkFraction(img) > 0.3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the XML check catches what it should', () => {
  assertWellFormedXml('<svg a="1"><g><path d="M0,0"/></g><text>x &amp; y</text></svg>');
  assert.throws(() => assertWellFormedXml('<svg><g></svg>'), /closes <g>/);
  assert.throws(() => assertWellFormedXml('<svg><g>'), /unclosed/);
  assert.throws(() => assertWellFormedXml('<svg><text>a < b</text></svg>'), /stray/);
});

test('long titles wrap at their separators instead of widening the figure', async () => {
  const { wrapLine, titleBlock } = await import('./theme.js');
  const title = 'x: mined:fmnist-wd01-w-peak-pilot2/seed-0:norm=none:bias-bn=keep:scale=1 · y: gaussian:norm=filter:seed=1:bias-bn=zero:scale=0.2';
  const lines = wrapLine(title, 72);
  assert.ok(lines.length === 2 && lines.every((l) => l.length <= 72), JSON.stringify(lines));
  assert.equal(lines.join(' ').replace(/ · /g, ' ').replace(/\s+/g, ''), title.replace(/ · /g, ' ').replace(/\s+/g, ''));
  assert.deepEqual(lines, ['x: mined:fmnist-wd01-w-peak-pilot2/seed-0:norm=none:bias-bn=keep:scale=1', 'y: gaussian:norm=filter:seed=1:bias-bn=zero:scale=0.2']);
  for (const l of wrapLine(title, 40)) assert.ok(l.length <= 40 && !l.startsWith(' '), l);
  assert.deepEqual(wrapLine('short', 72), ['short']);
  assert.deepEqual(wrapLine('a'.repeat(150), 72).map((l) => l.length), [72, 72, 6]);
  assert.equal(titleBlock({ title: 'short' }).text, 'short');
});
