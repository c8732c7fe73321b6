// terrain classify: the taxonomy type of a curve result.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { classifyResult, CURVE_TYPES } from '../../core/classify/index.js';
import { readResult } from '../../core/runs/results.js';
import { stringifyWithNonFinite } from '../../core/runs/non-finite.js';
import { UsageError } from '../errors.js';
import { makeOutput } from '../output.js';
import { numberOption } from '../common.js';

export function registerClassify(program: Command): void {
  program.command('classify').description(`name the shape of a curve: ${CURVE_TYPES.slice(0, -1).join(', ')} or ${CURVE_TYPES[CURVE_TYPES.length - 1]}`)
    .argument('<result>', 'a curve result.json')
    .option('--prominence <x>', 'minimum prominence of a basin, relative to the curve\'s range', numberOption('--prominence'))
    .option('--write', 'store type and features back into the file')
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (file: string, flags: { prominence?: number; write?: boolean; json?: boolean }) => {
      const out = makeOutput(!!flags.json);
      // The shared reader: bounded, and "NaN"/"Infinity" points (a diverged evaluation) are numbers again.
      const result = readResult(file, { what: 'result', expected: 'curve result' });
      let r;
      try {
        r = classifyResult(result.json, flags.prominence !== undefined ? { prominence: flags.prominence } : {});
      } catch (e) {
        throw new UsageError(`${file}: ${(e as Error).message}`);
      }
      // Written back with the same encoding, so a NaN point stays "NaN" (JSON.stringify would write null).
      if (flags.write) writeFileSync(file, stringifyWithNonFinite(r, 1) + '\n');
      out.say(`${file}: ${r.type}`);
      out.result({ file, type: r.type, features: r.features });
    });
}
