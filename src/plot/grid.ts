// A surface result as plots read it: row-major values with x fastest (values[j·nx + i] = loss[j][i] at
// (x[i], y[j])), checked once, with non-finite points counted and capped so that drawing never breaks.

export interface Surface {
  x: readonly number[];
  y: readonly number[];
  /** loss[j][i] is the value at (x[i], y[j]). */
  loss: readonly (readonly number[])[];
}

export interface Grid {
  nx: number;
  ny: number;
  x: readonly number[];
  y: readonly number[];
  values: number[];
  /** Over finite values only. */
  min: number;
  max: number;
  /** How many values were NaN/±Infinity (drawn at max, or min for −Infinity); plots say so in the subtitle. */
  nonFinite: number;
}

export function toGrid(surface: Surface, who: string): Grid {
  const { x, y, loss } = surface;
  if (x.length < 2 || y.length < 2) throw new Error(`${who}: a surface needs ≥ 2 x and ≥ 2 y values, got ${x.length} × ${y.length}`);
  if (loss.length !== y.length) throw new Error(`${who}: loss has ${loss.length} rows, expected one per y value (${y.length})`);
  checkIncreasing(x, 'x', who);
  checkIncreasing(y, 'y', who);
  const values: number[] = [];
  let min = Infinity, max = -Infinity, nonFinite = 0;
  loss.forEach((row, j) => {
    if (row.length !== x.length) throw new Error(`${who}: loss[${j}] has ${row.length} values, expected one per x value (${x.length})`);
    for (const v of row) {
      values.push(v);
      if (Number.isFinite(v)) { min = Math.min(min, v); max = Math.max(max, v); } else nonFinite++;
    }
  });
  if (!Number.isFinite(min)) throw new Error(`${who}: every loss value is NaN or infinite`);
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k])) values[k] = values[k] === -Infinity ? min : max;
  }
  return { nx: x.length, ny: y.length, x, y, values, min, max, nonFinite };
}

export function nonFiniteNote(g: Grid): string[] {
  return g.nonFinite ? [`${g.nonFinite} NaN/infinite loss values drawn at the extremes`] : [];
}

/** Plot height for a given width that keeps one unit of x as long as one unit of y, within sane bounds. */
export function aspectHeight(g: Grid, width: number): number {
  const ratio = (g.y[g.ny - 1]! - g.y[0]!) / (g.x[g.nx - 1]! - g.x[0]!);
  return Math.round(width * Math.min(1.6, Math.max(0.5, ratio)));
}

/** Evenly spaced x or y, as the isocontour transform assumes. */
export function checkUniform(v: readonly number[], name: string, who: string): void {
  const step = (v[v.length - 1]! - v[0]!) / (v.length - 1);
  v.forEach((value, i) => {
    if (Math.abs(value - (v[0]! + i * step)) > 1e-6 * Math.abs(step) * v.length) {
      throw new Error(`${who}: ${name} must be evenly spaced for contours; ${name}[${i}] = ${value}, expected ${v[0]! + i * step}`);
    }
  });
}

function checkIncreasing(v: readonly number[], name: string, who: string): void {
  for (let i = 1; i < v.length; i++) {
    if (!(v[i]! > v[i - 1]!)) throw new Error(`${who}: ${name} must increase strictly; ${name}[${i - 1}] = ${v[i - 1]}, ${name}[${i}] = ${v[i]}`);
  }
}
