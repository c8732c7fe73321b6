// Errors of the distributed layer that mean "the input or the setup is wrong" (exit code 2 in the CLI).
import { InputError } from '../ir/errors.js';

export class QueueError extends InputError {
  override name = 'QueueError';
}
