// The one error type of the data layer: bad input the user can fix (a missing, truncated or inconsistent
// file, a malformed spec). The CLI maps it to exit code 2; anything else escaping this layer is a bug.
import { InputError } from '../../ir/errors.js';

export class DataError extends InputError {
  override readonly name = 'DataError';
}

/** 60000 → "60,000": counts in messages read the same on every locale. */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n);
}
