// --tolerance (with --min-samples, --sample-seed) and --refine for the commands built on curves (gmi, explain, mine,
// reproduce): the same flags and checks as `terrain curve`, so their verdicts can use the errors (docs/adaptive.md).
import type { Command } from 'commander';
import { parseTolerance, type AdaptiveOptions, type Tolerance } from '../../core/landscape/adaptive.js';
import { intOption } from '../common.js';
import { UsageError } from '../errors.js';

export interface ToleranceFlags {
  tolerance?: Tolerance;
  refine?: Tolerance;
  minSamples?: number;
  sampleSeed?: number;
}

const DEFAULT_MIN_SAMPLES = 256;

function target(flag: string) {
  return (value: string): Tolerance => {
    try {
      return parseTolerance(value, flag);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  };
}

/** Adds --tolerance, --min-samples, --sample-seed and (where the command has a dense curve to refine) --refine. */
export function addToleranceOptions(cmd: Command, what: string, refine = false): Command {
  cmd
    .option('--tolerance <T|P%>', `${what} at a stated error: each point's samples grow until the standard error of its loss is T (loss units) or P% of the curve's loss range; types then count only dips and barriers beyond 2 paired errors and say how sure they are (typeConfidence, uncertain)`, target('--tolerance'))
    .option('--min-samples <n>', `with --tolerance: samples every point sees first (default ${DEFAULT_MIN_SAMPLES})`, intOption('--min-samples', 2))
    .option('--sample-seed <n>', 'with --tolerance: seed of the permutation of the split shared by every point (default 0)', intOption('--sample-seed'));
  if (refine) cmd.option('--refine <T|P%>', `${what} on a refined grid: a coarse lattice, split only where new points disagree with the interpolation by more than T (or P% of the coarse range)`, target('--refine'));
  return cmd;
}

/** The adaptive options, or undefined without --tolerance (--min-samples/--sample-seed alone are refused by name). */
export function toleranceOptions(flags: ToleranceFlags): AdaptiveOptions | undefined {
  if (!flags.tolerance) {
    const stray = flags.minSamples !== undefined ? '--min-samples' : flags.sampleSeed !== undefined ? '--sample-seed' : undefined;
    if (stray) throw new UsageError(`${stray} only applies with --tolerance; add --tolerance T (loss units) or P% (of the loss range), or drop ${stray}`);
    return undefined;
  }
  return { tolerance: flags.tolerance, minSamples: flags.minSamples ?? DEFAULT_MIN_SAMPLES, seed: flags.sampleSeed ?? 0 };
}
