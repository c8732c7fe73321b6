// Errors of run directories (apart so that the lock can extend them without an import cycle).
import { InputError, option } from '../../ir/errors.js';

/** The directory holds another run, or files that are not a run's; an input error (exit 2). */
export class RunMismatchError extends InputError {}

/** The option that names a run's output directory, as messages mention it ("use another output directory"). */
export const OUT_OPTION = option('out', undefined, 'output');
