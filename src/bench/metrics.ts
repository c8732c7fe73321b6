// The benchmark's metric table: every suite appends its numbers with addMetric(); run.ts prints the table and writes
// bench/results.json. A metric compares terrain with a baseline measured on the same machine in the same run.
import { cpus, loadavg } from 'node:os';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  ort: string;
  torch: string | null;
  /** 1-minute load average when the run started: other processes make every number noisy. */
  loadAtStart: number;
}

export interface Metric {
  name: string;
  unit: string;
  terrain: number | null;
  baseline: number | null;
  /** How many times better terrain is: terrain/baseline when higher is better, baseline/terrain when lower is. */
  ratio: number | null;
  higherIsBetter: boolean;
  /** What the baseline is (e.g. "PyTorch 1.13 eval forward, torch.no_grad()"). */
  baselineLabel?: string;
  goal?: string;
  /** How the number was obtained (iterations, extrapolation, data). */
  note?: string;
}

export type MetricInput = Omit<Metric, 'ratio'>;

const table: Metric[] = [];

/** Appends one metric; the ratio is derived so that > 1 always means terrain is better. */
export function addMetric(m: MetricInput): Metric {
  if (!m.name || !m.unit) throw new Error(`a metric needs a name and a unit, got ${JSON.stringify(m)}`);
  if (table.some((x) => x.name === m.name)) throw new Error(`metric '${m.name}' was added twice`);
  const ok = (v: number | null): v is number => v !== null && Number.isFinite(v) && v > 0;
  const ratio = ok(m.terrain) && ok(m.baseline) ? (m.higherIsBetter ? m.terrain / m.baseline : m.baseline / m.terrain) : null;
  const metric = { ...m, ratio };
  table.push(metric);
  return metric;
}

export function metrics(): readonly Metric[] {
  return table;
}

export function machineInfo(torchVersion: string | null): Machine {
  const require = createRequire(import.meta.url);
  const ort = (require('onnxruntime-node/package.json') as { version: string }).version;
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, ort, torch: torchVersion, loadAtStart: loadavg()[0]! };
}

/** PyTorch's version from Debian's interpreter, or null when torch is missing. */
export function torchVersion(python: string): string | null {
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

export function writeResults(path: string, machine: Machine, extra: Record<string, unknown> = {}): void {
  mkdirSync(dirname(path), { recursive: true });
  const entries = table.map((m) => ({ ...m, machine }));
  writeFileSync(path, JSON.stringify({ date: new Date().toISOString(), machine, ...extra, metrics: entries }, null, 2) + '\n');
}

const fmt = (v: number | null): string => (v === null ? '—' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toPrecision(3));

export function formatTable(rows: readonly Metric[] = table): string {
  const head = ['metric', 'unit', 'terrain', 'baseline', 'ratio', 'goal'];
  const body = rows.map((m) => [m.name, m.unit, fmt(m.terrain), fmt(m.baseline), m.ratio === null ? '—' : `${m.ratio.toFixed(2)}×`, m.goal ?? '']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
