// The one base class of "the input is wrong" errors (a file, a flag, a spec, a data set): the CLI maps every
// InputError to exit 2 with its one-line message, anything else to exit 1 (internal error). It lives at the bottom
// layer so that every layer's error classes can extend it without importing upwards.

/**
 * Bad input: the message names the offending file, field or value and says what was expected. Subclasses keep their
 * own `name`; this class sets none, so a subclass without one reports as 'Error', as before.
 */
export class InputError extends Error {}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}
