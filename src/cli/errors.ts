// Exit codes: 0 ok, 2 bad input (one line naming the file/flag and the fix), 1 internal error.
import { InputError, isInputError } from '../ir/errors.js';

/** Bad input found by the CLI itself (a flag, a file argument). */
export class UsageError extends InputError {
  override name = 'UsageError';
}

/** Every bad-input class of every layer extends InputError (src/ir/errors.ts); the shell needs no list of them. */
export { isInputError };

export function exitCodeFor(e: unknown): number {
  return isInputError(e) ? 2 : 1;
}

export function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(/\s*\n\s*/g, ' ');
}
