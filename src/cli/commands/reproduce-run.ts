// What every step of a reproduce setting shares: the step log (skip what is done, time the rest), the setting under
// way and its paths, the silent output the steps run with, and the curve/surface step.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdaptiveOptions } from '../../core/landscape/adaptive.js';
import type { Budget, Setting } from '../../core/reproduce/index.js';
import { makeOutput, type Output } from '../output.js';
import { runLandscapeStep, type LandscapeStep } from './landscape.js';

export interface StepTime { step: string; setting: string; seconds: number; skipped: boolean }
export interface Curve { lambdas: number[]; loss: number[]; type: string; uncertain?: boolean }

export const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** The steps' own output: nothing on stdout, no progress (as `--json` gave them). */
export const silent: Output = makeOutput(true);

export class Steps {
  readonly times: StepTime[] = [];
  constructor(private readonly out: Output) {}

  /** Runs `work` unless `done` exists already; logs and records the wall time. */
  async run(setting: string, step: string, done: string, work: () => Promise<unknown>): Promise<void> {
    const skipped = existsSync(done);
    const t0 = Date.now();
    if (!skipped) await work();
    const seconds = (Date.now() - t0) / 1000;
    this.times.push({ step, setting, seconds, skipped });
    this.out.say(`  ${setting} ${step}: ${skipped ? 'done earlier' : `${seconds.toFixed(1)} s`}`);
  }
}

/** One setting of a budget under way: where its runs go, and the stated error of the steps whose verdict is a type. */
export interface SettingRun {
  s: Setting;
  b: Budget;
  dir: string;
  steps: Steps;
  adaptive?: AdaptiveOptions;
}

export const trainDir = (r: SettingRun, seed: number): string => join(r.dir, `train-seed${seed}`);
export const finalOf = (r: SettingRun, seed: number): string => join(trainDir(r, seed), 'final.safetensors');
export const epochFile = (e: number): string => `epoch-${String(e).padStart(3, '0')}.safetensors`;

/** A curve or surface step, run as the job itself (same run directory and identity as `terrain curve|surface`). */
export function landscape(kind: 'curve' | 'surface', s: Setting, model: string, specs: string[], ranges: string[], out: string, extra: Partial<LandscapeStep> = {}): () => Promise<void> {
  return async () => {
    await runLandscapeStep(kind, { model, data: s.data, ...(s.evalSamples ? { samples: s.evalSamples } : {}), specs, ranges, out, ...extra });
  };
}

/** The data flags of every measurement: the setting's data, on its evaluation subset. */
export const dataFlags = (s: Setting): { data: string; samples?: number } => ({ data: s.data, ...(s.evalSamples ? { samples: s.evalSamples } : {}) });

