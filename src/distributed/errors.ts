// Errors of the distributed layer that mean "the input or the setup is wrong" (exit code 2 in the CLI).

export class QueueError extends Error {
  override name = 'QueueError';
}
