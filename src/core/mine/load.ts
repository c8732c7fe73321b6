// `mined:PATH` → the mined vector: PATH is a direction file written by `terrain mine`, or a mining run directory
// (its best direction, OUT/direction.safetensors). The vector is the direction itself, already of the norm it was
// mined under, so the spec's default scaling (norm=none, bias-bn=keep, scale=1) uses it unchanged.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadDirection } from '../directions/io.js';
import type { ParamLayout, ParamVector } from '../params.js';
import { InputError, worded } from '../../ir/errors.js';
import { OUT_OPTION } from '../runs/run-dir-errors.js';

/** A mined: direction that cannot be read: bad input (InputError, exit 2), named like the other direction problems. */
export class MinedDirectionError extends InputError {
  override name = 'DirectionError';
}

export function minedDirectionPath(path: string): string {
  if (!existsSync(path)) throw new MinedDirectionError(worded`mined:${path}: no such file or directory; give a direction.safetensors written by \`terrain mine\` or its ${OUT_OPTION} directory`);
  if (!statSync(path).isDirectory()) return path;
  const file = join(path, 'direction.safetensors');
  if (!existsSync(file)) throw new MinedDirectionError(`mined:${path}: the directory holds no direction.safetensors; is it a finished \`terrain mine\` run? (per-seed directions are in ${join(path, 'seed-S', 'direction.safetensors')})`);
  return file;
}

export function loadMinedDirection(path: string, layout: ParamLayout): ParamVector {
  return loadDirection(minedDirectionPath(path), layout).vector;
}
