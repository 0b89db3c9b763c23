// Browser tests of the website and the Mini App: node run_tests.js BUILD_DIR
// Each test is what a person does: search, filter, open a show, pick an episode and a quality,
// press "Send to me" inside Telegram. Screenshots go to BUILD_DIR/artifacts/web_browser/.
'use strict';

const assert = require('assert/strict');
const path = require('path');
const { Harness, waitFor, initDataFor, BOT_USERNAME } = require('./harness');

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

async function cardTitles(page) {
  return page.$$eval('#grid .card h2', (els) => els.map((e) => e.textContent));
}
async function waitForGrid(page, predicate, what) {
  await waitFor(async () => predicate(await cardTitles(page)), 10000, what);
}

test('grid shows available titles with lazy posters and placeholders', async (h) => {
  const page = await h.newPage();
  await page.goto(h.base + '/');
  await waitForGrid(page, (t) => t.length >= 20, 'the poster grid');
  const titles = await cardTitles(page);
  assert.ok(titles.includes('The Matrix'));
  assert.ok(titles.includes('The Office'));
  assert.ok(!titles.includes('Upcoming Feature'), 'a title with nothing uploaded is not offered');
  const lazy = await page.$$eval('#grid img', (imgs) => imgs.every((i) => i.loading === 'lazy'));
  assert.ok(lazy, 'every poster image is lazy-loaded');
  // Missing and broken posters both end up as the inline SVG placeholder.
  await waitFor(() => page.$$eval('#grid svg.poster-placeholder', (s) => s.length >= 4), 10000, 'placeholders');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(h.artifacts, 'grid.png') });
  assert.deepEqual(page.consoleErrors, []);
});

test('search as you type, with typos and punctuation', async (h) => {
  const page = await h.newPage();
  await page.goto(h.base + '/');
  await waitForGrid(page, (t) => t.length > 0, 'the grid');
  await page.getByLabel('Search movies and shows').pressSequentially('avngers', { delay: 30 });
  await waitForGrid(page, (t) => t.length === 2 && t.includes('The Avengers') && t.includes('Avengers: Endgame'),
    'typo search results');
  assert.match(page.url(), /\?q=avngers$/);
  await page.getByLabel('Search movies and shows').fill('spider man');
  await waitForGrid(page, (t) => t[0] === 'Spider-Man' && t.includes('Spider-Man: Into the Spider-Verse'),
    'spider man results');
  await page.getByLabel('Search movies and shows').fill('zzqqxx');
  await waitFor(() => page.locator('.empty').isVisible(), 10000, 'the empty state');
  await page.screenshot({ path: path.join(h.artifacts, 'search-empty.png') });
});

test('filters: kind, genre, year range, quality, sort', async (h) => {
  const page = await h.newPage();
  await page.goto(h.base + '/');
  await waitForGrid(page, (t) => t.length > 20, 'the grid');
  await page.locator('label[for=kind-show]').click();
  await waitForGrid(page, (t) => t.length === 3, 'only shows');
  assert.deepEqual((await cardTitles(page)).sort(), ['Chernobyl', 'Dark', 'The Office']);
  await page.locator('label[for=kind-all]').click();
  await page.getByLabel('Genre').selectOption('Animation');
  await waitForGrid(page, (t) => t.length === 3, 'animation titles');
  assert.deepEqual((await cardTitles(page)).sort(), ['Coco', 'Spider-Man: Into the Spider-Verse', 'Spirited Away']);
  await page.getByLabel('From year').fill('2010');
  await waitForGrid(page, (t) => t.length === 2, 'animation since 2010');
  await page.getByLabel('Genre').selectOption('');
  await page.getByLabel('To year').fill('2015');
  await page.getByLabel('Sort by').selectOption('year');
  await waitForGrid(page, (t) => t[0] === 'Mad Max: Fury Road' && t.length === 6, 'titles 2010-2015 by year');
  await page.getByLabel('Quality').selectOption('2160P');
  await waitForGrid(page, (t) => t.length === 2 && t.includes('Interstellar'), '2160P titles 2010-2015');
  await page.getByLabel('To year').fill('1800');
  await waitFor(async () => (await page.locator('#status').textContent()).includes('1870'), 5000, 'year hint');
});

test('open a show, pick an episode and a quality: the t.me link follows', async (h) => {
  const page = await h.newPage();
  await page.goto(h.base + '/');
  await waitForGrid(page, (t) => t.includes('The Office'), 'the grid');
  await page.locator('#grid .card', { hasText: 'The Office' }).click();
  await page.getByRole('heading', { level: 1, name: 'The Office' }).waitFor();
  assert.match(page.url(), new RegExp(`/t/${h.ids.titles['The Office']}$`));
  await page.getByRole('button', { name: 'Season 2' }).click();
  await page.locator('.episodes button', { hasText: 'S2 E2' }).click();
  const picker = page.getByRole('radiogroup');
  await picker.getByRole('radio', { name: /720P/ }).click();
  const want = h.ids.variants['The Office|S2E2|720P'];
  const link = page.getByRole('link', { name: 'Get it in Telegram' });
  assert.equal(await link.getAttribute('href'), `https://t.me/${BOT_USERNAME}?start=v${want}`);
  assert.match(await picker.getByRole('radio', { name: /720P/ }).textContent(), /GB/);
  // The last episode of a season is still uploading: listed, not offered.
  assert.ok(await page.locator('.episodes button', { hasText: 'S2 E4' }).isDisabled());
  // Keyboard: arrows move through the qualities.
  await picker.getByRole('radio', { name: /1080P/ }).click();
  await page.keyboard.press('ArrowRight');
  assert.equal(await link.getAttribute('href'), `https://t.me/${BOT_USERNAME}?start=v${want}`);
  await page.screenshot({ path: path.join(h.artifacts, 'title-show.png'), fullPage: true });
  await page.goBack();
  await waitForGrid(page, (t) => t.includes('The Office'), 'the grid after going back');
});

test('movie page shows sizes and part counts', async (h) => {
  const page = await h.newPage();
  await page.goto(`${h.base}/t/${h.ids.titles['The Matrix']}`);
  await page.getByRole('heading', { level: 1, name: 'The Matrix' }).waitFor();
  const options = await page.getByRole('radio').allTextContents();
  assert.equal(options.length, 3);
  assert.match(options[0], /^2160P.*GB · 3 parts$/);
  await page.screenshot({ path: path.join(h.artifacts, 'title-movie.png'), fullPage: true });
});

test('usable at 360 px: two columns, nothing wider than the screen', async (h) => {
  const page = await h.newPage({ width: 360, height: 740 });
  await page.goto(h.base + '/');
  await waitForGrid(page, (t) => t.length > 4, 'the grid');
  const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, win: window.innerWidth }));
  assert.ok(widths.doc <= widths.win, `page is ${widths.doc}px wide in a ${widths.win}px window`);
  const columns = await page.$$eval('#grid > li', (lis) => new Set(lis.slice(0, 6).map((l) => l.offsetLeft)).size);
  assert.equal(columns, 2);
  await page.screenshot({ path: path.join(h.artifacts, 'grid-360.png') });
  await page.goto(`${h.base}/t/${h.ids.titles['Dark']}`);
  await page.getByRole('heading', { level: 1, name: 'Dark' }).waitFor();
  const w2 = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w2 <= 360, `title page is ${w2}px wide`);
  await page.screenshot({ path: path.join(h.artifacts, 'title-360.png'), fullPage: true });
});

test('keyboard: the skip link and the cards are reachable and visibly focused', async (h) => {
  const page = await h.newPage();
  await page.goto(h.base + '/');
  await waitForGrid(page, (t) => t.length > 0, 'the grid');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
  await page.locator('#grid .card').first().focus();
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none');
  await page.keyboard.press('Enter');
  await page.locator('#title-heading').waitFor();
});

test('Mini App: "Send to me" delivers the chosen quality to the Telegram user', async (h) => {
  const before = h.deliveries().length;
  const page = await h.miniAppPage(initDataFor(777001));
  await page.goto(`${h.base}/t/${h.ids.titles['Heat']}`);
  await page.getByRole('heading', { level: 1, name: 'Heat' }).waitFor();
  assert.ok(await page.evaluate(() => document.documentElement.classList.contains('tg')), 'Telegram theme applied');
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(255, 255, 255)');
  assert.equal(await page.getByRole('link', { name: 'Get it in Telegram' }).count(), 0);
  await waitFor(() => page.evaluate(() => window.Telegram.WebApp.MainButton.isVisible), 5000, 'the MainButton');
  assert.equal(await page.evaluate(() => window.Telegram.WebApp.MainButton.text), 'Send to me');
  await page.screenshot({ path: path.join(h.artifacts, 'mini-app-title.png'), fullPage: true });
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/deliver')),
    page.evaluate(() => window.__pressMainButton()),
  ]);
  assert.equal(response.status(), 200);
  await waitFor(() => h.deliveries().length === before + 1, 5000, 'the delivery');
  const d = h.deliveries()[before];
  assert.equal(d.user_id, 777001);
  assert.equal(d.chat_id, 777001);
  assert.equal(d.variant_id, h.ids.variants['Heat|1080P']);
  assert.equal(d.via, 'mini_app');
  await waitFor(async () => (await page.locator('#deliver-status').textContent()).startsWith('Sent!'), 5000, 'Sent!');
});

test('Mini App: a show episode in the chosen quality', async (h) => {
  const before = h.deliveries().length;
  const page = await h.miniAppPage(initDataFor(777002));
  await page.goto(`${h.base}/t/${h.ids.titles['Dark']}`);
  await page.getByRole('button', { name: 'Season 2' }).click();
  await page.locator('.episodes button', { hasText: 'S2 E2' }).click();
  await page.getByRole('radio', { name: /720P/ }).click();
  await page.evaluate(() => window.__pressMainButton());
  await waitFor(() => h.deliveries().length === before + 1, 5000, 'the delivery');
  assert.equal(h.deliveries()[before].variant_id, h.ids.variants['Dark|S2E2|720P']);
  assert.equal(h.deliveries()[before].user_id, 777002);
});

test('Mini App: forged initData shows an error and sends nothing', async (h) => {
  const before = h.deliveries().length;
  const forged = initDataFor(777003).replace('777003', '777004');  // another user, same hash
  const page = await h.miniAppPage(forged);
  await page.goto(`${h.base}/t/${h.ids.titles['Heat']}`);
  await waitFor(() => page.evaluate(() => window.Telegram.WebApp.MainButton.isVisible), 5000, 'the MainButton');
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/deliver')),
    page.evaluate(() => window.__pressMainButton()),
  ]);
  assert.equal(response.status(), 401);
  await waitFor(async () => (await page.locator('#deliver-status').textContent()).includes('could not confirm'), 5000,
    'the error message');
  assert.ok(await page.locator('#toast').isVisible());
  await page.screenshot({ path: path.join(h.artifacts, 'mini-app-forged.png') });
  assert.equal(h.deliveries().length, before);
});

require('./mini_app_tests')(test, { cardTitles, waitForGrid });

test('admin dashboard behind its token', async (h) => {
  const page = await h.newPage();
  await page.goto(h.base + '/admin');
  await page.getByLabel(/Admin token/).fill('wrong');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByText('That token is not right.').waitFor();
  await page.getByLabel(/Admin token/).fill(require('./harness').ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Queue' }).waitFor();
  await waitFor(async () => (await page.locator('#queue .tile.done b').textContent().catch(() => '')) !== '', 5000,
    'queue figures');
  await page.screenshot({ path: path.join(h.artifacts, 'admin.png'), fullPage: true });
});

(async () => {
  const buildDir = process.argv[2] || 'build';
  const h = new Harness(buildDir);
  let failed = 0;
  try {
    await h.start();
    for (const t of tests) {
      const started = Date.now();
      try {
        await t.fn(h);
        console.log(`ok   ${t.name} (${Date.now() - started} ms)`);
      } catch (e) {
        failed++;
        console.log(`FAIL ${t.name}\n     ${String(e && e.stack || e).split('\n').slice(0, 6).join('\n     ')}`);
      }
    }
  } catch (e) {
    failed++;
    console.log(`FAIL setup: ${e && e.stack || e}\n${h.serverLog || ''}`);
  } finally {
    await h.stop();
  }
  console.log(`${tests.length - failed}/${tests.length} browser tests passed; screenshots in ${h.artifacts}`);
  process.exit(failed ? 1 : 0);
})();
