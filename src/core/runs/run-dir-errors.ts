// Errors of run directories (apart so that the lock can extend them without an import cycle).

/** The directory holds another run, or files that are not a run's; an input error (exit 2). */
export class RunMismatchError extends Error {}
