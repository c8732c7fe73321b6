// The report and the served app in a real browser (Debian's chromium via playwright-core): they load with no
// console errors, the 3-D surface draws coloured pixels and rotates, selecting a run switches the figure, toggles
// switch the view, comparison shows both runs, and the app follows a running job. Screenshots: test-artifacts/web/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { writeReport } from './report.js';
import { startServer, type RunningServer } from './server.js';
import { CURVE_LAMBDAS, curveLoss, runningCurvePoints, writeFixtureRuns } from '../testing/web.js';
import { blockLine, TOL_LAMBDAS, tolStderr, writePrecisionRuns } from '../testing/web-precision.js';
import { browserUnavailable, changedFraction, colouredFraction, launch, saveScreenshot, waitReady, type Browser } from '../testing/web-browser.js';

const unavailable = await browserUnavailable();
if (unavailable) console.log(`# browser tests skipped: ${unavailable}`);

/** Traces of the n-th plot inside `scope`, as Plotly holds them (name, x, y, z). */
async function traces(page: Page, scope: string, n = 0): Promise<{ name?: string; x?: number[]; y?: (number | null)[]; z?: (number | null)[][] }[]> {
  return page.evaluate(`Array.from(document.querySelectorAll(${JSON.stringify(`${scope} .plot`)}))[${n}].data.map((t) => ({ name: t.name, x: t.x, y: t.y, z: t.z }))`);
}

async function text(page: Page, selector: string): Promise<string[]> {
  return page.evaluate(`Array.from(document.querySelectorAll(${JSON.stringify(selector)})).map((e) => e.textContent)`);
}

const near = (a: readonly (number | null)[] | undefined, b: readonly number[]): boolean => !!a && a.length === b.length && a.every((v, i) => v !== null && Math.abs(v - b[i]!) < 1e-12);

/** The middle of the 3-D plot (away from the colour bar): screenshot and the point to drag from. */
async function sceneShot(page: Page): Promise<{ png: Buffer; centre: { x: number; y: number } }> {
  const box = (await page.locator('.plot-gl3d').first().boundingBox())!;
  const clip = { x: box.x + box.width * 0.15, y: box.y + box.height * 0.2, width: box.width * 0.55, height: box.height * 0.6 };
  return { png: await page.screenshot({ clip }), centre: { x: clip.x + clip.width / 2, y: clip.y + clip.height / 2 } };
}

describe('viewer in chromium', { skip: unavailable }, () => {
  let browser: Browser, root: string, ids: Record<string, string>, reportUrl: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'terrain-browser-'));
    ids = await writeFixtureRuns(join(root, 'runs'));
    const r = await writeReport([join(root, 'runs')], join(root, 'report.html'), { title: 'fixture report', version: 'test' });
    reportUrl = pathToFileURL(r.path).href;
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await rm(root, { recursive: true, force: true });
  });

  test('report: offline, 3-D surface drawn and rotatable, runs switch the figure, toggles, comparison', async () => {
    const { page, errors } = await browser.open();
    const requests: string[] = [];
    page.on('request', (req) => { if (!/^(file|data|blob):/.test(req.url())) requests.push(req.url()); });
    await page.goto(reportUrl);
    await waitReady(page, 'overview');
    assert.ok((await page.locator('.panel').count()) >= 3, 'overview: all curves, curve types, a 3-D surface');
    await saveScreenshot('report-overview.png', await page.screenshot());

    await page.click(`a.run-item[data-id="${ids['pca']}"]`);
    await waitReady(page, `run:${ids['pca']}`);
    assert.ok((await traces(page, '.panel-2d')).some((t) => t.name === 'training trajectory'));
    await page.waitForSelector('.plot-gl3d .gl-container canvas');
    await page.waitForTimeout(300);
    const before3d = await sceneShot(page);
    const coloured = colouredFraction(before3d.png);
    assert.ok(coloured > 0.1, `the 3-D surface should colour the middle of its plot; ${(coloured * 100).toFixed(1)}% coloured pixels`);
    await saveScreenshot('report-surface.png', await page.screenshot());
    await page.mouse.move(before3d.centre.x, before3d.centre.y);
    await page.mouse.down();
    await page.mouse.move(before3d.centre.x + 140, before3d.centre.y + 30, { steps: 1 });
    await page.mouse.up();
    await page.waitForTimeout(300);
    const eye = await page.evaluate('document.querySelector(".plot-gl3d").layout.scene.camera.eye') as { x: number; y: number; z: number };
    assert.ok(Math.abs(eye.x - 1.65) + Math.abs(eye.y + 1.65) > 0.05, `dragging rotates the camera (eye ${JSON.stringify(eye)})`);
    const moved = changedFraction(before3d.png, (await sceneShot(page)).png);
    assert.ok(moved > 0.02, `the rotated surface is drawn anew; ${(moved * 100).toFixed(1)}% pixels changed`);

    await page.click(`a.run-item[data-id="${ids['bowl']}"]`);
    await waitReady(page, `run:${ids['bowl']}`);
    assert.deepEqual(await text(page, '.run-title'), [ids['bowl']]);
    assert.deepEqual(await text(page, '.run-meta .badge'), ['v-basin']);
    assert.ok(near((await traces(page, '')).find((t) => t.name === 'loss (v-basin)')?.y, CURVE_LAMBDAS.map(curveLoss)), 'the bowl curve is drawn');
    await page.click(`a.run-item[data-id="${ids['slope']}"]`);
    await waitReady(page, `run:${ids['slope']}`);
    assert.ok(near((await traces(page, '')).find((t) => t.name === 'loss (monotone)')?.y, CURVE_LAMBDAS.map((l) => 1 + l)), 'selecting another run switches the figure');
    await page.click('.toggle[data-view="accuracy"]');
    await page.waitForFunction('document.querySelector(".plot").data[0].name === "accuracy"');
    assert.ok(near((await traces(page, ''))[0]!.y, CURVE_LAMBDAS.map(() => 0.5)), 'the accuracy toggle draws accuracy');

    await page.evaluate(`location.hash = ${JSON.stringify(`#/compare/${encodeURIComponent(ids['bowl']!)}/${encodeURIComponent(ids['explain']!)}`)}`);
    await waitReady(page, 'compare');
    assert.deepEqual(await text(page, '.compare-col .run-title'), [ids['bowl'], ids['explain']]);
    assert.ok(near((await traces(page, '.compare-col[data-side="b"]')).find((t) => t.name === 'predicted')?.y, CURVE_LAMBDAS.map((l) => 0.1 + l * l)), 'the right column draws the explained curve');
    assert.ok(near((await traces(page, '.compare-col[data-side="a"]')).find((t) => t.name === 'loss (v-basin)')?.y, CURVE_LAMBDAS.map(curveLoss)), 'the left column draws the bowl');
    const renders = Number(await page.evaluate('document.body.dataset.renders'));
    await page.selectOption('#compare-b', ids['slope']!);
    await page.waitForFunction(`Number(document.body.dataset.renders) > ${renders} && document.body.dataset.ready === "compare"`);
    assert.deepEqual(await text(page, '.compare-col .run-title'), [ids['bowl'], ids['slope']]);
    await saveScreenshot('report-compare.png', await page.screenshot());

    assert.deepEqual(requests, [], 'the report fetches nothing');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('served app: live progress of a running job, downloads, comparison', async () => {
    let server: RunningServer | undefined;
    const { page, errors } = await browser.open();
    try {
      server = await startServer({ root: join(root, 'runs'), port: 0, pollMs: 250 });
      const id = ids['runningCurve']!;
      await page.goto(`${server.url}#/run/${encodeURIComponent(id)}`);
      await waitReady(page, `run:${id}`);
      assert.deepEqual(await text(page, '.run .progress-text'), ['8/21']);
      await page.click('.run .toggle[data-view="accuracy"]');
      const dir = join(root, 'runs', id);
      await appendFile(join(dir, 'points.jsonl'), runningCurvePoints(8, 15));
      await page.waitForFunction('document.querySelector(".run .progress-text")?.textContent === "15/21"', undefined, { timeout: 15_000 });
      assert.match((await text(page, `a.run-item[data-id="${id}"] .badge`))[0]!, /running 15\/21/);
      assert.equal(await page.getAttribute('.run .plot', 'data-view'), 'accuracy', 'the chosen view survives the redraw');
      await page.click('.run .toggle[data-view="loss"]');
      const drawn = (await traces(page, '.run')).find((t) => t.name === 'loss (running)')!.y!;
      assert.ok(near(drawn.slice(0, 15), CURVE_LAMBDAS.slice(0, 15).map(curveLoss)) && drawn.slice(15).every((v) => v === null), 'the curve shows the 15 finished points');
      await saveScreenshot('serve-running.png', await page.screenshot());

      // The job finishes: all points and result.json; the page drops the progress bar, shows the type and the whole curve.
      await appendFile(join(dir, 'points.jsonl'), runningCurvePoints(15, 21));
      await writeFile(join(dir, 'result.json'), JSON.stringify({ kind: 'curve', lambdas: CURVE_LAMBDAS, loss: CURVE_LAMBDAS.map(curveLoss), type: 'v-basin' }));
      await page.waitForFunction('!document.querySelector(".run .progress") && document.body.dataset.ready !== ""', undefined, { timeout: 15_000 });
      await waitReady(page, `run:${id}`);
      assert.deepEqual(await text(page, '.run-meta .badge'), ['v-basin']);
      assert.ok(near((await traces(page, '.run')).find((t) => t.name === 'loss (v-basin)')?.y, CURVE_LAMBDAS.map(curveLoss)));

      const href = await page.getAttribute('a.download[data-format="csv"]', 'href');
      const csv = await page.evaluate(`fetch(${JSON.stringify(href)}).then((r) => r.text())`) as string;
      assert.match(csv, /^lambda,loss,accuracy,loss_stderr\n-1,2\.1,/);
      const png = await page.evaluate(`fetch(document.querySelector('a.download[data-format="png"]').href).then((r) => r.headers.get('content-type') + ' ' + r.status)`);
      assert.equal(png, 'image/png 200');

      await page.click('#nav-compare');
      await waitReady(page, 'compare');
      assert.equal((await text(page, '.compare-col .run-title')).length, 2);
      assert.equal(await page.locator('.compare-col .plot').count() >= 2, true);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
      await server?.close();
    }
  });

  test('served app: error bars, refined regions, the downsampling note, a --tolerance run pass by pass', async () => {
    const dir = join(root, 'precision');
    const p = await writePrecisionRuns(dir);
    const server = await startServer({ root: dir, port: 0, pollMs: 250 });
    const { page, errors } = await browser.open();
    try {
      await page.goto(`${server.url}#/run/${encodeURIComponent(p['tolCurve']!)}`);
      await waitReady(page, `run:${p['tolCurve']}`);
      const bars = await page.evaluate('document.querySelector(".run .plot").data[0].error_y.array') as number[];
      assert.ok(near(bars, TOL_LAMBDAS.map(tolStderr)), 'the loss carries its per-point standard errors as error bars');
      await saveScreenshot('serve-tolerance-curve.png', await page.screenshot());

      await page.evaluate(`location.hash = ${JSON.stringify(`#/run/${encodeURIComponent(p['refine']!)}`)}`);
      await waitReady(page, `run:${p['refine']}`);
      const names = (await traces(page, '.run')).map((t) => t.name);
      assert.ok(names.includes('interpolated (16 points, hatched)') && names.includes('measured (29 nodes)'), names.join(', '));
      await saveScreenshot('serve-refined-surface.png', await page.screenshot());

      await page.evaluate(`location.hash = ${JSON.stringify(`#/run/${encodeURIComponent(p['large']!)}`)}`);
      await waitReady(page, `run:${p['large']}`);
      assert.ok((await text(page, '.run .note')).some((n) => n!.includes('showing 201×201 of 1,001×1,001, every 5th point')));
      assert.ok((await text(page, '.run-meta .badge')).includes('downsampled'));

      await page.evaluate(`location.hash = ${JSON.stringify(`#/run/${encodeURIComponent(p['tolRunning']!)}`)}`);
      await waitReady(page, `run:${p['tolRunning']}`);
      assert.match((await text(page, '.run-meta .badge')).join(' '), /pass 1/);
      await appendFile(join(dir, p['tolRunning']!, 'samples.jsonl'), blockLine(0, 1, [[95, 920, 85, 100]]));
      await page.waitForFunction('[...document.querySelectorAll(".run-meta .badge")].some((b) => /pass 2/.test(b.textContent))', undefined, { timeout: 15_000 });
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
      await server.close();
    }
  });
});
