// Loss curves f(λ) of several directions overlaid, legend naming each direction and its taxonomy type, and an
// optional accuracy panel below sharing the λ axis.

import type { Spec, Mark, Scale } from 'vega';
import type { CurveType } from '../core/classify/index.js';
import { CONFIG, titleBlock, type TitleOptions } from './theme.js';
import { renderSvg } from './render.js';

export interface CurveSeries {
  label: string;
  lambdas: readonly number[];
  loss: readonly number[];
  accuracy?: readonly number[];
  type?: CurveType | string;
  /** --tolerance: per-point standard error of the loss, drawn as ±1 s.e. error bars. */
  stderr?: readonly number[];
  /** --refine: which points were measured (filled dots) and which interpolated (hollow dots). */
  measured?: readonly boolean[];
}

export interface CurvesPlotOptions extends TitleOptions {
  yLabel?: string;
  xLabel?: string;
  accuracyLabel?: string;
  logY?: boolean;
  width?: number;
  height?: number;
}

interface Row { series: string; lambda: number; loss: number | null; accuracy: number | null; lo?: number; hi?: number; node?: string }

const NODE_KINDS = ['measured', 'interpolated'];

/** The Vega spec alone (for the web layer, or to inspect); curvesPlot renders it. */
export function curvesSpec(curves: readonly CurveSeries[], options: CurvesPlotOptions): Spec {
  if (curves.length === 0) throw new Error('curvesPlot: no curves given, expected at least one');
  const width = options.width ?? 480, height = options.height ?? 300;
  const names = seriesNames(curves);
  const rows: Row[] = [];
  let dropped = 0;
  curves.forEach((c, k) => {
    checkLengths(c);
    if (c.stderr && c.stderr.length !== c.lambdas.length) throw new Error(`curvesPlot: curve "${c.label}" has ${c.lambdas.length} lambdas and ${c.stderr.length} standard errors`);
    if (c.measured && c.measured.length !== c.lambdas.length) throw new Error(`curvesPlot: curve "${c.label}" has ${c.lambdas.length} lambdas and ${c.measured.length} measured flags`);
    c.lambdas.forEach((lambda, i) => {
      const loss = usable(c.loss[i]!, options.logY) ? c.loss[i]! : null;
      if (loss === null) dropped++;
      const acc = c.accuracy?.[i];
      const row: Row = { series: names[k]!, lambda, loss, accuracy: acc !== undefined && Number.isFinite(acc) ? acc : null };
      const se = c.stderr?.[i];
      if (loss !== null && se !== undefined && Number.isFinite(se) && se > 0) {
        row.hi = loss + se;
        // On a log axis a bar cannot reach zero: it stops at a tenth of the value.
        row.lo = options.logY ? Math.max(loss - se, loss / 10) : loss - se;
      }
      if (loss !== null && c.measured?.[i] !== undefined) row.node = c.measured[i] ? NODE_KINDS[0]! : NODE_KINDS[1]!;
      rows.push(row);
    });
  });
  const lambdas = rows.map((r) => r.lambda);
  const xDomain = [Math.min(...lambdas), Math.max(...lambdas)];
  const hasAccuracy = curves.some((c) => c.accuracy !== undefined);
  const accuracyHeight = Math.round(height * 0.45), gap = 24;
  const notes = dropped ? [`${dropped} loss values not drawn (${options.logY ? 'non-positive or ' : ''}non-finite)`] : [];
  const bars = rows.some((r) => r.hi !== undefined), nodes = rows.some((r) => r.node === NODE_KINDS[1]);
  if (bars) notes.push('error bars: ±1 standard error of the loss (per-sample, --tolerance)');
  if (nodes) notes.push(`--refine: ${rows.filter((r) => r.node === NODE_KINDS[0]).length} points measured (filled), ${rows.filter((r) => r.node === NODE_KINDS[1]).length} interpolated (hollow)`);

  const lossPanel = panel('loss', 0, height, options.yLabel ?? 'loss', options.logY ? 'log' : 'linear',
    !hasAccuracy ? options.xLabel ?? 'λ' : null, width, xDomain, { bars, nodes });
  const marks: Mark[] = [lossPanel];
  if (hasAccuracy) {
    marks.push(panel('accuracy', height + gap, accuracyHeight, options.accuracyLabel ?? 'accuracy', 'linear',
      options.xLabel ?? 'λ', width, xDomain));
  }
  const spec: Spec = {
    $schema: 'https://vega.github.io/schema/vega/v5.json',
    config: CONFIG,
    padding: 8,
    autosize: 'pad',
    width,
    height: hasAccuracy ? height + gap + accuracyHeight : height,
    title: titleBlock(options, notes),
    data: [
      { name: 'points', values: rows },
      { name: 'errorBars', source: 'points', transform: [{ type: 'filter', expr: 'datum.hi != null' }] },
      { name: 'nodes', source: 'points', transform: [{ type: 'filter', expr: 'datum.node != null' }] },
    ],
    scales: [
      { name: 'x', type: 'linear', domain: xDomain, range: [0, width], zero: false, nice: false },
      { name: 'color', type: 'ordinal', domain: names, range: { scheme: 'tableau10' } },
      ...(nodes ? [{ name: 'nodeFill', type: 'ordinal' as const, domain: NODE_KINDS, range: ['#333', 'white'] }] : []),
    ],
    legends: [
      { stroke: 'color', title: curves.some((c) => c.type) ? 'direction — type' : 'direction', symbolType: 'stroke', orient: 'right' },
      ...(nodes ? [{ fill: 'nodeFill', title: 'grid points', symbolType: 'circle', symbolStrokeColor: '#333', symbolStrokeWidth: 1, orient: 'right' as const }] : []),
    ],
    marks,
  };
  return spec;
}

export async function curvesPlot(curves: readonly CurveSeries[], options: CurvesPlotOptions): Promise<string> {
  return renderSvg(curvesSpec(curves, options));
}

/** One panel: its own y scale, the shared x scale, a dashed rule at λ = 0 (θ), one line per series. */
function panel(field: 'loss' | 'accuracy', top: number, height: number, yLabel: string, yType: 'linear' | 'log',
  xLabel: string | null, width: number, xDomain: number[], extra: { bars?: boolean; nodes?: boolean } = {}): Mark {
  const domain = extra.bars ? { fields: [{ data: 'points', field }, { data: 'errorBars', field: 'lo' }, { data: 'errorBars', field: 'hi' }] } : { data: 'points', field };
  const yScale: Scale = { name: `y_${field}`, type: yType, domain, range: [height, 0], zero: false, nice: true };
  const marks: Mark[] = [];
  if (xDomain[0]! <= 0 && 0 <= xDomain[1]!) {
    marks.push({ type: 'rule', encode: { enter: {
      x: { scale: 'x', value: 0 }, y: { value: 0 }, y2: { value: height }, stroke: { value: '#999' }, strokeDash: { value: [4, 3] },
    } } });
  }
  marks.push({
    type: 'group',
    from: { facet: { name: `${field}_series`, data: 'points', groupby: 'series' } },
    marks: [{
      type: 'line',
      from: { data: `${field}_series` },
      encode: { enter: {
        x: { scale: 'x', field: 'lambda' }, y: { scale: `y_${field}`, field },
        stroke: { scale: 'color', field: 'series' }, strokeWidth: { value: 2 },
        defined: { signal: `datum.${field} != null` },
      } },
    }],
  });
  const y = `y_${field}`;
  if (extra.bars) {
    marks.push({ type: 'rule', name: 'errorBarRules', from: { data: 'errorBars' }, encode: { enter: {
      x: { scale: 'x', field: 'lambda' }, y: { scale: y, field: 'lo' }, y2: { scale: y, field: 'hi' },
      stroke: { scale: 'color', field: 'series' }, strokeWidth: { value: 1 }, strokeOpacity: { value: 0.8 },
    } } });
  }
  if (extra.nodes) {
    marks.push({ type: 'symbol', name: 'nodeDots', from: { data: 'nodes' }, encode: { enter: {
      x: { scale: 'x', field: 'lambda' }, y: { scale: y, field: 'loss' }, size: { value: 28 },
      fill: { scale: 'nodeFill', field: 'node' }, stroke: { scale: 'color', field: 'series' }, strokeWidth: { value: 1.2 },
    } } });
  }
  return {
    type: 'group',
    name: `${field}Panel`,
    encode: { enter: { x: { value: 0 }, y: { value: top }, width: { value: width }, height: { value: height } } },
    scales: [yScale],
    axes: [
      { orient: 'bottom', scale: 'x', title: xLabel ?? undefined, labels: xLabel !== null, ticks: true },
      { orient: 'left', scale: `y_${field}`, title: yLabel, tickCount: Math.max(3, Math.round(height / 40)) },
    ],
    marks,
  };
}

function seriesNames(curves: readonly CurveSeries[]): string[] {
  const seen = new Map<string, number>();
  return curves.map((c) => {
    const base = c.type ? `${c.label} — ${c.type}` : c.label;
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    return k === 1 ? base : `${base} #${k}`;
  });
}

function checkLengths(c: CurveSeries): void {
  if (c.loss.length !== c.lambdas.length) {
    throw new Error(`curvesPlot: curve "${c.label}" has ${c.lambdas.length} lambdas and ${c.loss.length} loss values`);
  }
  if (c.accuracy && c.accuracy.length !== c.lambdas.length) {
    throw new Error(`curvesPlot: curve "${c.label}" has ${c.lambdas.length} lambdas and ${c.accuracy.length} accuracy values`);
  }
}

function usable(v: number, log: boolean | undefined): boolean {
  return Number.isFinite(v) && (!log || v > 0);
}
