// terrain layers: one figure with a Gaussian curve per block (legend by block and its type) and the table of each
// block's curvature εᵀHε/‖ε‖² and block λ_max (the Hessian restricted to the block), the sharpest block named.
import type { Panel } from '../types.js';
import { cell, tableFigure, withError } from './table.js';
import { axis, baseLayout, figure, finite, isNumberArray, PALETTE, TYPE_COLORS, wantsLog } from './theme.js';

import { isObject as isObj } from './detect.js';

type Obj = Record<string, unknown>;

export interface LayerBlock {
  block: string;
  tensors: number;
  parameters?: number;
  loss?: (number | null)[];
  type?: string;
  curvature?: number;
  lambdaMax?: { value: number; residual?: number; converged?: boolean };
  skipped?: string;
}


/** The blocks of a layers result (kind 'layers', a λ grid and a `blocks` array), else undefined. */
export function layerBlocks(r: Obj): { lambdas: number[]; blocks: LayerBlock[] } | undefined {
  if (r['kind'] !== 'layers' || !isNumberArray(r['lambdas'], 2) || !Array.isArray(r['blocks'])) return undefined;
  const lambdas = r['lambdas'] as number[];
  const blocks: LayerBlock[] = [];
  for (const b of r['blocks']) {
    if (!isObj(b)) return undefined;
    const lm = b['lambdaMax'];
    blocks.push({
      block: String(b['block'] ?? b['label'] ?? `#${blocks.length + 1}`),
      tensors: Array.isArray(b['tensors']) ? b['tensors'].length : 0,
      ...(typeof b['parameters'] === 'number' ? { parameters: b['parameters'] } : {}),
      ...(isNumberArray(b['loss']) && b['loss'].length === lambdas.length ? { loss: b['loss'] } : {}),
      ...(typeof b['type'] === 'string' ? { type: b['type'] } : {}),
      ...(typeof b['curvature'] === 'number' ? { curvature: b['curvature'] } : {}),
      ...(isObj(lm) && typeof lm['value'] === 'number' ? { lambdaMax: { value: lm['value'], residual: typeof lm['residual'] === 'number' ? lm['residual'] : undefined, converged: typeof lm['converged'] === 'boolean' ? lm['converged'] : undefined } } : {}),
      ...(typeof b['skipped'] === 'string' ? { skipped: b['skipped'] } : {}),
    });
  }
  return blocks.length ? { lambdas, blocks } : undefined;
}

/** The block (not '(all)') with the largest λ_max. */
export function sharpestBlock(blocks: readonly LayerBlock[]): LayerBlock | undefined {
  return blocks.filter((b) => b.block !== '(all)' && b.lambdaMax && Number.isFinite(b.lambdaMax.value)).sort((a, b) => b.lambdaMax!.value - a.lambdaMax!.value)[0];
}

export function layersPanels(r: Obj, ctx: { id: string; title: string }): { panels: Panel[]; used: string[] } | undefined {
  const got = layerBlocks(r);
  if (!got) return undefined;
  const { lambdas, blocks } = got;
  const drawn = blocks.filter((b) => b.loss);
  // Colours by block (the legend's subject); the whole model in black, dashed, as the reference.
  const traces = drawn.map((b, k) => ({
    type: 'scatter', mode: 'lines+markers', x: lambdas, y: b.loss!.map(finite), name: b.type ? `${b.block} — ${b.type}` : b.block,
    line: b.block === '(all)' ? { color: '#222', width: 2, dash: 'dash' } : { color: PALETTE[k % PALETTE.length], width: 2 }, marker: { size: 4 },
  }));
  const layout = (y: string, extra: Obj = {}): Obj => baseLayout(`${ctx.title} · per-block curves`, {
    xaxis: axis('λ (direction restricted to the block)'), yaxis: axis(y, extra), showlegend: true, legend: { orientation: 'v', x: 1.02, y: 1, font: { size: 10 } },
  });
  const views: Panel['views'] = [{ label: 'loss', figure: figure(traces, layout('loss')) }];
  if (wantsLog(drawn.flatMap((b) => b.loss!))) views.push({ label: 'log loss', figure: figure(traces, layout('loss (log scale)', { type: 'log' })) });
  const sharp = sharpestBlock(blocks);
  const direction = typeof r['direction'] === 'string' ? r['direction'] : 'the same Gaussian direction';
  const panels: Panel[] = [{ id: `${ctx.id}:layers:curves`, title: `${ctx.title} · per-block curves`, kind: '2d', views, note: `each curve moves only its block along ${direction}, normalised inside the block` }];
  const rows = blocks.map((b) => [
    b.block, cell(b.parameters), cell(b.curvature),
    `${withError(b.lambdaMax?.value, b.lambdaMax?.residual)}${b.lambdaMax?.converged === false ? ' (not converged)' : ''}`, b.skipped ? `skipped: ${b.skipped}` : (b.type ?? '–'),
  ]);
  const withLambda = blocks.filter((b) => b.lambdaMax && b.block !== '(all)');
  const bar = figure([{
    type: 'bar', x: withLambda.map((b) => b.block), y: withLambda.map((b) => finite(b.lambdaMax!.value)), name: 'block λ_max',
    marker: { color: withLambda.map((b) => (b === sharp ? '#e15759' : TYPE_COLORS[b.type ?? ''] ?? PALETTE[0])) },
    error_y: { type: 'data', array: withLambda.map((b) => b.lambdaMax!.residual ?? 0), visible: true },
  }], baseLayout(`${ctx.title} · block λ_max`, { xaxis: axis('block'), yaxis: axis('λ_max of the block (± Lanczos residual)'), showlegend: false }));
  panels.push({
    id: `${ctx.id}:layers:table`, title: `${ctx.title} · block curvature`, kind: '2d',
    views: [
      { label: 'table', figure: tableFigure(`${ctx.title} · block curvature`, ['block', 'parameters', 'εᵀHε/‖ε‖²', 'λ_max ± residual', 'type'], rows, [1.3, 1, 1, 1.6, 1]) },
      ...(withLambda.length ? [{ label: 'λ_max', figure: bar }] : []),
    ],
    note: sharp ? `sharpest block by λ_max: ${sharp.block} (${cell(sharp.lambdaMax!.value)}); a block's λ_max is that of a principal sub-matrix of H, never above (all)'s` : undefined,
  });
  return { panels, used: ['blocks', 'lambdas'] };
}
