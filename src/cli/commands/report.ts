// terrain report DIR... --out FILE: one self-contained HTML file (works offline) showing every run under the folders.
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { ReportTooLargeError, writeReport } from '../../web/report.js';
import { UsageError } from '../errors.js';
import { makeOutput } from '../output.js';
import { VERSION } from '../version.js';

export function checkFolders(dirs: readonly string[], what: string): void {
  for (const d of dirs) {
    let ok = false;
    try { ok = statSync(d).isDirectory(); } catch { ok = false; }
    if (!ok) throw new UsageError(`${what} '${d}' is not a folder; give a run directory or a folder holding runs (e.g. runs/demo)`);
  }
}

/** `terrain report DIR… --out FILE --title T` without its printing (also reproduce's last step). */
export async function reportRuns(dirs: readonly string[], file: string, title?: string): Promise<{ path: string; runs: number; bytes: number }> {
  checkFolders(dirs, 'report:');
  const r = await writeReport([...dirs], file, { title, version: VERSION }).catch((e: unknown) => {
    throw e instanceof ReportTooLargeError ? new UsageError(e.message) : e;
  });
  if (r.runs === 0) throw new UsageError(`report: no run directories (run.json or train.json) under ${dirs.join(', ')}; point it at the --out folder of a terrain command`);
  return r;
}

export function registerReport(program: Command): void {
  program.command('report').description('one self-contained HTML file (offline) with every run under the folders: curves, surfaces, spectra, histories')
    .argument('<dirs...>', 'run directories, or folders holding them (searched recursively)')
    .option('--out <file>', 'the HTML file to write', 'report.html')
    .option('--title <text>', 'title of the page')
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (dirs: string[], flags: { out: string; title?: string; json?: boolean }) => {
      const out = makeOutput(!!flags.json);
      const r = await reportRuns(dirs, flags.out, flags.title);
      out.say(`report of ${r.runs} runs: ${r.path} (${(r.bytes / 2 ** 20).toFixed(1)} MiB, opens offline)`);
      out.result({ path: r.path, runs: r.runs, bytes: r.bytes });
    });
}
