// terrain classify: the taxonomy type of a curve result.
import { writeFileSync } from 'node:fs';
import { FileRefusedError, readRegularText } from '../../ir/read-file.js';
import type { Command } from 'commander';
import { classifyResult, CURVE_TYPES } from '../../core/classify/index.js';
import { UsageError } from '../errors.js';
import { makeOutput } from '../output.js';

/** A curve's result.json is kilobytes; a surface's at the CLI's grid limit tens of megabytes. */
const MAX_RESULT_JSON_BYTES = 256 << 20;
import { numberOption } from '../common.js';

export function registerClassify(program: Command): void {
  program.command('classify').description(`name the shape of a curve: ${CURVE_TYPES.slice(0, -1).join(', ')} or ${CURVE_TYPES[CURVE_TYPES.length - 1]}`)
    .argument('<result>', 'a curve result.json')
    .option('--prominence <x>', 'minimum prominence of a basin, relative to the curve\'s range', numberOption('--prominence'))
    .option('--write', 'store type and features back into the file')
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (file: string, flags: { prominence?: number; write?: boolean; json?: boolean }) => {
      const out = makeOutput(!!flags.json);
      let json: unknown;
      try {
        json = JSON.parse(readRegularText(file, { maxBytes: MAX_RESULT_JSON_BYTES, what: 'result' }));
      } catch (e) {
        if (e instanceof FileRefusedError) throw e;
        throw new UsageError(`${file}: cannot read a JSON curve result (${(e as Error).message})`);
      }
      let r;
      try {
        r = classifyResult(json, flags.prominence !== undefined ? { prominence: flags.prominence } : {});
      } catch (e) {
        throw new UsageError(`${file}: ${(e as Error).message}`);
      }
      if (flags.write) writeFileSync(file, JSON.stringify(r, null, 1) + '\n');
      out.say(`${file}: ${r.type}`);
      out.result({ file, type: r.type, features: r.features });
    });
}
