// One encoding for NaN and ±∞ in every text file terrain writes (point records, result.json, queue records, CSV):
// the strings "NaN", "Infinity" and "-Infinity" (as in the proto3 JSON mapping, and what JavaScript's Number() and
// Python's float() read back). JSON has no such numbers: JSON.stringify would write null for all three, which loses
// which one it was and changes a result after a resume. Binary formats (NPY, HDF5) hold IEEE values as they are.
// Files written before this encoding hold null; readers take null as NaN (missing or diverged).

export const NON_FINITE_TOKENS = { nan: 'NaN', inf: 'Infinity', negInf: '-Infinity' } as const;

const DECODE: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** A number as it is written in text: finite numbers unchanged, NaN/±∞ as their token. */
export function encodeNumber(v: number): number | string {
  return Number.isFinite(v) ? v : String(v); // String() gives exactly the three tokens
}

/** Whether a string is one of the three tokens. */
export function isNonFiniteToken(v: unknown): v is string {
  return typeof v === 'string' && Object.hasOwn(DECODE, v);
}

/** A token back to its number; other values unchanged. */
export function decodeNumber(v: unknown): unknown {
  return isNonFiniteToken(v) ? DECODE[v] : v;
}

/** JSON.stringify replacer: non-finite numbers become their token (everything else as JSON.stringify writes it). */
export function nonFiniteReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' ? encodeNumber(value) : value;
}

/** JSON.parse reviver: the three tokens become numbers again. For numeric files only (never run.json's strings). */
export function nonFiniteReviver(_key: string, value: unknown): unknown {
  return decodeNumber(value);
}

/** JSON text with the encoding; `space` as JSON.stringify's. */
export function stringifyWithNonFinite(value: unknown, space?: number): string {
  return JSON.stringify(value, nonFiniteReplacer, space);
}

/** Parses JSON text written with the encoding (or an old file with null, which stays null for the caller to read). */
export function parseWithNonFinite(text: string): unknown {
  return JSON.parse(text, nonFiniteReviver);
}
