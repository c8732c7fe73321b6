// Errors of run directories (apart so that the lock can extend them without an import cycle).
import { InputError } from '../../ir/errors.js';

/** The directory holds another run, or files that are not a run's; an input error (exit 2). */
export class RunMismatchError extends InputError {}
