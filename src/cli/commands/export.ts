// terrain export RUN_DIR --format csv|npy|vtp|h5: a finished curve or surface run as a file other tools read.
import { mkdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { h5OptionsOf, LANDSCAPE_FORMAT_NAMES, LANDSCAPE_FORMATS, landscapeFromResult, pointCount, type Landscape } from '../../core/export/index.js';
import { exportLlDirections, LlFormatError } from '../../core/interop/index.js';
import { POINTS_FILE, RESULT_FILE, RUN_FILE, RunDir, type RunConfig } from '../../core/runs/run-dir.js';
import { readResultIfPresent, readRunConfigIfPresent } from '../../core/runs/results.js';
import { UsageError, usageErrorOf } from '../errors.js';
import { makeOutput } from '../output.js';
import { VERSION } from '../version.js';

export const CLI_EXPORT_FORMATS = [...LANDSCAPE_FORMAT_NAMES, 'll-directions'] as const;
type Format = (typeof CLI_EXPORT_FORMATS)[number];

interface Flags { format: string; out?: string; json?: boolean; numBatchesTracked?: boolean }

async function kindOf(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

/** The run's result and run.json (absent when only a result.json was given), with errors that say how to get one. */
async function loadRun(arg: string): Promise<{ dir: string; resultPath: string; landscape: Landscape; config?: RunConfig }> {
  const kind = await kindOf(arg);
  if (!kind) throw new UsageError(`${arg}: no such run directory; give a directory written by 'terrain curve' or 'terrain surface'`);
  const dir = kind === 'dir' ? arg : dirname(arg);
  const resultPath = kind === 'dir' ? join(dir, RESULT_FILE) : arg;
  const config = readRunConfigIfPresent(dir);
  const result = readResultIfPresent(resultPath);
  if (result === undefined) {
    if (!config) throw new UsageError(`${dir}: holds neither ${RESULT_FILE} nor ${RUN_FILE}; give a directory written by 'terrain curve' or 'terrain surface'`);
    const { points } = await RunDir.load(dir);
    const grid = Array.isArray(config.identity['grid']) ? (config.identity['grid'] as string[]) : [];
    const total = grid.reduce((n, r) => n * (Number(String(r).split(':')[2]) || NaN), 1);
    const done = Number.isFinite(total) ? `${points.size} of ${total}` : `${points.size}`;
    throw new UsageError(`${resultPath}: not found, the ${config.kind} run is unfinished (${done} points in ${POINTS_FILE}); finish it with 'terrain resume ${dir}', then export`);
  }
  return { dir, resultPath, landscape: landscapeFromResult(result.json, resultPath), config };
}

/** The run's directions in loss-landscape's direction-file layout (xdirection, ydirection). */
async function exportDirections(arg: string, flags: Flags, out: ReturnType<typeof makeOutput>): Promise<void> {
  const dir = (await kindOf(arg)) === 'file' ? dirname(arg) : arg;
  if (!(await kindOf(dir))) throw new UsageError(`${arg}: no such run directory; give a directory written by 'terrain curve', 'terrain surface' or 'terrain import-ll'`);
  const file = flags.out ?? join(dir, 'directions.h5');
  await mkdir(dirname(file), { recursive: true });
  let s;
  try {
    s = await exportLlDirections(dir, file, flags.numBatchesTracked !== false);
  } catch (e) {
    if (e instanceof LlFormatError) throw usageErrorOf(e);
    throw e;
  }
  out.say(`${file}: ${s.directions} ${s.dirType} direction(s) of ${s.tensors} tensors in loss-landscape's direction-file layout (use with plot_surface.py --dir_file ${file}${s.dirType === 'states' ? ' --dir_type states' : ''})`);
  out.result({ ...s, format: 'll-directions', source: dir });
}

export function registerExport(program: Command): void {
  program.command('export').description('write a finished curve or surface run as CSV, NumPy .npy, VTK .vtp (ParaView) or loss-landscape HDF5, or its directions as a loss-landscape direction file (ll-directions)')
    .argument('<run>', 'a curve or surface run directory (or its result.json)')
    .requiredOption('--format <format>', `one of ${CLI_EXPORT_FORMATS.join(', ')}`)
    .option('--out <file>', 'output file (default: RUN/result.<format>)')
    .option('--no-num-batches-tracked', 'll-directions of a states run: leave out the 0-D num_batches_tracked entries (models saved by PyTorch < 0.4.1)')
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (arg: string, flags: Flags) => {
      const out = makeOutput(!!flags.json);
      const format = flags.format as Format;
      if (!CLI_EXPORT_FORMATS.includes(format)) throw new UsageError(`--format '${flags.format}' is not one of ${CLI_EXPORT_FORMATS.join(', ')}; pick one of them`);
      if (format === 'll-directions') return exportDirections(arg, flags, out);
      const run = await loadRun(arg);
      const file = flags.out ?? join(run.dir, `${basename(RESULT_FILE, '.json')}.${LANDSCAPE_FORMATS[format].ext}`);
      await mkdir(dirname(file), { recursive: true });
      await LANDSCAPE_FORMATS[format].write(file, run.landscape, h5OptionsOf(run.config, run.landscape, VERSION));
      const l = run.landscape;
      const size = l.kind === 'curve' ? `${l.lambdas.length} points` : `${l.x.length}×${l.y.length} grid`;
      out.say(`${file}: ${l.kind} (${size}) as ${format}`);
      out.result({ file, format, kind: l.kind, points: pointCount(l), source: run.resultPath });
    });
}
