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
}

export interface CurvesPlotOptions extends TitleOptions {
  yLabel?: string;
  xLabel?: string;
  accuracyLabel?: string;
  logY?: boolean;
  width?: number;
  height?: number;
}

interface Row { series: string; lambda: number; loss: number | null; accuracy: number | null }

/** The Vega spec alone (for the web layer, or to inspect); curvesPlot renders it. */
export function curvesSpec(curves: readonly CurveSeries[], options: CurvesPlotOptions): Spec {
  if (curves.length === 0) throw new Error('curvesPlot: no curves given, expected at least one');
  const width = options.width ?? 480, height = options.height ?? 300;
  const names = seriesNames(curves);
  const rows: Row[] = [];
  let dropped = 0;
  curves.forEach((c, k) => {
    checkLengths(c);
    c.lambdas.forEach((lambda, i) => {
      const loss = usable(c.loss[i]!, options.logY) ? c.loss[i]! : null;
      if (loss === null) dropped++;
      const acc = c.accuracy?.[i];
      rows.push({ series: names[k]!, lambda, loss, accuracy: acc !== undefined && Number.isFinite(acc) ? acc : null });
    });
  });
  const lambdas = rows.map((r) => r.lambda);
  const xDomain = [Math.min(...lambdas), Math.max(...lambdas)];
  const hasAccuracy = curves.some((c) => c.accuracy !== undefined);
  const accuracyHeight = Math.round(height * 0.45), gap = 24;
  const notes = dropped ? [`${dropped} loss values not drawn (${options.logY ? 'non-positive or ' : ''}non-finite)`] : [];

  const lossPanel = panel('loss', 0, height, options.yLabel ?? 'loss', options.logY ? 'log' : 'linear',
    !hasAccuracy ? options.xLabel ?? 'λ' : null, width, xDomain);
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
    data: [{ name: 'points', values: rows }],
    scales: [
      { name: 'x', type: 'linear', domain: xDomain, range: [0, width], zero: false, nice: false },
      { name: 'color', type: 'ordinal', domain: names, range: { scheme: 'tableau10' } },
    ],
    legends: [{ stroke: 'color', title: curves.some((c) => c.type) ? 'direction — type' : 'direction', symbolType: 'stroke', orient: 'right' }],
    marks,
  };
  return spec;
}

export async function curvesPlot(curves: readonly CurveSeries[], options: CurvesPlotOptions): Promise<string> {
  return renderSvg(curvesSpec(curves, options));
}

/** One panel: its own y scale, the shared x scale, a dashed rule at λ = 0 (θ), one line per series. */
function panel(field: 'loss' | 'accuracy', top: number, height: number, yLabel: string, yType: 'linear' | 'log',
  xLabel: string | null, width: number, xDomain: number[]): Mark {
  const yScale: Scale = { name: `y_${field}`, type: yType, domain: { data: 'points', field }, range: [height, 0], zero: false, nice: true };
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
