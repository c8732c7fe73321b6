// The flags of a command as its parser would hand them to its action: the given values, every other option at the
// command's default. Defaults are read from the command's own option table (nothing is parsed), so that a step of
// reproduce or demo and the command line cannot drift apart.
import { Command } from 'commander';
import { formatTolerance, parseTolerance, type AdaptiveOptions } from '../../core/landscape/adaptive.js';
import type { ToleranceFlags } from './tolerance-options.js';

export function stepFlags<T extends object>(register: (program: Command) => void, name: string, given: Partial<T>): T {
  const program = new Command();
  register(program);
  const cmd = program.commands.find((c) => c.name() === name);
  if (!cmd) throw new Error(`no command '${name}' registered by ${register.name}`);
  // An absent value keeps the default, as an option left off the command line would.
  const set = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return { ...cmd.opts(), ...set } as T;
}

/** --tolerance, --min-samples and --sample-seed of adaptive options, as the flags' parser would read them. */
export function toleranceFlags(a: AdaptiveOptions | undefined): ToleranceFlags {
  return a ? { tolerance: parseTolerance(formatTolerance(a.tolerance), '--tolerance'), minSamples: a.minSamples, sampleSeed: a.seed } : {};
}
