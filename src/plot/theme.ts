// Look shared by every plot: fonts resvg can find, sizes, colour schemes, title block.

import type { Config, Title } from 'vega';

/** First installed family wins in resvg; DejaVu ships in Debian's fonts-dejavu-core. */
export const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

export const CONFIG: Config = {
  background: 'white',
  title: { font: FONT, fontSize: 14, subtitleFont: FONT, subtitleFontSize: 11, subtitleColor: '#555', anchor: 'start', offset: 10 },
  axis: { labelFont: FONT, titleFont: FONT, labelFontSize: 11, titleFontSize: 12, grid: false },
  legend: { labelFont: FONT, titleFont: FONT, labelFontSize: 11, titleFontSize: 11, labelLimit: 320 },
  text: { font: FONT },
};

/** Sequential colour scheme for loss values: low loss dark, high loss bright. */
export const LOSS_SCHEME = 'viridis';

export interface TitleOptions {
  /** Main title: the caller names model, data, direction and BN mode here. */
  title: string;
  subtitle?: string | string[];
}

export function titleBlock(o: TitleOptions, notes: string[] = []): Title {
  const lines = [...(o.subtitle === undefined ? [] : Array.isArray(o.subtitle) ? o.subtitle : [o.subtitle]), ...notes];
  return lines.length ? { text: o.title, subtitle: lines } : { text: o.title };
}
