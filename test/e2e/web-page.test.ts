import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page, type Request } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DemoPageServer,
  pictureModelVersions,
  startDemoPageServer,
} from '../support/demo-page-server.ts';

/**
 * The search page in a real browser (Debian's Chromium, driven by playwright-core) against the
 * local worker as `npm start` runs it, on small demo models with their SVG pictures: search,
 * pictures that load, an image's panel, more like this, analogy, the next page, a shared URL,
 * the back button, errors, and "search with your picture" (the demo models have no image
 * encoder: the page says so, and the server's refusal is shown; with a model that has one, the
 * captions and pictures for an uploaded photo). Screenshots at desktop and phone widths go to
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

// What the page says (web/picture-control.ts, web/picture-search.ts; the page's modules are not
// imported here: they are typed for the browser, this file for Node).
const NO_IMAGE_ENCODER_TEXT =
  'This model was trained on features from another extractor; it takes no pictures.';
const NOT_SHAREABLE_TEXT = /A search with your picture is not shareable/;

/** A photo-like picture: a gradient with a pattern, so that JPEG has work to do. */
async function testPicture(width: number, height: number, format: 'png' | 'jpeg'): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      pixels[at] = (x * 255) / width;
      pixels[at + 1] = (y * 255) / height;
      pixels[at + 2] = ((x ^ y) & 32) * 4;
    }
  }
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  return format === 'png' ? image.png().toBuffer() : image.jpeg({ quality: 90 }).toBuffer();
}

/** Picks a file through the file chooser that "Search with your picture" opens. */
async function chooseFile(
  page: Page,
  file: { name: string; mimeType: string; buffer: Buffer },
): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByText('Search with your picture', { exact: true }).click();
  await (await chooser).setFiles(file);
}

/** The picture a multipart request carried: its part's type and its size in pixels. */
async function uploadedPicture(request: Request): Promise<{ type: string; size: number[] }> {
  const type = request.headers()['content-type'] ?? '';
  expect(type).toMatch(/^multipart\/form-data; boundary=/);
  expect(request.headers()['x-graphql-csrf']).toBe('1');
  const body = request.postDataBuffer() ?? Buffer.alloc(0);
  const form = await new Response(new Uint8Array(body), {
    headers: { 'content-type': type },
  }).formData();
  expect([...form.keys()]).toEqual(['operations', 'map', '0']);
  expect(JSON.parse(String(form.get('map')))).toEqual({ '0': ['variables.picture'] });
  const part = form.get('0') as File;
  const meta = await sharp(Buffer.from(await part.arrayBuffer())).metadata();
  return { type: part.type, size: [meta.width ?? 0, meta.height ?? 0] };
}

/** Whether the preview of the visitor's picture has loaded (the page's CSP lets blob: in). */
async function previewLoaded(page: Page): Promise<boolean> {
  return page
    .locator('.picture-preview img')
    .evaluate(
      (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0,
    );
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
    // "Search with your picture" is on the screen too (a phone offers its camera and photos).
    const pictureButton = page.getByText('Search with your picture', { exact: true });
    await pictureButton.waitFor({ state: 'visible' });
    const box = await pictureButton.boundingBox();
    expect((box?.x ?? 0) + (box?.width ?? Number.POSITIVE_INFINITY)).toBeLessThanOrEqual(390);
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

  it('turns "search with your picture" off, saying why, for a model without an image encoder', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    const input = page.getByLabel('Search with your picture');
    await expect.poll(() => input.isDisabled(), { timeout: 20_000 }).toBe(true);
    await page.getByText(NO_IMAGE_ENCODER_TEXT).waitFor({ state: 'visible' });
    await context.close();
  }, 60_000);

  it("sends a big picture shrunk, in one multipart request, and shows the server's refusal", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    // The page is told that the model takes pictures, so that one reaches the server, which
    // knows better: NO_IMAGE_ENCODER.
    await page.route('**/graphql', (route) =>
      route.request().postData()?.includes('query PictureInput')
        ? route.fulfill({
            json: {
              data: { models: { retrieval: { imageEncoder: { width: 224, height: 224 } } } },
            },
          })
        : route.continue(),
    );
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/?q=${encodeURIComponent('a red car')}`);
    await waitForPictures(page, 'Results', 4);
    const upload = page.waitForRequest(
      (r) => r.postDataBuffer()?.includes('PictureSearch') === true,
    );
    // 2500 x 2000 is over the server's 2048 x 2048 pixels: the page shrinks it first.
    await chooseFile(page, {
      name: 'big.png',
      mimeType: 'image/png',
      buffer: await testPicture(2500, 2000, 'png'),
    });
    expect(await uploadedPicture(await upload)).toEqual({ type: 'image/jpeg', size: [2048, 1638] });
    await expect.poll(() => page.url()).toContain('by=picture');
    await page.getByText(/was shrunk to 2048 × 1638/).waitFor({ state: 'visible' });
    await page.getByText(NOT_SHAREABLE_TEXT).waitFor({ state: 'visible' });
    const refusal = page.getByRole('alert').first();
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe(`${NO_IMAGE_ENCODER_TEXT} (NO_IMAGE_ENCODER)`);
    expect(await previewLoaded(page)).toBe(true);

    // With the keyboard alone: Tab from the search box reaches the control, Space opens the
    // chooser. A file that is no picture is refused before anything is sent.
    const sent: string[] = [];
    page.on('request', (r) => {
      if (r.postDataBuffer()?.includes('PictureSearch')) sent.push(r.url());
    });
    await page.getByRole('searchbox', { name: 'Search pictures' }).focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('picture-input');
    const chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Space');
    await (await chooser).setFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('not a picture'),
    });
    await page.getByRole('alert').filter({ hasText: 'NOT_A_PICTURE' }).waitFor();
    expect(sent).toEqual([]);

    // A file dropped beside the zone leaves the page as it is; dropped on the zone, it is sent.
    const small = (await testPicture(64, 48, 'jpeg')).toString('base64');
    const drop = (selector: string) =>
      page.evaluate(
        ([where, base64]) => {
          const bytes = Uint8Array.from(atob(base64 as string), (c) => c.charCodeAt(0));
          const data = new DataTransfer();
          data.items.add(new File([bytes], 'dropped.jpg', { type: 'image/jpeg' }));
          const target = document.querySelector(where as string) as Element;
          const event = new DragEvent('drop', {
            dataTransfer: data,
            bubbles: true,
            cancelable: true,
          });
          target.dispatchEvent(event);
          return event.defaultPrevented;
        },
        [selector, small],
      );
    const at = page.url();
    expect(await drop('main')).toBe(true);
    expect(page.url()).toBe(at);
    expect(sent).toEqual([]);
    const dropped = page.waitForRequest(
      (r) => r.postDataBuffer()?.includes('PictureSearch') === true,
    );
    expect(await drop('#picture-zone label')).toBe(true);
    expect(await uploadedPicture(await dropped)).toEqual({ type: 'image/jpeg', size: [64, 48] });
    await page.getByRole('img', { name: 'Your picture, dropped.jpg' }).waitFor();

    // Back retraces the picture searches, each with its own picture, then the text search.
    await page.goBack();
    await page.getByRole('alert').filter({ hasText: 'NOT_A_PICTURE' }).waitFor();
    await page.goBack();
    await page.getByRole('img', { name: 'Your picture, big.png' }).waitFor();
    await page.goBack();
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('a red car');
    await waitForPictures(page, 'Results', 4);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('searches with a picture: captions with scores and the pictures like it, desktop and phone', async () => {
    // A model that takes pictures (picture-model-build.ts: 24 shapes in colours, the trainer's
    // CNN, image_encoder.onnx), served with its page as `npm start` serves the demo.
    const pictureServer = await startDemoPageServer(pictureModelVersions);
    try {
      const pictures = pictureServer.picturesDir;
      if (!pictures) throw new Error('the picture model was served without its pictures');
      const stored = (await readdir(pictures)).sort()[0];
      if (!stored) throw new Error(`no pictures in ${pictures}`);
      // One of the model's own pictures, as a visitor's photo: the nearest image is itself.
      const photo = {
        name: 'my-photo.jpg',
        mimeType: 'image/jpeg',
        buffer: await readFile(join(pictures, stored)),
      };
      for (const [viewport, name] of [
        [{ width: 1280, height: 860 }, 'picture-desktop.jpg'],
        [{ width: 390, height: 844 }, 'picture-phone.jpg'],
      ] as const) {
        const phone = viewport.width < 600;
        const context = await browser.newContext({
          viewport,
          ...(phone ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {}),
        });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        // Asked on load: this model has an image encoder, so the control stays on.
        const asked = page.waitForResponse(
          (r) => r.request().postData()?.includes('PictureInput') === true,
        );
        await page.goto(`${pictureServer.url}/`);
        await asked;
        await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
        expect(await page.getByLabel('Search with your picture').isEnabled()).toBe(true);
        await chooseFile(page, photo);
        await expect.poll(() => page.url()).toContain('by=picture');
        const described = page.locator('.ranked-captions li');
        await described.first().waitFor({ state: 'visible', timeout: 60_000 });
        expect(await described.count()).toBe(5);
        const scores = await page.locator('.ranked-captions .score').allTextContents();
        expect(scores.every((s) => /^Score -?\d\.\d{3}$/.test(s))).toBe(true);
        await waitForPictures(page, 'Pictures like yours', 4);
        const nearest = await page
          .getByRole('list', { name: 'Pictures like yours', exact: true })
          .getByRole('link')
          .first()
          .getAttribute('href');
        expect(nearest).toContain(`image=${encodeURIComponent(stored)}`);
        expect(await previewLoaded(page)).toBe(true);
        await page.getByText(NOT_SHAREABLE_TEXT).waitFor({ state: 'visible' });
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - window.innerWidth,
        );
        expect(overflow).toBeLessThanOrEqual(0);
        await page.screenshot({ path: join(SCREENSHOTS, name), type: 'jpeg', quality: 80 });
        expect(errors).toEqual([]);
        await context.close();
      }
    } finally {
      await pictureServer.stop();
    }
  }, 300_000);
});
