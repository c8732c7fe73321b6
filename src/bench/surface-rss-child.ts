// Child process of the surface-rss suite: the first points of a 51×51 ResNet-56 surface on 1,000 images through
// runLandscape, then one JSON line with the process's peak RSS and its RSS after each point.
//   node dist/bench/surface-rss-child.js POINTS LANES OUTDIR   (LANES points at once, one ORT thread each)
import { randomData, resnet, CIFAR_SHAPE } from './fixtures.js';
import { partialSurface } from './surface-job.js';

async function main(): Promise<void> {
  const [points, lanes, outDir] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
  if (!(points >= 1) || !(lanes >= 1) || !outDir) throw new Error(`usage: surface-rss-child.js POINTS LANES OUTDIR, got ${process.argv.slice(2).join(' ')}`);
  const rssMiB: number[] = [];
  const run = await partialSurface({
    model: resnet(56), data: randomData(1000, CIFAR_SHAPE, 10, 13), batchSize: 256, side: 51, stopAfter: points, threads: 1, workers: lanes, outDir,
    onPoint: () => { rssMiB.push(process.memoryUsage().rss / 2 ** 20); },
  });
  console.log(JSON.stringify({ maxRssMiB: process.resourceUsage().maxRSS / 1024, rssMiB, pointSeconds: run.pointSeconds }));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
