import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPageServer, startDemoPageServer } from '../support/demo-page-server.ts';

/**
 * The search page in a real browser (Debian's Chromium, driven by playwright-core) against the
 * local worker as `npm start` runs it, on small demo models with their SVG pictures: search,
 * pictures that load, an image's panel, more like this, analogy, the next page, a shared URL,
 * the back button, and errors. Screenshots at desktop and phone widths go to
 * test-output/screenshots (README's come from there).
 */

const CHROMIUM = process.env.JOINTSPACE_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = join(import.meta.dirname, '../../test-output/screenshots');
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) {
  console.warn(
    `\n*** SKIPPED: the browser test needs Chromium at ${CHROMIUM} (apt-get install chromium, ` +
      'or set JOINTSPACE_CHROMIUM). .ci/run installs it. ***\n',
  );
}

/** How many pictures of a list have loaded (a decoded image has a natural width). */
async function loadedPictures(page: Page, listName: string): Promise<number> {
  return page
    .getByRole('list', { name: listName, exact: true })
    .locator('img')
    .evaluateAll(
      (imgs) =>
        imgs.filter(
          (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0,
        ).length,
    );
}

async function waitForPictures(page: Page, listName: string, atLeast: number): Promise<void> {
  await expect
    .poll(() => loadedPictures(page, listName), { timeout: 30_000, interval: 200 })
    .toBeGreaterThanOrEqual(atLeast);
}

/** The images a results list shows, by the links' targets (each names its image). */
async function resultLinks(page: Page): Promise<string[]> {
  return page
    .getByRole('list', { name: 'Results', exact: true })
    .getByRole('link')
    .evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
}

describe.skipIf(!haveBrowser)('the search page in Chromium', () => {
  let server: DemoPageServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startDemoPageServer(),
      chromium.launch({
        executablePath: CHROMIUM,
        // --no-sandbox: CI runs as root in a container, where Chromium's sandbox cannot start.
        args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
      }),
    ]);
    await mkdir(SCREENSHOTS, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  }, 60_000);

  it('searches, opens a picture, finds more like it, composes an analogy, pages, shares', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    const failed: string[] = [];
    // A request the page itself gave up (pictures of a page it replaced) is not a failure.
    page.on('requestfailed', (r) => {
      const reason = r.failure()?.errorText ?? '';
      if (reason !== 'net::ERR_ABORTED') failed.push(`${r.url()}: ${reason}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.url()}: HTTP ${r.status()}`);
    });
    page.on('pageerror', (e) => failed.push(`page error: ${e.message}`));

    await page.goto(`${server.url}/`);
    const box = page.getByRole('searchbox', { name: 'Search pictures' });
    await box.fill('a red car parked on the beach');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => page.url()).toContain('q=a+red+car');
    await waitForPictures(page, 'Results', 8);
    const firstPage = await resultLinks(page);
    expect(firstPage.length).toBeGreaterThanOrEqual(8);
    // Every picture has alt text from its captions.
    const alts = await page
      .getByRole('list', { name: 'Results', exact: true })
      .locator('img')
      .evaluateAll((imgs) => imgs.map((img) => img.getAttribute('alt') ?? ''));
    expect(alts.every((alt) => alt.length > 0)).toBe(true);
    await page.screenshot({
      path: join(SCREENSHOTS, 'search-desktop.jpg'),
      type: 'jpeg',
      quality: 80,
    });

    // An image's panel: the picture, its captions, what the model says of it, more like it.
    await page
      .getByRole('list', { name: 'Results', exact: true })
      .getByRole('link')
      .first()
      .click();
    await expect.poll(() => page.url()).toContain('image=');
    await page
      .getByRole('heading', { name: 'Captions', exact: true })
      .waitFor({ state: 'visible' });
    await page
      .getByRole('heading', { name: 'Described as', exact: true })
      .waitFor({ state: 'visible' });
    await waitForPictures(page, 'More like this', 1);
    await page.screenshot({
      path: join(SCREENSHOTS, 'image-desktop.jpg'),
      type: 'jpeg',
      quality: 80,
    });

    // Analogy: this picture - red + blue.
    await page.getByLabel('Remove words').fill('red');
    await page.getByLabel('Add words').fill('blue');
    await page.getByRole('button', { name: 'Compose', exact: true }).click();
    await waitForPictures(page, 'Analogy results', 1);
    await page
      .getByText(/−\s*red\s*\+\s*blue/)
      .first()
      .waitFor({ state: 'visible' });
    await expect.poll(() => page.url()).toMatch(/minus=red.*plus=blue|plus=blue.*minus=red/);

    // Close the panel, then the next page, which is a URL of its own.
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByRole('heading', { name: 'Captions', exact: true }).waitFor({ state: 'hidden' });
    await page
      .getByRole('button', { name: 'Next page' })
      .or(page.getByRole('link', { name: 'Next page' }))
      .click();
    await expect.poll(() => page.url()).toContain('after=');
    await waitForPictures(page, 'Results', 8);
    const secondPage = await resultLinks(page);
    expect(secondPage).not.toEqual(firstPage);

    // The shared URL, opened again, shows the same results; Back returns to the first page.
    await page.reload();
    await waitForPictures(page, 'Results', 8);
    expect(await resultLinks(page)).toEqual(secondPage);
    await page.goBack();
    await expect.poll(() => page.url()).not.toContain('after=');
    await expect.poll(() => resultLinks(page)).toEqual(firstPage);

    expect(failed).toEqual([]);
    await context.close();
  }, 120_000);

  it('states an error with its message and code: an unknown word, an empty query', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/?q=${encodeURIComponent('zqxj vrrbk')}`);
    // The message names the unknown words; the code follows it.
    await page
      .getByRole('alert')
      .filter({ hasText: 'NO_KNOWN_WORDS' })
      .filter({ hasText: 'zqxj' })
      .waitFor();

    await page.getByRole('searchbox', { name: 'Search pictures' }).fill('   ');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /empty|EMPTY_TEXT/i })
      .waitFor();
    await context.close();
  }, 60_000);

  it('fits a phone: a result and its panel at 390 px wide', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/?q=${encodeURIComponent('two dogs playing in a park')}`);
    await waitForPictures(page, 'Results', 4);
    // Nothing wider than the screen: no sideways scrolling on a phone.
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({
      path: join(SCREENSHOTS, 'search-phone.jpg'),
      type: 'jpeg',
      quality: 80,
    });
    await context.close();
  }, 60_000);

  it('can be used with the keyboard alone, focus visible', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    // Tab to the search box, type, Enter: a search, with no mouse.
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      const onBox = await page.evaluate(() => document.activeElement?.getAttribute('name') === 'q');
      if (onBox) break;
    }
    await page.keyboard.type('a black cat');
    await page.keyboard.press('Enter');
    await waitForPictures(page, 'Results', 4);
    // Tab on to the first result and open it with Enter; the focused element shows an outline.
    let onResult = false;
    for (let i = 0; i < 10 && !onResult; i++) {
      await page.keyboard.press('Tab');
      onResult = await page.evaluate(
        () => document.activeElement?.closest('[aria-label="Results"]') !== null,
      );
    }
    expect(onResult).toBe(true);
    const outline = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement as Element);
      return style.outlineStyle !== 'none' && style.outlineWidth !== '0px'
        ? style.outlineWidth
        : style.boxShadow;
    });
    expect(outline).not.toMatch(/^(none|0px)?$/);
    await page.keyboard.press('Enter');
    await page
      .getByRole('heading', { name: 'Captions', exact: true })
      .waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: 'Captions', exact: true }).waitFor({ state: 'hidden' });
    await context.close();
  }, 60_000);
});
