// Exit codes: 0 ok, 2 bad input (one line naming the file/flag and the fix), 1 internal error.
import { InputError, isInputError, messageWith, type OptionMention } from '../ir/errors.js';

/** Bad input found by the CLI itself (a flag, a file argument). */
export class UsageError extends InputError {
  override name = 'UsageError';
}

/** Every bad-input class of every layer extends InputError (src/ir/errors.ts); the shell needs no list of them. */
export { isInputError };

/** A lower layer's error as the shell's UsageError, its option mentions kept. */
export function usageErrorOf(e: unknown): UsageError {
  return new UsageError(e instanceof InputError && e.worded ? e.worded : e instanceof Error ? e.message : String(e));
}

export function exitCodeFor(e: unknown): number {
  return isInputError(e) ? 2 : 1;
}

/** Core names options; the CLI spells each as its flag, `--<option>` (followed by the value, if any). */
export function asFlag(m: OptionMention): string {
  return m.value === undefined ? `--${m.option}` : `--${m.option} ${m.value}`;
}

/** The message on one line, with the options core mentions printed as this CLI's flags. */
export function oneLine(e: unknown): string {
  return messageWith(e, asFlag).replace(/\s*\n\s*/g, ' ');
}
