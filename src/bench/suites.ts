// The benchmark suites `npm run bench` runs, in order. A new suite is an async function of BenchContext that calls
// addMetric() (metrics.ts) for each number it measures; add it to SUITES with a short name (`--only NAME` runs it alone).
import { adaptiveSuite } from './adaptive.js';
import { adaptiveResnet20Suite } from './adaptive-resnet20.js';
import { distributedSuite } from './distributed.js';
import { gemmSuite } from './gemm.js';
import { gridParallelSuite } from './grid-parallel.js';
import { hvpSuite } from './hvp.js';
import { pointCostSuite } from './point-cost.js';
import { surfaceRssSuite } from './surface-rss.js';
import { surfaceSuite } from './surface.js';
import { throughputSuite } from './throughput.js';

export interface BenchContext {
  /** ORT intra-op threads and PyTorch threads (the machine's cores). */
  threads: number;
  /** PyTorch's version, for labels. */
  torch: string;
  /** Fewer iterations and points: a smoke run of the harness, not numbers to report. */
  quick: boolean;
  log: (line: string) => void;
}

export type Suite = (ctx: BenchContext) => Promise<void>;

export const SUITES: readonly { name: string; run: Suite }[] = [
  { name: 'gemm', run: gemmSuite },
  { name: 'throughput', run: throughputSuite },
  { name: 'surface', run: surfaceSuite },
  { name: 'surface-rss', run: surfaceRssSuite },
  { name: 'grid-parallel', run: gridParallelSuite },
  { name: 'hvp', run: hvpSuite },
  { name: 'point-cost', run: pointCostSuite },
  { name: 'distributed', run: distributedSuite },
  { name: 'adaptive', run: adaptiveSuite },
  // About half an hour on 2 cores (training, the 51×51 surface, three full passes of the PyTorch loop).
  { name: 'adaptive-resnet20', run: adaptiveResnet20Suite },
];
