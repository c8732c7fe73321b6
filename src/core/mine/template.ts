// A template shape from a JSON file: {"λ": value, …} (or [[λ, value], …]). The curve is matched up to offset and
// scale (correlation), so the values only need the right shape, e.g. {"-1": 1, "-0.5": 0, "0": 0.6, "0.5": 0, "1": 1}.
// Success is the taxonomy type of the template itself, read off its piecewise-linear curve on the judging grid.
import { readRegularText } from '../../ir/read-file.js';
import { classifyCurve, type CurveType } from '../classify/index.js';
import { correlationObjective, type Objective } from './objectives.js';

export interface Template {
  lambdas: number[];
  values: number[];
}

export function parseTemplate(text: string, source = 'template'): Template {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not valid JSON (${(e as Error).message}); expected {"λ": value, …}`);
  }
  const pairs: [number, number][] = [];
  const entries: [unknown, unknown][] = Array.isArray(raw)
    ? raw.map((p, i) => {
      if (!Array.isArray(p) || p.length !== 2) throw new Error(`${source}: entry ${i} is ${JSON.stringify(p)}, expected [λ, value]`);
      return [p[0], p[1]] as [unknown, unknown];
    })
    : raw && typeof raw === 'object' ? Object.entries(raw) : [];
  if (entries.length === 0) throw new Error(`${source}: expected an object {"λ": value, …} or an array [[λ, value], …] with entries`);
  for (const [k, v] of entries) {
    const lambda = typeof k === 'number' ? k : Number(k);
    if (typeof k === 'string' && k.trim() === '' || !Number.isFinite(lambda)) throw new Error(`${source}: λ '${String(k)}' is not a finite number`);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${source}: value at λ=${lambda} is ${JSON.stringify(v)}, expected a finite number`);
    pairs.push([lambda, v]);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < pairs.length; i++) if (pairs[i]![0] === pairs[i - 1]![0]) throw new Error(`${source}: λ=${pairs[i]![0]} is given twice`);
  if (pairs.length < 3) throw new Error(`${source}: ${pairs.length} point(s); a shape needs at least 3`);
  const lambdas = pairs.map((p) => p[0]), values = pairs.map((p) => p[1]);
  if (lambdas[0]! > 0 || lambdas[lambdas.length - 1]! < 0) throw new Error(`${source}: λ from ${lambdas[0]} to ${lambdas[lambdas.length - 1]} does not contain θ (λ = 0)`);
  if (Math.min(...values) === Math.max(...values)) throw new Error(`${source}: all values are equal; a shape needs at least two different values`);
  return { lambdas, values };
}

/** The taxonomy type of the template's piecewise-linear curve, sampled at `points` λ's over its own interval. */
export function templateType(t: Template, points = 101): CurveType {
  const a = t.lambdas[0]!, b = t.lambdas[t.lambdas.length - 1]!;
  const grid = Array.from({ length: points }, (_, i) => a + ((b - a) * i) / (points - 1));
  return classifyCurve(grid, grid.map((x) => interpolate(t, x))).type;
}

export function templateObjective(t: Template, shape = 'template'): Objective {
  return {
    shape,
    probes: t.lambdas,
    target: templateType(t),
    judgeInterval: [t.lambdas[0]!, t.lambdas[t.lambdas.length - 1]!],
    evaluate: (f) => correlationObjective(f, t.values),
  };
}

export function loadTemplate(path: string): Objective {
  const text = readRegularText(path, { maxBytes: 64 << 20, what: 'template' });
  return templateObjective(parseTemplate(text, `template ${path}`), `template:${path}`);
}

function interpolate(t: Template, x: number): number {
  const { lambdas: l, values: v } = t;
  let hi = 1;
  while (hi < l.length - 1 && l[hi]! < x) hi++;
  const u = (x - l[hi - 1]!) / (l[hi]! - l[hi - 1]!);
  return v[hi - 1]! + Math.min(1, Math.max(0, u)) * (v[hi]! - v[hi - 1]!);
}
