/**
 * The web dashboard in a real browser (Debian Chromium through playwright-core) against a real server
 * (`startServer` on a fresh SQLite with the demo seeded): every page shows the API's data, a reviewer decides
 * and signs, a developer's dropped Inspect log gives the determination the core computes, the in-browser log
 * inclusion check passes (and fails visibly on a tampered entry), axe-core finds no serious or critical
 * violations, and screenshots are saved at desktop and phone widths to test-output/screenshots/.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../cli/commands/serve.js';
import { determineDocuments } from '../core/determination/index.js';
import { sha256Hex } from '../core/digest.js';
import { parseFramework } from '../core/framework/index.js';
import type { Framework } from '../core/framework/types.js';
import { importLog, mergeImported } from '../core/import/index.js';
import { type DemoToken, demoInstitutions, seedDemo } from '../demo/seed.js';
import { openStore } from '../store/db.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = join(REPO, 'test-output/screenshots');
const FIXTURES = join(REPO, '../shared/fixtures/inspect');
const NAMED_FIXTURE = join(FIXTURES, '2024-08-29T15-11-18+00-00_popularity_5EAmX6wjMFqea6WY7XHzZp.json');
const IMPORTABLE_FIXTURE = join(FIXTURES, '2025-05-12T20-28-13-04-00_popularity.json');
const ZSTD_EVAL_FIXTURE = join(FIXTURES, 'chunked-zstd/log_streaming.eval');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let dir: string;
let tokens: DemoToken[] = [];
const consoleErrors: string[] = [];

const token = (person: string) => tokens.find((t) => t.person === person)!.token;

async function getJson<T>(path: string, auth?: string): Promise<T> {
  const res = await fetch(
    `${server.url}${path}`,
    auth ? { headers: { authorization: `Bearer ${auth}` } } : {},
  );
  expect(res.ok, `${path}: ${res.status}`).toBe(true);
  return (await res.json()) as T;
}

/** The developer console's default framework (the first current one) and its first metric, as the page lists them. */
async function developerFramework(): Promise<{ framework: Framework; metric: string }> {
  const list = await getJson<{ items: { id: string; version: string; superseded_by: string | null }[] }>(
    '/v1/frameworks',
  );
  const fwSummary = list.items.filter((f) => f.superseded_by === null)[0]!;
  const detail = await getJson<{ source: string }>(`/v1/frameworks/${fwSummary.id}/${fwSummary.version}`);
  const framework = parseFramework(detail.source);
  const metric = [
    ...new Set(
      framework.domains.flatMap((d) => d.thresholds.flatMap((t) => t.indicators.map((i) => i.metric))),
    ),
  ].sort()[0]!;
  return { framework, metric };
}

/** What `greenlight evidence import --allow-incomplete` + `greenlight determine` give for a log file. */
function coreDetermination(
  framework: Framework,
  format: 'inspect-json' | 'inspect-eval',
  file: string,
  metric: string,
  model: { id: string; version: string },
) {
  const bytes = new Uint8Array(readFileSync(file));
  const imported = importLog(format, bytes, {
    metric,
    allowIncomplete: true,
    fileName: basename(file),
    sha256: sha256Hex(bytes),
  });
  const evidence = JSON.parse(JSON.stringify(mergeImported([imported], model)));
  return determineDocuments(framework, [{ value: evidence }]);
}

async function open(path: string, viewport = DESKTOP): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${path}: ${m.text()}`);
  });
  await page.goto(`${server.url}/${path}`);
  return page;
}

/** axe-core, injected through the DevTools protocol (not a <script>, which the CSP would rightly refuse). */
async function expectAccessible(page: Page, name: string): Promise<void> {
  await page.evaluate(axe.source);
  const result = await page.evaluate(async () => {
    const w = window as unknown as { axe: typeof axe };
    const r = await w.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
    }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad, `${name}: ${JSON.stringify(bad, null, 1)}`).toEqual([]);
}

async function send<T>(
  method: string,
  path: string,
  body: unknown,
  auth?: string,
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (auth) headers.authorization = `Bearer ${auth}`;
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** Evidence from examples/evidence for a model version. */
function exampleEvidence(file: string, model: string, version: string): Record<string, unknown> {
  const evidence = JSON.parse(readFileSync(join(REPO, 'examples/evidence', file), 'utf8'));
  evidence.model = { id: model, version };
  return evidence;
}

/** Submits under the newest example-frontier version that takes the evidence. */
async function submitAs(
  developer: string,
  evidence: Record<string, unknown>,
): Promise<{ id: string; status: string; determination: { granted_tier: string; outcome: string } }> {
  const list = await getJson<{ items: { id: string; version: string }[] }>('/v1/frameworks');
  for (const f of list.items.filter((x) => x.id === 'example-frontier').reverse()) {
    const r = await send<{
      id: string;
      status: string;
      determination: { granted_tier: string; outcome: string };
    }>(
      'POST',
      '/v1/submissions',
      { framework: { id: f.id, version: f.version }, evidence },
      token(developer),
    );
    if (r.status === 201) return r.body;
  }
  throw new Error('no framework version took the evidence');
}

/** Two reviewers make a decision take effect (quorum 2 in the example framework). */
async function decideByApi(submission: string, body: Record<string, unknown>): Promise<void> {
  const proposed = await send<{ id: string; effective: boolean }>(
    'POST',
    `/v1/submissions/${submission}/decision`,
    body,
    token('rev-ada'),
  );
  expect(proposed.status).toBe(201);
  const signed = await send<{ effective: boolean }>(
    'POST',
    `/v1/decisions/${proposed.body.id}/sign`,
    undefined,
    token('rev-bram'),
  );
  expect(signed.body.effective).toBe(true);
}

async function signInReviewer(page: Page, person: string): Promise<void> {
  await page.getByLabel('Reviewer token').fill(token(person));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signed-in').waitFor();
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`) });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: join(SHOTS, `${name}-phone.png`) });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${name}: the page scrolls sideways at phone width`).toBeLessThanOrEqual(1);
  await page.setViewportSize(DESKTOP);
}

describe.skipIf(!HAVE_CHROMIUM)(
  `web dashboard in Chromium${HAVE_CHROMIUM ? '' : ' — SKIPPED: chromium not installed; apt-get install chromium'}`,
  () => {
    beforeAll(async () => {
      if (!existsSync(join(REPO, 'web/dist/index.html'))) {
        const { build } = await import('vite');
        await build({ configFile: join(REPO, 'web/vite.config.ts'), logLevel: 'warn' });
      }
      mkdirSync(SHOTS, { recursive: true });
      dir = mkdtempSync(join(tmpdir(), 'greenlight-web-e2e-'));
      const store = await openStore(`sqlite:${join(dir, 'db.sqlite')}`);
      const seeded = await seedDemo(store);
      if (seeded.status !== 'seeded') throw new Error(`demo not seeded: ${seeded.status}`);
      tokens = seeded.tokens;
      server = await startServer({ store, closeStore: true, port: 0, logger: false, sweepIntervalMs: 0 });
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
      context = await browser.newContext();
      // Wait until the log has a checkpoint covering the seeded history (integration runs about every second).
      for (let i = 0; i < 50; i++) {
        const res = await fetch(`${server.url}/log/checkpoint`);
        if (res.ok) break;
        await new Promise((r) => setTimeout(r, 200));
      }
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('serves the app with the CSP; unknown paths and API paths are JSON 404s', async () => {
      const home = await fetch(`${server.url}/`);
      expect(home.status).toBe(200);
      expect(home.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(home.headers.get('content-security-policy')).toContain("style-src 'self'");
      expect(await home.text()).toContain('<div id="root">');
      // The app routes with the URL hash, so a path that is no file is a 404 like any unknown route.
      const deep = await fetch(`${server.url}/some/deep/link`);
      expect(deep.status).toBe(404);
      expect(((await deep.json()) as { error: { code: string } }).error.code).toBe('not_found');
      const api404 = await fetch(`${server.url}/v1/nope`);
      expect(api404.status).toBe(404);
      expect(((await api404.json()) as { error: { code: string } }).error.code).toBe('not_found');
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.url}/openapi.json`)).headers.get('content-type')).toContain('json');
    });

    it('registry: the models of the API with tier, status and clocks', async () => {
      const api = await getJson<{ items: { id: string; status: string; effective_tier: string | null }[] }>(
        '/v1/models?limit=50',
      );
      expect(api.items.length).toBeGreaterThan(0);
      const page = await open('#/');
      await page.waitForSelector('table.registry tbody tr');
      const ids = await page.$$eval('table.registry tbody tr', (rows) =>
        rows.map((r) => r.getAttribute('data-model')),
      );
      expect(ids).toEqual(api.items.map((m) => m.id));
      for (const m of api.items.slice(0, 5)) {
        const row = page.locator(`tr[data-model="${m.id}"]`);
        expect(await row.locator('[data-col="tier"]').textContent()).toBe(m.effective_tier ?? 'none');
        expect(await row.locator('[data-col="status"]').textContent()).toBe(m.status.replaceAll('_', ' '));
      }
      await expectAccessible(page, 'registry');
      await shoot(page, 'registry');
      await page.close();
    });

    it('model page: timeline, determination charts, decisions, and every log entry verified in the browser', async () => {
      const models = await getJson<{ items: { id: string }[] }>('/v1/models?limit=200');
      let chosen:
        | {
            id: string;
            status: string;
            effective_tier: string | null;
            submissions: { decisions: unknown[] }[];
          }
        | undefined;
      for (const m of models.items) {
        const view = await getJson<NonNullable<typeof chosen>>(`/v1/models/${m.id}`);
        if (view.submissions.some((s) => s.decisions.length > 0)) {
          chosen = view;
          break;
        }
      }
      expect(chosen).toBeDefined();
      const model = chosen!;
      const page = await open(`#/models/${model.id}`);
      await page.waitForSelector('.timeline li');
      expect(await page.getByTestId('model-status').textContent()).toBe(model.status.replaceAll('_', ' '));
      expect(await page.getByTestId('effective-tier').textContent()).toBe(model.effective_tier ?? 'none');
      expect(await page.locator('.plot svg').count()).toBeGreaterThan(0);
      // Every inclusion check settles, and all of them pass.
      await page.waitForFunction(
        () => document.querySelectorAll('[data-check="checking"], [data-check="pending"]').length === 0,
        undefined,
        { timeout: 30_000 },
      );
      const failed = await page.locator('[data-check="failed"]').count();
      expect(failed).toBe(0);
      expect(await page.locator('[data-check="verified"]').count()).toBeGreaterThan(3);
      await expectAccessible(page, 'model page');
      await shoot(page, 'model');
      await page.close();

      // The README's screenshot: the demo's restricted model, scrolled to its latest review so the determination
      // charts (estimates, intervals, threshold lines, verdict colours: bio below, cyber crossed) fill the 1280×800
      // screen.
      const readme = await open('#/models/example-lab/model-x');
      await readme.waitForSelector('.review[open] .plot svg');
      await readme.waitForFunction(
        () => document.querySelectorAll('[data-check="checking"], [data-check="pending"]').length === 0,
        undefined,
        { timeout: 30_000 },
      );
      await readme
        .locator('.review[open] > h3', { hasText: 'Determination' })
        .first()
        .evaluate((el) => el.scrollIntoView({ block: 'start' }));
      // The chart is in view: its top is inside the first screen.
      const chartTop = await readme
        .locator('.review[open] .plot svg')
        .first()
        .evaluate((el) => el.getBoundingClientRect().top);
      expect(chartTop).toBeGreaterThanOrEqual(0);
      expect(chartTop).toBeLessThan(DESKTOP.height / 2);
      await readme.screenshot({ path: join(SHOTS, 'model-page-readme.png') });
      // The committed screenshot: written when missing or with UPDATE_SCREENSHOTS=1 (so a test run does not
      // dirty the tree).
      const committed = join(REPO, 'docs/screenshots/model-page.png');
      if (!existsSync(committed) || process.env.UPDATE_SCREENSHOTS === '1') {
        mkdirSync(join(REPO, 'docs/screenshots'), { recursive: true });
        copyFileSync(join(SHOTS, 'model-page-readme.png'), committed);
      }
      expect(statSync(committed).size).toBeLessThan(300 * 1024);
      await readme.close();
    });

    it('model page: a tampered log entry fails the inclusion check visibly', async () => {
      const models = await getJson<{ items: { id: string }[] }>('/v1/models?limit=5');
      const id = models.items[0]!.id;
      const view = await getJson<{ submissions: { log_index: number; events: { log_index: number }[] }[] }>(
        `/v1/models/${id}`,
      );
      const target = view.submissions[0]!.events[0]!.log_index;
      const page = await context.newPage();
      await page.route(`**/v1/log/entries/${target}`, async (route) => {
        const res = await route.fetch();
        const body = (await res.json()) as { entry: string };
        // One changed byte in the entry (an edited record): its leaf hash no longer matches.
        body.entry = body.entry.replace('"v":1', '"v":2');
        await route.fulfill({ response: res, json: body });
      });
      await page.goto(`${server.url}/#/models/${id}`);
      const badge = page.locator(`.timeline [data-log-index="${target}"]`);
      await badge.waitFor();
      await page.waitForFunction(
        (i) =>
          document.querySelector(`.timeline [data-log-index="${i}"]`)?.getAttribute('data-check') ===
          'failed',
        target,
        { timeout: 20_000 },
      );
      expect(await badge.textContent()).toContain('✗ failed');
      // The others still pass.
      await page.waitForFunction(() => document.querySelectorAll('[data-check="checking"]').length === 0);
      expect(await page.locator('[data-check="failed"]').count()).toBe(1);
      await page.close();
    });

    it('framework page and a diff between two versions', async () => {
      const list = await getJson<{ items: { id: string; version: string; title: string }[] }>(
        '/v1/frameworks',
      );
      const fw = list.items.find((f) => f.id === 'example-frontier')!;
      const page = await open(`#/frameworks/${fw.id}/${fw.version}`);
      await page.waitForSelector('.threshold');
      const detail = await getJson<{ source: string }>(`/v1/frameworks/${fw.id}/${fw.version}`);
      const parsed = parseFramework(detail.source);
      const first = parsed.domains[0]!.thresholds[0]!;
      expect(
        await page
          .locator(`[data-threshold="${parsed.domains[0]!.id}.${first.id}"] blockquote`)
          .textContent(),
      ).toBe(first.text.trim());
      await expectAccessible(page, 'framework');
      await shoot(page, 'framework');
      const versions = list.items.filter((f) => f.id === fw.id);
      if (versions.length > 1) {
        await page.goto(
          `${server.url}/#/frameworks/${fw.id}/diff?from=${versions[0]!.version}&to=${versions[1]!.version}`,
        );
        await page.waitForSelector('.diff li');
        expect(await page.locator('.diff li').count()).toBeGreaterThan(0);
        await expectAccessible(page, 'framework diff');
        await shoot(page, 'framework-diff');
      }
      await page.close();
    });

    it('statistics: the API numbers and charts', async () => {
      const stats = await getJson<{ reviews: number }>('/v1/statistics');
      const page = await open('#/statistics');
      await page.waitForSelector('.plot svg');
      expect(await page.getByTestId('stat-reviews').textContent()).toBe(String(stats.reviews));
      await expectAccessible(page, 'statistics');
      await shoot(page, 'statistics');
      await page.close();
    });

    it('reviewer console: two reviewers decide and sign; the registry shows the approval', async () => {
      // A fresh submission by the example-lab developer.
      const evidence = JSON.parse(readFileSync(join(REPO, 'examples/evidence/01-approve.json'), 'utf8'));
      evidence.model = { id: 'example-lab/e2e-model', version: '1.0' };
      const list = await getJson<{ items: { id: string; version: string; superseded_by: string | null }[] }>(
        '/v1/frameworks',
      );
      let submitted: { id: string; determination: { granted_tier: string } } | undefined;
      for (const f of list.items.filter((x) => x.id === 'example-frontier').reverse()) {
        const res = await fetch(`${server.url}/v1/submissions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token('dev-example')}` },
          body: JSON.stringify({ framework: { id: f.id, version: f.version }, evidence }),
        });
        if (res.status === 201) {
          submitted = (await res.json()) as typeof submitted;
          break;
        }
      }
      expect(submitted).toBeDefined();
      const granted = submitted!.determination.granted_tier;

      const page = await open('#/review');
      const signIn = async (person: string) => {
        await page.getByLabel('Reviewer token').fill(token(person));
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByTestId('signed-in').waitFor();
      };
      await signIn('rev-ada');
      await page.locator('[data-queue="example-lab/e2e-model"] button').click();
      await page.waitForSelector('.review-panel .plot svg');
      await expectAccessible(page, 'reviewer console');
      await shoot(page, 'reviewer');
      await page.getByLabel('Rationale').fill('All indicators below their thresholds; safeguards attested.');
      await page.getByLabel('Tier').selectOption(granted);
      await page.getByRole('button', { name: 'Propose and sign' }).click();
      await page.locator('.decision-form [role="status"]', { hasText: 'Decision proposed' }).waitFor();

      await page.getByRole('button', { name: 'Sign out' }).click();
      await signIn('rev-bram');
      await page.locator('[data-queue="example-lab/e2e-model"] button').click();
      await page.getByRole('button', { name: /^Sign “approve/ }).click();
      await page.locator('[role="status"]', { hasText: 'the decision took effect' }).first().waitFor();
      await page.close();

      const reg = await open('#/?q=e2e-model');
      await reg.getByRole('searchbox').fill('e2e-model');
      await reg.getByRole('button', { name: 'Search' }).click();
      const row = reg.locator('tr[data-model="example-lab/e2e-model"]');
      await row.waitFor();
      await reg.waitForFunction(
        () =>
          document.querySelector('tr[data-model="example-lab/e2e-model"] [data-col="status"]')
            ?.textContent === 'approved',
      );
      expect(await row.locator('[data-col="tier"]').textContent()).toBe(granted);
      await reg.close();
    });

    it('developer console: a dropped Inspect log gives the determination `greenlight determine` computes', async () => {
      const { framework, metric } = await developerFramework();

      const page = await open('#/develop');
      await page.waitForSelector('select');
      // The fixture named in the brief holds no per-sample scores: the core refuses it, in the browser as in the CLI.
      const namedBytes = readFileSync(NAMED_FIXTURE);
      let cliError = '';
      try {
        importLog('inspect-json', new Uint8Array(namedBytes), {
          metric,
          fileName: basename(NAMED_FIXTURE),
          sha256: sha256Hex(new Uint8Array(namedBytes)),
        });
      } catch (e) {
        cliError = (e as Error).message;
      }
      expect(cliError).not.toBe('');
      await page.getByTestId('evidence-input').setInputFiles(NAMED_FIXTURE);
      await page.getByLabel('Model (org/name)').fill('example-lab/popularity');
      await page.getByLabel('Model version').fill('2025-05-12');
      await page.getByTestId('core-error').waitFor();
      expect(await page.getByTestId('core-error').textContent()).toContain(
        cliError.split(' (')[0]!.slice(0, 60),
      );
      await page.getByRole('button', { name: 'Clear files' }).click();

      // An importable Inspect log: the same digest as import + determine with the core.
      const expected = coreDetermination(framework, 'inspect-json', IMPORTABLE_FIXTURE, metric, {
        id: 'example-lab/popularity',
        version: '2025-05-12',
      });
      await page.getByTestId('evidence-input').setInputFiles(IMPORTABLE_FIXTURE);
      await page.getByLabel('Framework metric').selectOption(metric);
      await page.getByLabel('accept incomplete logs').check();
      await page.getByTestId('determination-digest').waitFor();
      expect(await page.getByTestId('determination-digest').textContent()).toBe(expected.digest);
      await expectAccessible(page, 'developer console');
      await shoot(page, 'developer');

      // Submitting: the server computes the same determination.
      await page.getByLabel('Developer token').fill(token('dev-example'));
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByTestId('signed-in').waitFor();
      await page.getByRole('button', { name: 'Submit for review' }).click();
      await page.getByTestId('server-digest').waitFor();
      expect(await page.getByTestId('server-digest').textContent()).toBe(expected.digest);
      await page.close();
    });

    it('developer console: a zstd .eval archive is read in a Web Worker; one that overruns the time limit is a clear error', async () => {
      const { framework, metric } = await developerFramework();
      const expected = coreDetermination(framework, 'inspect-eval', ZSTD_EVAL_FIXTURE, metric, {
        id: 'example-lab/streaming',
        version: '1',
      });

      const page = await open('#/develop');
      await page.waitForSelector('select');
      await page.getByTestId('evidence-input').setInputFiles(ZSTD_EVAL_FIXTURE);
      await page.getByLabel('Model (org/name)').fill('example-lab/streaming');
      await page.getByLabel('Model version').fill('1');
      await page.getByLabel('Framework metric').selectOption(metric);
      await page.getByLabel('accept incomplete logs').check();
      await page.getByTestId('determination-digest').waitFor();
      expect(await page.getByTestId('determination-digest').textContent()).toBe(expected.digest);
      await page.getByRole('button', { name: 'Clear files' }).click();

      // A decode that does not finish in time (hostile zstd can loop forever) is stopped: a 1 ms limit stands in.
      await page.evaluate(() => localStorage.setItem('greenlight.importTimeoutMs', '1'));
      try {
        await page.getByTestId('evidence-input').setInputFiles(ZSTD_EVAL_FIXTURE);
        await page.getByTestId('core-error').waitFor();
        expect(await page.getByTestId('core-error').textContent()).toBe(
          'log_streaming.eval: decoding did not finish within 1 ms; the archive is malformed or hostile',
        );
        expect(await page.getByTestId('determination-digest').count()).toBe(0);
      } finally {
        await page.evaluate(() => localStorage.removeItem('greenlight.importTimeoutMs'));
      }
      await page.close();
    });

    it('reviewer console: reported incidents listed (class, description, times, late flag), classified, dismissed, resolved', async () => {
      const model = 'quillon-ai/sparrow-1';
      const now = Date.now();
      // A public report (will be classified into another class, then resolved) …
      const a = await send<{ id: string }>('POST', '/v1/incidents', {
        model,
        class: 'general_jailbreak',
        description: 'E2E: a single prompt family gets past the refusal layer.',
        discovered_at: new Date(now - 3600_000).toISOString(),
      });
      expect(a.status).toBe(201);
      // … and the developer's own report, 30 days after discovery: late for narrow_jailbreak (15 days).
      const b = await send<{ id: string }>(
        'POST',
        '/v1/incidents',
        {
          model,
          class: 'narrow_jailbreak',
          description: 'E2E: an old narrow finding reported late.',
          discovered_at: new Date(now - 30 * 86400_000).toISOString(),
        },
        token('dev-quillon'),
      );
      expect(b.status).toBe(201);
      const incident = async (id: string) =>
        (
          await getJson<{ incidents: { id: string; status: string; class: string; late: boolean }[] }>(
            `/v1/models/${model}`,
            token('rev-cyra'),
          )
        ).incidents.find((i) => i.id === id)!;
      expect((await incident(b.body.id)).late).toBe(true);

      const page = await open('#/review');
      await signInReviewer(page, 'rev-cyra');
      const cardA = page.locator(`[data-incident-id="${a.body.id}"]`);
      const cardB = page.locator(`[data-incident-id="${b.body.id}"]`);
      await cardA.waitFor();
      await cardB.waitFor();
      expect(await cardA.textContent()).toContain('a single prompt family gets past the refusal layer');
      expect(await cardA.textContent()).toMatch(/Discovered \d{4}-\d\d-\d\d .* reported \d{4}-\d\d-\d\d/);
      expect(await cardA.locator('[data-col="class"]').textContent()).toBe('general_jailbreak');
      expect(await cardA.getByTestId('late').count()).toBe(0);
      expect(await cardB.getByTestId('late').textContent()).toContain('reported late');
      await expectAccessible(page, 'reviewer incidents');
      await cardA.scrollIntoViewIfNeeded();
      await shoot(page, 'reviewer-incidents');

      // Classify A into another class of the framework (keyboard: select, then Enter on the button).
      await cardA.getByLabel('Class').selectOption('narrow_jailbreak');
      await cardA.getByRole('button', { name: 'Classify' }).focus();
      await page.keyboard.press('Enter');
      await page.locator(`[data-incident-id="${a.body.id}"][data-status="classified"]`).waitFor();
      expect(await incident(a.body.id)).toMatchObject({ status: 'classified', class: 'narrow_jailbreak' });

      // Dismiss B with a reason; it leaves the list.
      await cardB.getByLabel(/^Reason/).fill('E2E: a duplicate of an earlier, fixed finding.');
      await cardB.getByRole('button', { name: 'Dismiss' }).click();
      await cardB.waitFor({ state: 'detached' });
      expect((await incident(b.body.id)).status).toBe('dismissed');

      // Resolve A with a reason.
      await cardA.getByLabel(/^Reason/).fill('E2E: the refusal layer was patched for that prompt family.');
      await cardA.getByRole('button', { name: 'Resolve' }).click();
      await cardA.waitFor({ state: 'detached' });
      expect((await incident(a.body.id)).status).toBe('resolved');
      await page.close();
    });

    it('reviewer console: grants for a model — add one, bulk-add a pasted list, revoke; access checks follow', async () => {
      const model = 'example-lab/model-x';
      const inst = demoInstitutions();
      const single = inst[30]!.id;
      const bulk = [inst[20]!.id, inst[21]!.id, inst[22]!.id];
      const access = async (org: string) =>
        getJson<{ allow: boolean; rule: string }>(`/v1/access/check?model=${model}&org=${org}`);
      const eventually = async (org: string, allow: boolean) => {
        for (let i = 0; i < 30 && (await access(org)).allow !== allow; i++)
          await new Promise((r) => setTimeout(r, 100));
        return access(org);
      };
      expect((await access(single)).allow).toBe(false);
      expect((await access(bulk[1]!)).allow).toBe(false);

      const page = await open('#/review');
      await signInReviewer(page, 'rev-dov');
      await page.getByLabel('Model (org/name)').fill(model);
      await page.getByRole('button', { name: 'Open model' }).click();
      const tools = page.locator(`[data-model-tools="${model}"]`);
      await tools.waitFor();
      const before = await getJson<{ grants: { id: string; revoked_at: string | null }[] }>(
        `/v1/models/${model}`,
        token('rev-dov'),
      );
      expect(await tools.locator('tr[data-grant]').count()).toBe(before.grants.length);
      expect(await tools.locator('tr[data-revoked="yes"]').count()).toBe(
        before.grants.filter((g) => g.revoked_at).length,
      );

      // One organisation.
      const one = page.getByRole('form', { name: 'Single grant' });
      await one.getByLabel('Organisation id').fill(single);
      await one.getByLabel('Tier').selectOption('vetted_partners');
      await one.getByLabel('Reason').fill('E2E: evaluation partner for the cyber canaries.');
      await one.getByRole('button', { name: 'Grant' }).click();
      await tools.locator(`tr[data-grant="${single}"][data-revoked="no"]`).waitFor();
      expect(await eventually(single, true)).toMatchObject({ allow: true, rule: 'grant' });

      // A pasted list, one per line (blank lines and stray spaces are fine), with an expiry.
      const many = page.getByRole('form', { name: 'Bulk grant' });
      await many
        .getByLabel(/^Organisation ids, one per line/)
        .fill(`${bulk[0]}\n\n  ${bulk[1]}\n${bulk[2]}\n`);
      await many.getByLabel('Tier').selectOption('vetted_partners');
      await many.getByLabel(/^Expires/).fill('2099-12-31');
      await many.getByLabel('Reason').fill('E2E: limited restoration to these institutions.');
      await many.getByRole('button', { name: 'Grant 3 organisations' }).click();
      await many
        .locator('[role="status"]', { hasText: 'Granted vetted_partners to 3 organisations' })
        .waitFor();
      for (const org of bulk) await tools.locator(`tr[data-grant="${org}"]`).waitFor();
      const after = await getJson<{
        grants: { org: string; expires_at: string | null; revoked_at: string | null }[];
      }>(`/v1/models/${model}`, token('rev-dov'));
      for (const org of bulk)
        expect(after.grants.find((g) => g.org === org)).toMatchObject({
          expires_at: '2099-12-31T23:59:59.000Z',
          revoked_at: null,
        });
      expect(await eventually(bulk[1]!, true)).toMatchObject({ allow: true, rule: 'grant' });
      await expectAccessible(page, 'reviewer grants');
      await tools.scrollIntoViewIfNeeded();
      await shoot(page, 'reviewer-grants');

      // Revoke the single grant: the row says revoked, the access check refuses.
      await tools.getByRole('button', { name: `Revoke the grant to ${single}` }).click();
      await tools.locator(`tr[data-grant="${single}"][data-revoked="yes"]`).waitFor();
      expect((await eventually(single, false)).allow).toBe(false);
      await page.close();
    });

    it('reviewer console: opening a re-review with a reason puts it in the queue', async () => {
      const model = 'quillon-ai/sparrow-1';
      const page = await open('#/review');
      await signInReviewer(page, 'rev-ada');
      await page.getByLabel('Model (org/name)').fill(model);
      await page.getByRole('button', { name: 'Open model' }).click();
      await page.locator(`[data-model-tools="${model}"]`).waitFor();
      const reason = 'E2E: re-test after the narrow jailbreak report.';
      await page.getByLabel('Reason for the re-review').fill(reason);
      await page.getByRole('button', { name: 'Open re-review' }).click();
      await page.locator('.rereview-form [role="status"]', { hasText: 'Re-review' }).waitFor();
      const subs = await getJson<{ items: { id: string; kind: string; status: string }[] }>(
        `/v1/submissions?model=${model}`,
        token('rev-ada'),
      );
      const rr = subs.items.find((s) => s.kind === 'rereview' && s.status === 'in_review');
      expect(rr).toBeDefined();
      const full = await getJson<{ events: { type: string; reason?: string }[] }>(
        `/v1/submissions/${rr!.id}`,
        token('rev-ada'),
      );
      expect(full.events.some((e) => e.type === 'review.opened' && e.reason === reason)).toBe(true);
      const queued = page.locator(`[data-queue="${model}"] button`, { hasText: 'rereview' });
      await queued.waitFor();
      await page.close();
    });

    it('developer console: tracks the organisation’s submissions with a live countdown, appeals a denial with new evidence, adds requested evidence', async () => {
      const open1 = await submitAs(
        'dev-example',
        exampleEvidence('01-approve.json', 'example-lab/e2e-open', '1.0'),
      );
      const denied = await submitAs(
        'dev-example',
        exampleEvidence('02-approve-restricted.json', 'example-lab/e2e-denied', '1.0'),
      );
      await decideByApi(denied.id, { action: 'deny', rationale: 'E2E: denied to be appealed.' });
      const more = await submitAs(
        'dev-example',
        exampleEvidence('04-more-evidence.json', 'example-lab/e2e-more', '1.0'),
      );
      await decideByApi(more.id, { action: 'request_evidence', rationale: 'E2E: run the full paper set.' });
      const files = join(dir, 'upload');
      mkdirSync(files, { recursive: true });
      const appealFile = join(files, 'appeal-evidence.json');
      writeFileSync(
        appealFile,
        JSON.stringify(exampleEvidence('01-approve.json', 'example-lab/e2e-denied', '1.0')),
      );
      const moreFile = join(files, 'more-evidence.json');
      writeFileSync(
        moreFile,
        JSON.stringify(exampleEvidence('01-approve.json', 'example-lab/e2e-more', '1.0')),
      );

      const page = await open('#/develop');
      await page.getByLabel('Developer token').fill(token('dev-example'));
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByTestId('signed-in').waitFor();
      const row = (id: string) => page.locator(`tr[data-track="${id}"]`);
      await row(open1.id).waitFor();
      // Only the organisation's own submissions.
      const models = await page.$$eval('tr[data-track]', (rows) =>
        rows.map((r) => r.getAttribute('data-model')),
      );
      expect(models.length).toBeGreaterThan(3);
      expect(models.every((m) => m?.startsWith('example-lab/'))).toBe(true);
      expect(await row(open1.id).locator('[data-col="status"]').textContent()).toContain('in review');
      // The countdown is live.
      const countdown = row(open1.id).getByTestId('countdown');
      const first = await countdown.textContent();
      expect(first).toMatch(/left$/);
      await page.waitForFunction(
        ([id, text]) =>
          document.querySelector(`tr[data-track="${id}"] [data-testid="countdown"]`)?.textContent !== text,
        [open1.id, first] as const,
        { timeout: 5000 },
      );
      expect(await row(denied.id).locator('[data-col="decisions"]').textContent()).toContain(
        'deny — effective',
      );
      await expectAccessible(page, 'developer tracking');
      await row(open1.id).scrollIntoViewIfNeeded();
      await shoot(page, 'developer-track');

      // Appeal the denial with reasons and a new evidence file.
      await row(denied.id).getByRole('button', { name: 'Appeal example-lab/e2e-denied 1.0' }).click();
      await page
        .getByLabel('Reasons for the appeal')
        .fill('E2E: the restricted canaries were re-run; see the new evidence.');
      await page.getByTestId('appeal-evidence').setInputFiles(appealFile);
      await expectAccessible(page, 'developer appeal form');
      await page.getByRole('button', { name: 'File appeal' }).click();
      await page.getByTestId('track-done').filter({ hasText: 'Appeal filed' }).waitFor();
      await row(denied.id).locator('[data-appeal="appealed"]').waitFor();
      const appealed = await getJson<{
        appeals: { status: string; reasons: string; determination: unknown }[];
      }>(`/v1/submissions/${denied.id}`, token('dev-example'));
      expect(appealed.appeals[0]).toMatchObject({ status: 'appealed' });
      expect(appealed.appeals[0]!.determination).not.toBeNull();

      // Add the requested evidence: back in review with a fresh clock.
      await row(more.id).getByRole('button', { name: 'Add evidence example-lab/e2e-more 1.0' }).click();
      await page.getByTestId('more-evidence').setInputFiles(moreFile);
      await page.getByRole('button', { name: 'Add evidence', exact: true }).click();
      await page.getByTestId('track-done').filter({ hasText: 'Evidence added' }).waitFor();
      const after = await getJson<{ status: string; events: { type: string }[] }>(
        `/v1/submissions/${more.id}`,
        token('dev-example'),
      );
      expect(after.status).toBe('in_review');
      expect(after.events.some((e) => e.type === 'evidence.added')).toBe(true);
      await row(more.id).getByTestId('countdown').waitFor();
      await page.close();
    });

    it('no CSP violations or script errors in the console', () => {
      const relevant = consoleErrors.filter(
        (e) => !/Failed to load resource: the server responded with a status of 40[13]/.test(e),
      );
      expect(relevant).toEqual([]);
    });
  },
);
