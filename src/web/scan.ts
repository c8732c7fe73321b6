// Finds run directories (run.json) and training directories (train.json) under a root, without following links.
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface FoundRun {
  /** Relative to the root, '/'-separated; '' when the root itself is a run. */
  id: string;
  dir: string;
  marker: 'run.json' | 'train.json';
}

export interface ScanOptions {
  /** How many folder levels below the root are searched. */
  maxDepth?: number;
}

const SKIP = new Set(['node_modules', '.git', 'dist']);

/** Every run under root, sorted by id. A run directory is not searched further (its own files are not runs). */
export async function scanRuns(root: string, options: ScanOptions = {}): Promise<FoundRun[]> {
  const maxDepth = options.maxDepth ?? 6;
  const found: FoundRun[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // unreadable folder: not a run
    }
    const names = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
    const marker = names.has('run.json') ? 'run.json' : names.has('train.json') ? 'train.json' : undefined;
    if (marker) {
      found.push({ id: relative(root, dir).split(sep).join('/'), dir, marker });
      return;
    }
    if (depth >= maxDepth) return;
    for (const e of entries) {
      if (e.isDirectory() && !SKIP.has(e.name) && !e.name.startsWith('.')) await visit(join(dir, e.name), depth + 1);
    }
  };
  await visit(root, 0);
  return found.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}
