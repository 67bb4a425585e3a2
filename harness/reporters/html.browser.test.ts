/**
 * The HTML report in a real browser (headless Debian Chromium through playwright-core): it opens from file://
 * without network, shows the right counts, colours every fault point as the JSON says, opens a case with its
 * replay command on a click, filters, and shows hostile names as text without running them. Screenshots go to
 * test-artifacts/.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseResult, RunReport } from '../results.ts';
import { toHtml, VERDICT_COLOURS } from './html.ts';
import { ARTIFACTS, chromiumMissing, launchChromium } from './test/browser.ts';
import { failCase, HOSTILE, passCase, sampleInfo, sampleReport } from './test/sample.ts';
import { syntheticReport } from './test/synthetic.ts';

const dir = mkdtempSync(join(tmpdir(), 'bootproof-html-'));

function expectedColour(c: CaseResult): string {
  if (c.status !== 'fail') return VERDICT_COLOURS[c.status];
  return VERDICT_COLOURS[c.violations[0].invariant];
}

function hex(rgb: number[]): string {
  return `#${rgb
    .slice(0, 3)
    .map((v) => v.toString(16).padStart(2, '0'))
    .join('')}`;
}

describe.skipIf(chromiumMissing !== undefined)('HTML report in Chromium', () => {
  let browser: Browser;
  const requests: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function open(report: RunReport, name: string): Promise<Page> {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, toHtml(report));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    return page;
  }

  /** Runs `body` in the page with `args` (page code is a string: this project type-checks without the DOM lib). */
  function inPage<T>(page: Page, body: string, ...args: unknown[]): Promise<T> {
    return page.evaluate(`(${body})(...${JSON.stringify(args)})`) as Promise<T>;
  }

  const locate = (page: Page, suite: string, id: string) =>
    inPage<{ x: number; y: number } | null>(page, '(s, i) => window.bootproofReport.locate(s, i)', suite, id);

  /** The colour drawn at a case's point of its fault map. */
  async function colourAt(page: Page, suite: string, id: string): Promise<string> {
    const rgb = await inPage<number[] | null>(
      page,
      `(s, i) => {
        const at = window.bootproofReport.locate(s, i);
        if (!at) return null;
        const canvas = document.elementFromPoint(at.x, at.y);
        const box = canvas.getBoundingClientRect();
        const dpr = window.devicePixelRatio || 1;
        const pixel = canvas.getContext('2d').getImageData(Math.floor((at.x - box.left) * dpr), Math.floor((at.y - box.top) * dpr), 1, 1).data;
        return [...pixel];
      }`,
      suite,
      id,
    );
    expect(rgb, `${suite}: ${id} is not on the map`).not.toBeNull();
    return hex(rgb!);
  }

  it('opens from file:// with no network request and no script error, with the right counts', async () => {
    const report = syntheticReport(3000);
    const page = await open(report, 'counts');
    const count = (key: string) => page.getAttribute(`[data-count="${key}"]`, 'data-value');
    const failed = report.cases.filter((c) => c.status === 'fail').length;
    const skipped = report.cases.filter((c) => c.status === 'skip').length;
    expect(await count('total')).toBe('3000');
    expect(await count('failed')).toBe(String(failed));
    expect(await count('skipped')).toBe(String(skipped));
    expect(await count('passed')).toBe(String(3000 - failed - skipped));
    expect(await page.getAttribute('#shown', 'data-shown')).toBe('3000');
    expect(await page.locator('#flash-map > div').count()).toBeGreaterThanOrEqual(4);
    expect(await page.locator('#flash-map').textContent()).toContain('secondary 0x73000');
    await page.screenshot({ path: join(ARTIFACTS, 'html-report-3000.png'), fullPage: true });
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('colours each fault point as the JSON says: pass, skip, and each invariant', async () => {
    const report = syntheticReport(3000);
    const page = await open(report, 'colours');
    const picks = new Map<string, CaseResult>();
    for (const c of report.cases) {
      const key = c.status === 'fail' ? c.violations[0].invariant : c.status;
      if (!picks.has(key)) picks.set(key, c);
    }
    expect(picks.size).toBeGreaterThanOrEqual(6);
    for (const c of picks.values()) {
      expect(await page.getAttribute(`[data-legend="${c.status === 'fail' ? c.violations[0].invariant : c.status}"]`, 'data-colour')).toBe(expectedColour(c));
      expect(await colourAt(page, c.suite, c.id), `${c.suite}: ${c.id}`).toBe(expectedColour(c));
    }
    await page.close();
  });

  it('a click on a point shows the case: invariant, journal, boots, trailer writes, and the replay with a copy button', async () => {
    const report = sampleReport();
    const page = await open(report, 'click');
    const target = report.cases[1];
    const at = (await locate(page, target.suite, target.id))!;
    await page.mouse.click(at.x, at.y);
    expect(await page.getAttribute('#case-body', 'data-case')).toBe(target.id);
    const body = (await page.textContent('#case-body'))!;
    expect(body).toContain(target.violations[0].message);
    expect(body).toContain('> #200 program secondary+0x1800 (0x74800)+1024');
    expect(body).toContain('#201 program primary+0x66fe8 (0x72fe8)+4 at 120 us: done   [trailer/status area]');
    expect(body).toContain("boot 1 after the cut: hand-off to image 0 primary 'old'");
    expect(await page.textContent('.replay-command')).toBe(target.replay);
    await page.click('.replay button');
    await expect.poll(() => page.textContent('.replay button')).toMatch(/^(copied|selected: press Ctrl\+C)$/);
    await page.screenshot({ path: join(ARTIFACTS, 'html-report-case.png'), fullPage: true });
    await page.close();
  });

  it('filters by outcome, invariant and suite', async () => {
    const report = syntheticReport(3000);
    const page = await open(report, 'filters');
    const shown = () => page.getAttribute('#shown', 'data-shown');
    const failures = report.cases.filter((c) => c.status === 'fail');
    await page.selectOption('#filter-outcome', '1');
    expect(await shown()).toBe(String(failures.length));
    const pass = report.cases.find((c) => c.status === 'pass')!;
    expect(await colourAt(page, pass.suite, pass.id)).toBe('#ffffff');
    expect(await colourAt(page, failures[0].suite, failures[0].id)).toBe(expectedColour(failures[0]));
    expect(await page.locator('#failure-list li').count()).toBe(failures.length);
    const invariant = failures[0].violations[0].invariant;
    const index = await inPage<string>(
      page,
      "(name) => [...document.getElementById('filter-invariant').options].find((o) => o.text === name).value",
      invariant,
    );
    await page.selectOption('#filter-invariant', index);
    expect(await shown()).toBe(String(failures.filter((c) => c.violations[0].invariant === invariant).length));
    await page.selectOption('#filter-outcome', '-1');
    await page.selectOption('#filter-invariant', '-1');
    await page.selectOption('#filter-suite', '1');
    expect(await shown()).toBe(String(report.cases.filter((c) => c.suite === 'revert').length));
    expect(await page.isHidden('.suite-map[data-suite="power-loss"]')).toBe(true);
    expect(await page.isVisible('.suite-map[data-suite="revert"]')).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'html-report-filtered.png'), fullPage: true });
    await page.close();
  });

  it('shows hostile case, suite and board names and log lines as text, never running them', async () => {
    const cases = HOSTILE.map((name, i) =>
      failCase(`${name}/install/op${10 + i}/torn`, 10 + i, {
        suite: HOSTILE[i % 3],
        violations: [{ invariant: 'safety', message: `ran ${name}` }],
        bootLog: [`boot 1: ${name}`],
        replay: `npx bootproof run x --only '${name}'`,
      }),
    );
    cases.push(passCase('plain', { suite: HOSTILE[0] }));
    const report = sampleReport(cases, { info: sampleInfo({ board: { name: HOSTILE[3], sha256: 'ab'.repeat(32) }, suites: HOSTILE.slice(0, 3) }) });
    const page = await open(report, 'hostile');
    for (const c of cases.slice(0, HOSTILE.length)) {
      expect(await inPage<boolean>(page, '(s, i) => window.bootproofReport.show(s, i)', c.suite, c.id)).toBe(true);
      expect(await page.getAttribute('#case-body', 'data-case')).toBe(c.id);
      expect(await page.textContent('#case-body')).toContain(`ran ${c.id.split('/install/')[0]}`);
    }
    expect(await inPage<number | null>(page, '() => window.__pwned ?? null')).toBeNull();
    expect(await page.locator('img, injected').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(2);
    expect(await page.textContent('#provenance')).toContain('<img src=x onerror="window.__pwned = 2">');
    expect(await page.textContent('#failure-list')).toContain('<script>window.__pwned = 1</script>');
    await page.screenshot({ path: join(ARTIFACTS, 'html-report-hostile.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});

if (chromiumMissing) it.skip(`HTML report browser tests: ${chromiumMissing}`, () => {});
