// Which files of a training directory form the trajectory for `pca:DIR`: init.safetensors and epoch-N.safetensors,
// ordered in time, relative to the final checkpoint (final.safetensors, else the highest epoch), which is excluded.
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';

export interface Trajectory {
  /** Checkpoints in training order (init first), without the final one. */
  points: string[];
  final: string;
  /** Files that were listed but are not part of the trajectory. */
  ignored: string[];
}

const INIT = /^init\.safetensors$/;
const EPOCH = /^epoch-(\d+)\.safetensors$/;
const FINAL = /^final\.safetensors$/;

export function selectTrajectory(dir: string, files: readonly string[]): Trajectory {
  const epochs: { path: string; epoch: number }[] = [];
  let init: string | undefined, final: string | undefined;
  const ignored: string[] = [];
  for (const path of files) {
    const name = basename(path);
    const m = EPOCH.exec(name);
    if (m) epochs.push({ path, epoch: Number(m[1]) });
    else if (INIT.test(name)) init = path;
    else if (FINAL.test(name)) final = path;
    else ignored.push(path);
  }
  epochs.sort((a, b) => a.epoch - b.epoch);
  if (final === undefined) final = epochs.pop()?.path;
  if (final === undefined) {
    throw new Error(`pca:${dir}: no final.safetensors or epoch-N.safetensors checkpoint in the directory (found: ${files.length ? files.map((f) => basename(f)).join(', ') : 'nothing'})`);
  }
  const points = [...(init ? [init] : []), ...epochs.map((e) => e.path)];
  if (points.length === 0) {
    throw new Error(`pca:${dir}: only the final checkpoint ${basename(final)} is there; PCA needs init.safetensors or epoch-N.safetensors files too (train with terrain train, saving every N epochs)`);
  }
  return { points, final, ignored };
}

/** Default listing: the *.safetensors files of a directory, as full paths. */
export async function listSafetensors(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new Error(`pca:${dir}: cannot read the training directory (${(e as Error).message})`);
  }
  return names.filter((n) => n.endsWith('.safetensors')).sort().map((n) => join(dir, n));
}
