// The sharpness table as plain data: one flat row per model (value and error side by side), its CSV text, and
// whether the measures order the models the same way. Non-finite numbers are written as empty CSV cells.
import type { SharpnessMeasures } from './measures.js';

export interface SharpnessRow {
  model: string;
  path: string;
  /** Training epoch for a checkpoint of a training directory (NaN otherwise). */
  epoch: number;
  measures: SharpnessMeasures;
}

/** Columns: [header, value of a row]. The error of each measure follows it. */
export const SHARPNESS_COLUMNS: readonly [string, (r: SharpnessRow) => number | string][] = [
  ['model', (r) => r.model],
  ['path', (r) => r.path],
  ['epoch', (r) => r.epoch],
  ['loss', (r) => r.measures.loss],
  ['parameters', (r) => r.measures.parameters],
  ['lambda_max', (r) => r.measures.lambdaMax.value],
  ['lambda_max_residual', (r) => r.measures.lambdaMax.residual],
  ['trace_over_p', (r) => r.measures.traceOverP.mean],
  ['trace_over_p_stderr', (r) => r.measures.traceOverP.stderr],
  ['epsilon_sharpness', (r) => r.measures.epsilonSharpness.increase],
  ['epsilon_sharpness_keskar', (r) => r.measures.epsilonSharpness.keskar],
  ['loss_increase', (r) => r.measures.lossIncrease.mean],
  ['loss_increase_stderr', (r) => r.measures.lossIncrease.stderr],
  ['basin_width', (r) => r.measures.basinWidth.mean],
  ['basin_width_stderr', (r) => r.measures.basinWidth.stderr],
  ['basin_censored_sides', (r) => r.measures.basinWidth.censored],
];

export function sharpnessCsv(rows: readonly SharpnessRow[]): string {
  const cell = (v: number | string): string => {
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
    return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  };
  return [SHARPNESS_COLUMNS.map(([h]) => h).join(','), ...rows.map((r) => SHARPNESS_COLUMNS.map(([, f]) => cell(f(r))).join(','))].join('\n') + '\n';
}

/** One flat record per model, measures first and their errors after (what a generic table or chart reads). */
export function summaryRows(rows: readonly SharpnessRow[]): Record<string, string | number | null>[] {
  const n = (v: number): number | null => (Number.isFinite(v) ? v : null);
  return rows.map((r) => {
    const m = r.measures;
    return {
      model: r.model, epoch: n(r.epoch), loss: m.loss, lambdaMax: m.lambdaMax.value, traceOverP: m.traceOverP.mean, epsilonSharpness: m.epsilonSharpness.increase,
      lossIncrease: m.lossIncrease.mean, basinWidth: m.basinWidth.mean, lambdaMaxResidual: m.lambdaMax.residual, traceOverPStderr: n(m.traceOverP.stderr),
      lossIncreaseStderr: n(m.lossIncrease.stderr), basinWidthStderr: n(m.basinWidth.stderr),
    };
  });
}

/** The measures where larger means sharper (basin width: larger means flatter, so it is negated). */
export const SHARPER_IS_LARGER: readonly [string, (m: SharpnessMeasures) => number][] = [
  ['λ_max', (m) => m.lambdaMax.value],
  ['tr(H)/P', (m) => m.traceOverP.mean],
  ['ε-sharpness', (m) => m.epsilonSharpness.increase],
  ['loss increase', (m) => m.lossIncrease.mean],
  ['basin width (narrower = sharper)', (m) => -m.basinWidth.mean],
];

/** For each measure, the models from flattest to sharpest; `agree` when every measure gives the same order. */
export function orderings(rows: readonly SharpnessRow[]): { orders: Record<string, string[]>; agree: boolean } {
  const orders: Record<string, string[]> = {};
  for (const [name, f] of SHARPER_IS_LARGER) orders[name] = [...rows].sort((a, b) => f(a.measures) - f(b.measures)).map((r) => r.model);
  const lists = Object.values(orders).map((o) => o.join('\u0000'));
  return { orders, agree: lists.every((l) => l === lists[0]) };
}
