// Helpers for the plot tests: a small PNG decoder (so a test checks the bytes, not resvg's own view of them),
// an XML well-formedness check, and access to a rendered Vega view's data and mark items.

import { inflateSync } from 'node:zlib';
import { existsSync, readdirSync } from 'node:fs';
import * as vega from 'vega';

export interface DecodedPng { width: number; height: number; rgba: Uint8Array }

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Decodes an 8-bit RGB or RGBA, non-interlaced PNG, checking every chunk's CRC. */
export function decodePng(png: Uint8Array): DecodedPng {
  SIGNATURE.forEach((b, i) => { if (png[i] !== b) throw new Error(`PNG: bad signature byte ${i}`); });
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let offset = 8, width = 0, height = 0, channels = 0;
  const idat: Uint8Array[] = [];
  while (offset < png.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...png.subarray(offset + 4, offset + 8));
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (crc32(png.subarray(offset + 4, offset + 8 + length)) !== view.getUint32(offset + 8 + length)) {
      throw new Error(`PNG: CRC mismatch in chunk ${type}`);
    }
    if (type === 'IHDR') {
      width = view.getUint32(offset + 8); height = view.getUint32(offset + 12);
      const [depth, colour, , , interlace] = body.subarray(8, 13);
      if (depth !== 8 || (colour !== 6 && colour !== 2) || interlace !== 0) {
        throw new Error(`PNG: only 8-bit RGB/RGBA non-interlaced, got depth ${depth} colour ${colour} interlace ${interlace}`);
      }
      channels = colour === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      if (predictor === undefined) throw new Error(`PNG: unknown filter ${filter} on row ${y}`);
      pixels[y * stride + x] = (line[x]! + predictor) & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let k = 0; k < 3; k++) rgba[p * 4 + k] = pixels[p * channels + k]!;
    rgba[p * 4 + 3] = channels === 4 ? pixels[p * channels + 3]! : 255;
  }
  return { width, height, rgba };
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Fraction of pixels farther than `tolerance` (per channel) from the background colour. */
export function inkFraction(img: DecodedPng, background: [number, number, number] = [255, 255, 255], tolerance = 8): number {
  let ink = 0;
  for (let p = 0; p < img.width * img.height; p++) {
    if ([0, 1, 2].some((k) => Math.abs(img.rgba[p * 4 + k]! - background[k]!) > tolerance)) ink++;
  }
  return ink / (img.width * img.height);
}

/** Throws unless every tag is closed in order (a well-formedness check, not a validating parser). */
export function assertWellFormedXml(xml: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
  let last = 0;
  for (const m of xml.matchAll(tag)) {
    if (/[<>]/.test(xml.slice(last, m.index))) throw new Error(`XML: stray < or > near offset ${last}`);
    last = m.index + m[0].length;
    const [, closing, name, , selfClosing] = m;
    if (selfClosing) continue;
    if (!closing) { stack.push(name!); continue; }
    const open = stack.pop();
    if (open !== name) throw new Error(`XML: </${name}> closes <${open ?? 'nothing'}> at offset ${m.index}`);
  }
  if (/[<>]/.test(xml.slice(last))) throw new Error('XML: stray < or > at the end');
  if (stack.length) throw new Error(`XML: unclosed <${stack.join('>, <')}>`);
}

/** Text contents of every <text> element, entities decoded. */
export function svgTexts(svg: string): string[] {
  // A wrapped title is one <text> of <tspan> lines: each line counts as a text.
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>|<tspan[^>]*>([^<]*)<\/tspan>/g)].map((m) => (m[1] ?? m[2])!
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&'));
}

/** Runs a spec headlessly and returns the view (the caller finalizes it). */
export async function runSpec(spec: vega.Spec): Promise<vega.View> {
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  await view.runAsync();
  return view;
}

interface SceneItem { items?: SceneItem[]; name?: string; marktype?: string; [k: string]: unknown }

/** Items of the mark called `name`, anywhere in the scenegraph. */
export function markItems(view: vega.View, name: string): SceneItem[] {
  const found: SceneItem[] = [];
  const walk = (node: SceneItem): void => {
    if (node.marktype && node.name === name) found.push(...(node.items ?? []));
    for (const child of node.items ?? []) walk(child);
  };
  walk((view.scenegraph() as unknown as { root: SceneItem }).root);
  return found;
}

/** Whether any system font is installed (resvg draws no text without one). */
export function systemFontsPresent(): boolean {
  const walk = (dir: string): boolean => {
    if (!existsSync(dir)) return false;
    return readdirSync(dir, { withFileTypes: true }).some((e) =>
      e.isDirectory() ? walk(`${dir}/${e.name}`) : /\.(ttf|otf|ttc)$/i.test(e.name));
  };
  return ['/usr/share/fonts', '/usr/local/share/fonts'].some(walk);
}

/** Saves a plot under test-artifacts/plots/ (git-ignored) so a person can look at what the tests drew. */
export async function saveArtifact(name: string, svg: string): Promise<string> {
  const { writePlot } = await import('../plot/write.js');
  const { fileURLToPath } = await import('node:url');
  const root = fileURLToPath(new URL('../../test-artifacts/plots/', import.meta.url));
  return (await writePlot(root + name, svg)).png;
}
