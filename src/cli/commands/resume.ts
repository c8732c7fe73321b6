// terrain resume DIR: re-runs the command recorded in DIR/run.json; finished points are kept, the rest computed.
// The run continues in DIR, wherever it is now: the recorded --out is replaced by DIR's absolute path (a moved run
// directory resumes in place and nothing is written at the old path). Relative input paths of the command are read
// from the directory the run was started in (info.cwd), as they were then.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Command } from 'commander';
import { readJson, RunDir, RUN_FILE, type RunConfig } from '../../core/runs/run-dir.js';
import { UsageError } from '../errors.js';

export interface ResumePlan {
  /** The terrain arguments to run (without 'terrain'), --out pointing at the run's directory as it is now. */
  args: string[];
  /** Where to run them: the recorded cwd when it still exists, else undefined (stay where we are). */
  cwd: string | undefined;
  /** info.cwd as recorded (absent in runs that did not record it). */
  recordedCwd?: string;
  /** The directory the command writes (DIR, or the run DIR belongs to: explain's measured/, mine's seed runs). */
  out: string;
}

/** Nested runs (explain's measured/, mine's judged curves) record their parent's command; this many levels up at most. */
const MAX_NESTING = 3;

export async function planResume(dirArg: string): Promise<ResumePlan> {
  const dir = resolve(dirArg);
  const runPath = join(dir, RUN_FILE);
  const { config } = await RunDir.load(dir);
  const command = (config.info as { command?: unknown } | undefined)?.command;
  if (!Array.isArray(command) || command[0] !== 'terrain' || typeof command[1] !== 'string' || !command.every((w) => typeof w === 'string')) {
    throw new UsageError(`${runPath}: info.command is missing or not a terrain command line; rerun the original command instead`);
  }
  let args = (command as string[]).slice(1);
  if (args[0] === 'resume') {
    throw new UsageError(`${runPath}: the recorded command is itself 'terrain ${args.join(' ')}', which would only resume itself; rerun the original command with --out ${dir}`);
  }
  // explain, gmi and hessian recorded their name twice ('terrain explain explain …'): the command is the same.
  if (args[1] === args[0]) args = args.slice(1);
  const at = args.findIndex((a) => a === '--out' || a.startsWith('--out='));
  if (at < 0 || (args[at] === '--out' && at + 1 >= args.length)) {
    throw new UsageError(`${runPath}: the recorded command 'terrain ${args.join(' ')}' has no --out; rerun the original command instead`);
  }
  const out = await topOfRun(dir, command as string[]);
  args = args[at] === '--out' ? [...args.slice(0, at + 1), out, ...args.slice(at + 2)] : [...args.slice(0, at), `--out=${out}`, ...args.slice(at + 1)];
  const recorded = (config.info as { cwd?: unknown }).cwd;
  const cwd = typeof recorded === 'string' && isDirectory(recorded) ? recorded : undefined;
  return { args, cwd, out, ...(typeof recorded === 'string' ? { recordedCwd: recorded } : {}) };
}

/** The highest directory among DIR and its parents whose run.json records the same command: the command's --out. */
async function topOfRun(dir: string, command: string[]): Promise<string> {
  let top = dir;
  let cur = dir;
  for (let k = 0; k < MAX_NESTING; k++) {
    const parent = dirname(cur);
    if (parent === cur) break;
    let config: RunConfig | undefined;
    try {
      config = (await readJson(join(parent, RUN_FILE))) as RunConfig | undefined;
    } catch {
      config = undefined; // not a run directory (unreadable run.json): DIR is the top
    }
    if (!config || !isDeepStrictEqual(config.info?.['command'], command)) break;
    top = parent;
    cur = parent;
  }
  return top;
}

function isDirectory(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function registerResume(program: Command): void {
  program.command('resume').description('continue an interrupted run directory where it stopped (in place, wherever it was moved)')
    .argument('<dir>', 'a run directory (holds run.json)')
    .action(async (dir: string) => {
      const plan = await planResume(dir);
      if (plan.cwd) process.chdir(plan.cwd);
      else if (plan.recordedCwd) process.stderr.write(`terrain resume: the run's recorded working directory is gone; relative paths of its command are read from ${process.cwd()}\n`);
      // Runs created on the way (nested runs) record the command itself, never 'terrain resume …'.
      process.argv = [process.argv[0]!, process.argv[1]!, ...plan.args];
      const { buildProgram } = await import('../main-program.js');
      await buildProgram().parseAsync(['node', 'terrain', ...plan.args]);
    });
}
