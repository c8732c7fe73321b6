// Vega spec → SVG string → PNG bytes. The only file here that touches vega's runtime or resvg.

import * as vega from 'vega';
import { Resvg } from '@resvg/resvg-js';

/** Renders a Vega spec headlessly (no canvas, no DOM) to an SVG string. */
export async function renderSvg(spec: vega.Spec): Promise<string> {
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface PngOptions {
  /** Pixels per SVG unit (2 → a 500-wide SVG becomes 1000 pixels). */
  scale?: number;
  background?: string;
  /** Extra font files (TTF/OTF) for machines without system fonts. */
  fontFiles?: string[];
}

/**
 * Rasterises an SVG with resvg. Text needs a font: system fonts are loaded (Debian: fonts-dejavu-core), and
 * generic 'sans-serif' resolves to DejaVu Sans when it is there.
 */
export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    background: options.background ?? 'white',
    font: {
      loadSystemFonts: true,
      fontFiles: options.fontFiles ?? [],
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
    logLevel: 'off',
  });
  return resvg.render().asPng();
}
