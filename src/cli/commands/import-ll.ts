// terrain import-ll SURFACE.h5 --directions DIR.h5 --model M [--weights W] --out RUNDIR: a loss-landscape (Li et
// al. 2018) surface and its direction file as a terrain run directory (docs/export.md).
import type { Command } from 'commander';
import { importLl, LlFormatError, LlMappingError, type LlDirType, type LlSplit } from '../../core/interop/index.js';
import { loadModelFile } from '../../core/model-file.js';
import { addModelOptions, choiceOption, commandLine } from '../common.js';
import { asFlag, UsageError, usageErrorOf } from '../errors.js';
import { makeOutput } from '../output.js';
import { VERSION } from '../version.js';

interface Flags { directions: string; model: string; weights?: string; out: string; split?: LlSplit; dirType: LlDirType | 'auto'; json?: boolean }

export function registerImportLl(program: Command): void {
  const cmd = program.command('import-ll').description('import a loss-landscape (Li et al.) surface .h5 and its direction file as a terrain run directory');
  addModelOptions(cmd)
    .argument('<surface>', "LL's surface file (xcoordinates, [ycoordinates], train_loss/train_acc or test_*)")
    .requiredOption('--directions <file>', "LL's direction file (groups xdirection[, ydirection], one dataset per tensor)")
    .option('--split <split>', 'which of the file\'s results to import: train (default when present) | test', choiceOption('--split', ['train', 'test'] as const))
    .option('--dir-type <type>', "LL's dir_type: weights (model.parameters() order) | states (state_dict order, BN statistics included) | auto (by tensor count)", choiceOption('--dir-type', ['auto', 'weights', 'states'] as const), 'auto')
    .requiredOption('--out <dir>', 'run directory to write')
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (surface: string, flags: Flags) => {
      const out = makeOutput(!!flags.json);
      const model = loadModelFile(flags.model, { weights: flags.weights });
      let s;
      try {
        s = await importLl({
          surface, directions: flags.directions, model, out: flags.out, split: flags.split, dirType: flags.dirType,
          info: { command: ['terrain', ...commandLine()], cwd: process.cwd(), version: VERSION, started: new Date().toISOString() },
        });
      } catch (e) {
        if (e instanceof LlFormatError || e instanceof LlMappingError) throw usageErrorOf(e);
        throw e;
      }
      const skipped = s.skipped.reduce((n, l) => n + l.length, 0);
      out.say(`${s.dir}: ${s.kind} of ${s.points} points from ${surface} (${s.split}_loss), ${s.dirType} directions from ${flags.directions}`);
      out.say(`accuracy converted from LL's percent to a fraction; BN statistics: ${s.dirType === 'states' ? 'moved with the directions (--bn perturb)' : 'running (--bn eval), as LL evaluates'}`);
      if (skipped) out.say(`${skipped} 0-D entries (num_batches_tracked) of the states lists left out: they do not change an eval-mode output`);
      const notes = s.notes.map((n) => (typeof n === 'string' ? n : n.with(asFlag)));
      for (const n of notes) out.say(`note: ${n}`);
      if (s.kind === 'curve') out.say(`type: ${String(s.result['type'])}`);
      out.result({ dir: s.dir, kind: s.kind, split: s.split, dirType: s.dirType, points: s.points, uncomputed: s.uncomputed, skipped: s.skipped, notes });
    });
}
