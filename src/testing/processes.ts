// `terrain` child processes for the distributed tests and the benchmark: stderr lines kept, awaited by pattern.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

export interface TerrainProcess {
  child: ChildProcess;
  /** stderr lines so far. */
  lines: string[];
  stdout(): string;
  /** Resolves with the first stderr line (past or future) matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
  /** The exit code, or rejects when the process is still running after `timeoutMs`. */
  exitedWithin(timeoutMs: number): Promise<number | null>;
  /** Sends `signal`; a process still running after `graceMs` is SIGKILLed and the promise rejects (a test must fail, not hang). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

export function startTerrain(args: string[]): TerrainProcess {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, TERRAIN_NO_PROGRESS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  const waiters: { pattern: RegExp; resolve: (l: string) => void }[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    lines.push(line);
    for (const w of [...waiters]) if (w.pattern.test(line)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(line); }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child, lines, exited,
    stdout: () => out,
    waitFor(pattern, timeoutMs = 30_000) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no stderr line matching ${pattern} within ${timeoutMs} ms; got:\n${lines.join('\n')}`)), timeoutMs);
        waiters.push({ pattern, resolve: (l) => { clearTimeout(t); resolve(l); } });
        void exited.then(() => setTimeout(() => { clearTimeout(t); reject(new Error(`exited before a line matching ${pattern}; got:\n${lines.join('\n')}`)); }, 100));
      });
    },
    exitedWithin(timeoutMs) {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms; stderr:\n${lines.join('\n')}`)), timeoutMs);
        void exited.then((code) => { clearTimeout(t); resolve(code); });
      });
    },
    async stop(signal = 'SIGTERM', graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      try {
        return await this.exitedWithin(graceMs);
      } catch (e) {
        child.kill('SIGKILL');
        await exited;
        throw new Error(`did not stop within ${graceMs} ms of ${signal} (SIGKILLed): ${(e as Error).message}`);
      }
    },
  };
}
