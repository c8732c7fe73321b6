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

/** Characters per line of the title (14 px) and subtitle (11 px) that fit over a ~500 px plot with its legend. */
const TITLE_CHARS = 60, SUBTITLE_CHARS = 84;

export function titleBlock(o: TitleOptions, notes: string[] = []): Title {
  const lines = [...(o.subtitle === undefined ? [] : Array.isArray(o.subtitle) ? o.subtitle : [o.subtitle]), ...notes].flatMap((l) => wrapLine(l, SUBTITLE_CHARS));
  const text = wrapLine(o.title, TITLE_CHARS);
  const title = text.length === 1 ? text[0]! : text;
  return lines.length ? { text: title, subtitle: lines } : { text: title };
}

/**
 * Splits a line longer than `max` characters, preferring the ' · ' separators between a title's parts, then ':' and
 * spaces inside a long part (direction specs), so that a long title wraps instead of widening the figure.
 */
export function wrapLine(line: string, max: number): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > max) {
    const cut = [' · ', ' ', ':'].map((sep) => ({ sep, at: rest.slice(0, max + sep.length).lastIndexOf(sep) })).find(({ at }) => at > max / 3);
    if (!cut) { out.push(rest.slice(0, max)); rest = rest.slice(max); continue; }
    const keep = cut.sep === ':' ? cut.at + 1 : cut.at; // a spec keeps its ':' at the end of the line
    out.push(rest.slice(0, keep).trimEnd());
    rest = rest.slice(keep + (cut.sep === ':' ? 0 : cut.sep.length)).trimStart();
  }
  if (rest.length > 0 || out.length === 0) out.push(rest);
  return out;
}
