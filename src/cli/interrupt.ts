// Ctrl-C and SIGTERM. Commands that can stop cleanly (curve, surface, mine, collect) listen themselves: their job
// finishes the points in hand and fails with "interrupted", which main() turns into exit 128 + signal number and one
// line naming how to resume. Without such a listener (or on a second signal) the process stops at once, with the
// same line: every finished point is already on disk (points.jsonl is flushed point by point).
import { isAbsolute, resolve } from 'node:path';
import { lockedRunDirs } from '../core/runs/lock.js';

const SIGNALS = { SIGINT: 2, SIGTERM: 15 } as const;
type Handled = keyof typeof SIGNALS;

let received: Handled | undefined;
const startCwd = process.cwd();

export function installInterruptHandlers(): void {
  for (const sig of Object.keys(SIGNALS) as Handled[]) {
    process.on(sig, () => {
      received ??= sig;
      // Another listener (the command's own, or `terrain worker`'s) decides how to stop.
      if (process.listenerCount(sig) > 1) return;
      process.stderr.write(`${interruptLine(sig)}\n`);
      process.exit(interruptExitCode(sig));
    });
  }
}

/**
 * Runs a long job that stops cleanly: the first SIGINT/SIGTERM aborts `signal` (the job finishes the points in hand
 * and fails with "interrupted", which main() turns into 130/143 and the resume line); the listeners go when it ends.
 */
export async function untilInterrupted<T>(job: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onSignal = (): void => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await job(ac.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The first SIGINT/SIGTERM this process received, if any. */
export function interruptedBy(): Handled | undefined {
  return received;
}

export function interruptExitCode(sig: Handled): number {
  return 128 + SIGNALS[sig];
}

/** One line: what stopped the command, where its finished work is, the command that continues it. */
export function interruptLine(sig: Handled): string {
  const first = lockedRunDirs()[0];
  if (first === undefined) return `terrain: interrupted (${sig}) before a run directory was written; nothing to resume`;
  // `terrain resume` changes to the run's recorded directory: name the run so that it works from where the user is.
  const dir = isAbsolute(first) || process.cwd() === startCwd ? first : resolve(first);
  return `terrain: interrupted (${sig}); finished points are kept in ${dir}; resume with: terrain resume ${shellWord(dir)}`;
}

function shellWord(s: string): string {
  return /^[\w./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
