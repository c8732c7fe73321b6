// Browser harness for the viewer's tests: Debian's chromium driven by playwright-core (headless, fresh profile),
// console errors collected per page, and pixel checks on screenshots. Page code is passed as strings because the
// project compiles without DOM types.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { decodePng } from './plot.js';

export const CHROMIUM = process.env['TERRAIN_CHROMIUM'] ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/web/', import.meta.url));

/** Why browser tests cannot run here, or undefined when they can. */
export async function browserUnavailable(): Promise<string | undefined> {
  if (!existsSync(CHROMIUM)) return `chromium not installed (${CHROMIUM}); apt-get install chromium, or set TERRAIN_CHROMIUM`;
  try {
    await import('playwright-core');
  } catch {
    return 'playwright-core not installed (npm ci)';
  }
  return undefined;
}

export interface Browser {
  context: BrowserContext;
  /** A new page whose console errors and uncaught exceptions are recorded in `errors`. */
  open(): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const profile = await mkdtemp(join(tmpdir(), 'terrain-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 1000 },
  });
  return {
    context,
    async open() {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(`console.error: ${m.text()}`); });
      page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
      return { page, errors };
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Waits until the client says it has drawn `key` (overview, compare, run:ID). */
export async function waitReady(page: Page, key: string, timeout = 30_000): Promise<void> {
  await page.waitForFunction(`document.body.dataset.ready === ${JSON.stringify(key)}`, undefined, { timeout });
}

/** Share of pixels that are clearly coloured (max − min channel > 40): a drawn colour-scaled surface, not white or grey. */
export function colouredFraction(png: Buffer): number {
  const img = decodePng(png);
  let n = 0;
  for (let k = 0; k < img.width * img.height; k++) {
    const r = img.rgba[4 * k]!, g = img.rgba[4 * k + 1]!, b = img.rgba[4 * k + 2]!;
    if (Math.max(r, g, b) - Math.min(r, g, b) > 40) n++;
  }
  return n / (img.width * img.height);
}

/** Fraction of pixels that differ between two same-size screenshots. */
export function changedFraction(a: Buffer, b: Buffer): number {
  const x = decodePng(a), y = decodePng(b);
  if (x.width !== y.width || x.height !== y.height) return 1;
  let n = 0;
  for (let k = 0; k < x.width * x.height; k++) {
    if (Math.abs(x.rgba[4 * k]! - y.rgba[4 * k]!) + Math.abs(x.rgba[4 * k + 1]! - y.rgba[4 * k + 1]!) + Math.abs(x.rgba[4 * k + 2]! - y.rgba[4 * k + 2]!) > 30) n++;
  }
  return n / (x.width * x.height);
}

export async function saveScreenshot(name: string, png: Buffer): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  await writeFile(path, png);
  return path;
}
