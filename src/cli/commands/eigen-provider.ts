// The eigen:K provider lives in core (core/jobs/providers.ts); this shell's version prints core's notice (the
// Lanczos run starting) on stderr, for the commands that still assemble their own direction context (explain).
import type { LabeledBatch } from '../../core/evaluate/point.js';
import { eigenvectorProvider as coreProvider } from '../../core/jobs/providers.js';
import type { LossChoice } from '../../core/loss/choice.js';
import type { LoadedModel } from '../../core/model-file.js';
import type { ParamVector } from '../../core/params.js';

/** Core's provider, its notice line printed on stderr. */
export function eigenvectorProvider(m: LoadedModel, batches: readonly LabeledBatch[], hessianDir?: string, threads = 0, loss?: LossChoice): (k: number) => Promise<ParamVector> {
  return coreProvider(m, batches, hessianDir, threads, loss, stderrLine);
}

export function stderrLine(line: string): void {
  process.stderr.write(`${line}\n`);
}
