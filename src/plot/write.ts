// The plot layer's one side effect: writing a rendered plot as PATH.svg and PATH.png.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { svgToPng, type PngOptions } from './render.js';

/** Writes `${pathWithoutExt}.svg` and `${pathWithoutExt}.png` (creating folders); returns both paths. */
export async function writePlot(pathWithoutExt: string, svg: string, options: PngOptions = {}): Promise<{ svg: string; png: string }> {
  const paths = { svg: `${pathWithoutExt}.svg`, png: `${pathWithoutExt}.png` };
  await mkdir(dirname(paths.svg), { recursive: true });
  await writeFile(paths.svg, svg, 'utf8');
  await writeFile(paths.png, svgToPng(svg, options));
  return paths;
}
