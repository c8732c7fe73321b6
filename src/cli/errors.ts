// Exit codes: 0 ok, 2 bad input (one line naming the file/flag and the fix), 1 internal error.

/** Bad input found by the CLI itself (a flag, a file argument). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Error classes of the lower layers that mean "the input is wrong", matched by name so the CLI needs no list of imports. */
const INPUT_ERRORS = new Set([
  'UsageError', 'DataError', 'RunMismatchError', 'RangeError_', 'OnnxFormatError', 'SafetensorsError',
  'CheckpointError', 'ModelFileError', 'DirectionSpecError', 'DirectionError', 'ModelSpecError', 'UnsupportedOpError', 'WeightsError', 'QueueError', 'ExportError', 'LossError',
  'FileRefusedError', 'GraphCheckError', 'WeightsFileError',
]);

export function isInputError(e: unknown): e is Error {
  if (!(e instanceof Error)) return false;
  let proto: object | null = Object.getPrototypeOf(e);
  while (proto && proto !== Error.prototype) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name;
    if (name && INPUT_ERRORS.has(name)) return true;
    proto = Object.getPrototypeOf(proto);
  }
  return INPUT_ERRORS.has(e.name);
}

export function exitCodeFor(e: unknown): number {
  return isInputError(e) ? 2 : 1;
}

export function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(/\s*\n\s*/g, ' ');
}
