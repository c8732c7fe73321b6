// Reading zoo options: defaults filled in, unknown keys and bad values rejected with the valid choices named.
export type Options = Record<string, unknown>;

export function checkKeys(arch: string, options: Options, allowed: readonly string[]): void {
  for (const k of Object.keys(options)) {
    if (!allowed.includes(k)) {
      const valid = allowed.length ? `valid options: ${allowed.join(', ')}` : 'it takes no options';
      throw new Error(`${arch}: unknown option '${k}' (${valid})`);
    }
  }
}

export function positiveInts(arch: string, options: Options, key: string, fallback: number[]): number[] {
  const v = options[key] ?? fallback;
  if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x) && x > 0)) {
    throw new Error(`${arch}: option '${key}' must be a list of positive integers, got ${JSON.stringify(v)}`);
  }
  return [...(v as number[])];
}

export function positiveNumber(arch: string, options: Options, key: string, fallback: number): number {
  const v = options[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`${arch}: option '${key}' must be a positive number, got ${JSON.stringify(v)}`);
  return v;
}

export function finiteNumber(arch: string, options: Options, key: string, fallback: number): number {
  const v = options[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${arch}: option '${key}' must be a number, got ${JSON.stringify(v)}`);
  return v;
}

export function oneOf<T extends string>(arch: string, options: Options, key: string, choices: readonly T[], fallback: T): T {
  const v = options[key] ?? fallback;
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    throw new Error(`${arch}: option '${key}' must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}
