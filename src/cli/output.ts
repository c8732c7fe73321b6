// Human output on stdout, or one JSON object as the last stdout line with --json; progress on stderr.
import cliProgress from 'cli-progress';
import type { Worded } from '../ir/errors.js';
import { asFlag } from './errors.js';

export interface Output {
  json: boolean;
  /** A human line (suppressed with --json). */
  say(line: string): void;
  /** The machine-readable result (printed only with --json). */
  result(obj: unknown): void;
  progress(label: string, total: number): ProgressReporter;
}

export interface ProgressReporter {
  update(done: number, etaMs?: number): void;
  stop(): void;
}

export function makeOutput(json: boolean): Output {
  return {
    json,
    say(line) { if (!json) process.stdout.write(line + '\n'); },
    result(obj) { if (json) process.stdout.write(JSON.stringify(obj) + '\n'); },
    progress(label, total) { return makeProgress(label, total, json); },
  };
}

function fmtEta(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m` : s >= 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`;
}

/** A bar on a TTY; otherwise a line to stderr at most every 10 s (so logs of long jobs still show an ETA). */
function makeProgress(label: string, total: number, quiet: boolean): ProgressReporter {
  if (quiet || process.env['TERRAIN_NO_PROGRESS']) return { update() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({
      format: `${label} [{bar}] {value}/{total} | ETA {etaText}`, stream: process.stderr, hideCursor: true, etaBuffer: 20,
    }, cliProgress.Presets.shades_classic);
    bar.start(total, 0, { etaText: '?' });
    return { update(done, eta) { bar.update(done, { etaText: fmtEta(eta) }); }, stop() { bar.stop(); } };
  }
  let last = 0;
  return {
    update(done, eta) {
      const now = Date.now();
      if (now - last < 10_000 && done < total) return;
      last = now;
      process.stderr.write(`${label}: ${done}/${total}, ETA ${fmtEta(eta)}\n`);
    },
    stop() {},
  };
}

/** Time left if the remaining work goes at the rate so far (undefined before the first piece is done). */
export function etaMs(startMs: number, done: number, total: number): number | undefined {
  return done > 0 ? ((Date.now() - startMs) / done) * (total - done) : undefined;
}

/** One line on stderr: core's notices (e.g. a Lanczos run starting), the options they mention printed as flags. */
export function stderrLine(line: string | Worded): void {
  process.stderr.write(`${typeof line === 'string' ? line : line.with(asFlag)}\n`);
}
