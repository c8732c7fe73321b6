// Marks of a --refine surface on the contour and heatmap plots: interpolated cells greyed and hatched (one diagonal
// per cell, so neighbouring cells join into stripes), measured nodes as dots, and a legend saying which is which.

import type { Data, Legend, Mark, Scale } from 'vega';
import { cellEdges } from './heatmap.js';

/** Per grid point whether it was evaluated (true) or interpolated (false); mask[j][i] at (x[i], y[j]). */
export type Mask = readonly (readonly boolean[])[];

/** Hatching needs cells of a few pixels, dots need few nodes; past that they would only blacken the plot. */
const MIN_HATCH_PX = 4;
const MAX_NODE_DOTS = 2_500;
export const INTERPOLATED_GREY = '#5a5a5a';

export interface MaskLayer {
  data: Data[];
  marks: Mark[];
  scales: Scale[];
  legends: Legend[];
  /** A subtitle line: how many points were measured. */
  note: string;
}

export function checkMask(mask: Mask, nx: number, ny: number, who: string): void {
  if (mask.length !== ny || mask.some((row) => row.length !== nx)) throw new Error(`${who}: measured must be ${ny} rows of ${nx} (one per loss value)`);
}

/**
 * Layers for a masked surface, or undefined when every point was measured. `px` is the plot's size in pixels: cells
 * of 24 px or more get three stripes, smaller ones one, below MIN_HATCH_PX only the grey.
 */
export function maskLayer(x: readonly number[], y: readonly number[], mask: Mask, px: { width: number; height: number }): MaskLayer | undefined {
  const xe = cellEdges(x), ye = cellEdges(y);
  const runs: { x0: number; x1: number; y0: number; y1: number }[] = [];
  const cellPx = Math.min(px.width / x.length, px.height / y.length);
  const hatched = cellPx >= MIN_HATCH_PX;
  // Stripes through each cell at offsets t of its width: they meet those of the neighbouring cells.
  const offsets = cellPx >= 24 ? [0, 1 / 3, 2 / 3] : [0];
  const cells: { x0: number; x1: number; y0: number; y1: number }[] = [];
  const nodes: { x: number; y: number }[] = [];
  let interpolated = 0;
  mask.forEach((row, j) => {
    let start = -1;
    for (let i = 0; i <= row.length; i++) {
      const off = i < row.length && row[i] === false;
      if (off) {
        interpolated++;
        const [x0, x1, y0, y1] = [xe[i]!, xe[i + 1]!, ye[j]!, ye[j + 1]!];
        const w = x1 - x0, h = y1 - y0;
        if (hatched) {
          for (const t of offsets) {
            cells.push({ x0: x0 + t * w, x1, y0, y1: y1 - t * h });
            if (t > 0) cells.push({ x0, x1: x1 - t * w, y0: y0 + t * h, y1 });
          }
        }
        if (start < 0) start = i;
      } else {
        if (start >= 0) runs.push({ x0: xe[start]!, x1: xe[i]!, y0: ye[j]!, y1: ye[j + 1]! }); // one rect per row run
        start = -1;
        if (i < row.length) nodes.push({ x: x[i]!, y: y[j]! });
      }
    }
  });
  if (interpolated === 0) return undefined;
  const dots = nodes.length <= MAX_NODE_DOTS;
  const pos = { x: { scale: 'x', field: 'x0' }, x2: { scale: 'x', field: 'x1' }, y: { scale: 'y', field: 'y0' }, y2: { scale: 'y', field: 'y1' } };
  const marks: Mark[] = [
    { type: 'rect', name: 'interpolatedGrey', from: { data: 'interpolatedRuns' }, encode: { enter: { ...pos, fill: { value: INTERPOLATED_GREY }, fillOpacity: { value: 0.45 } } } },
  ];
  if (hatched) {
    marks.push({ type: 'rule', name: 'interpolatedHatch', from: { data: 'hatchCells' }, encode: { enter: { ...pos, stroke: { value: '#222' }, strokeOpacity: { value: 0.5 }, strokeWidth: { value: 0.6 } } } });
  }
  if (dots) {
    marks.push({ type: 'symbol', name: 'measuredNodes', from: { data: 'nodePoints' }, encode: { enter: { x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'y' }, size: { value: 16 }, fill: { value: '#111' }, stroke: { value: 'white' }, strokeWidth: { value: 0.6 } } } });
  }
  const labels = [`interpolated (${interpolated})${hatched ? '' : ', greyed'}`, `measured (${nodes.length})${dots ? '' : ', not greyed'}`];
  return {
    data: [{ name: 'interpolatedRuns', values: runs }, { name: 'hatchCells', values: hatched ? cells : [] }, { name: 'nodePoints', values: dots ? nodes : [] }],
    marks,
    scales: [
      { name: 'refineMask', type: 'ordinal', domain: labels, range: [INTERPOLATED_GREY, '#111'] },
      { name: 'refineShape', type: 'ordinal', domain: labels, range: ['square', 'circle'] },
    ],
    legends: [{ fill: 'refineMask', shape: 'refineShape', title: 'grid points', orient: 'right', symbolOpacity: 0.8 }],
    note: `--refine: ${nodes.length} of ${nodes.length + interpolated} points measured, the rest interpolated (greyed${hatched ? ', hatched' : ''})`,
  };
}
