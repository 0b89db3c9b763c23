// Browser tests of the Mini App at /app/ (the URL the bot's /start button opens), as Telegram
// opens it: Telegram's SDK script is answered by telegram_mock.js carrying initData signed with
// the test bot token, and the test plays the user's taps on Telegram's native buttons.
'use strict';

const assert = require('assert/strict');
const path = require('path');
const { waitFor, initDataFor, BOT_USERNAME, TG_DARK, TG_LIGHT, TELEGRAM_SCRIPT } = require('./harness');

function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
}
function pathAndQuery(page) {
  const u = new URL(page.url());
  return u.pathname + u.search;
}
// What the page has asked of Telegram so far.
function telegramState(page) {
  return page.evaluate(() => {
    const w = window.Telegram.WebApp;
    return {
      main: { text: w.MainButton.text, visible: w.MainButton.isVisible, active: w.MainButton.isActive,
        progress: w.MainButton.isProgressVisible },
      back: w.BackButton.isVisible,
      expanded: w.isExpanded,
      ready: window.__tg.record.ready,
      haptics: window.__tg.record.haptics.slice(),
    };
  });
}
const style = (locator, prop) => locator.evaluate((e, p) => getComputedStyle(e)[p], prop);

module.exports = function register(test, { cardTitles, waitForGrid }) {
  test('Mini App /app/: search, title, quality, "Send to me" in the dark theme; BackButton goes back', async (h) => {
    const before = h.deliveries().length;
    const matrix = h.ids.titles['The Matrix'];
    const page = await h.telegramPage(initDataFor(778001));
    await page.launch('/app');  // redirected to /app/, the fragment with it
    assert.equal(pathAndQuery(page), '/app/');
    await waitFor(async () => (await telegramState(page)).ready, 5000, 'WebApp.ready()');
    let tg = await telegramState(page);
    assert.ok(tg.expanded, 'the app asks Telegram to expand it');
    assert.equal(tg.back, false, 'no BackButton on the catalog');
    assert.equal(tg.main.visible, false, 'no MainButton before a quality is chosen');
    // Telegram's colours, not the website's.
    const body = page.locator('body');
    assert.equal(await style(body, 'backgroundColor'), rgb(TG_DARK.bg_color));
    assert.equal(await style(body, 'color'), rgb(TG_DARK.text_color));
    assert.equal(await style(page.locator('label[for=kind-all]'), 'backgroundColor'), rgb(TG_DARK.button_color));
    assert.equal(await style(page.locator('label[for=kind-all]'), 'color'), rgb(TG_DARK.button_text_color));
    assert.equal(await page.evaluate(() => document.documentElement.style.colorScheme), 'dark');

    await page.getByLabel('Search movies and shows').fill('matrix');
    await waitForGrid(page, (t) => t[0] === 'The Matrix', 'the search results');
    assert.equal(pathAndQuery(page), '/app/?q=matrix');
    assert.match(await page.locator('#status').textContent(), /^1 result for/);
    assert.equal(await page.locator('#more').isVisible(), false, 'no "Show more" when there is no more');
    await page.evaluate(() => document.activeElement.blur());
    await page.screenshot({ path: path.join(h.artifacts, 'mini-app-dark-search.png') });
    const card = page.locator('#grid .card', { hasText: 'The Matrix' });
    assert.equal(await card.getAttribute('href'), `/app/t/${matrix}`);
    await card.click();
    await page.getByRole('heading', { level: 1, name: 'The Matrix' }).waitFor();
    assert.equal(pathAndQuery(page), `/app/t/${matrix}`);
    await waitFor(async () => { tg = await telegramState(page); return tg.back && tg.main.visible; }, 5000,
      'the BackButton and the MainButton');
    assert.equal(tg.main.text, 'Send to me');
    assert.equal(await page.locator('.back-link').isVisible(), false, 'Telegram\'s BackButton replaces the link');
    assert.equal(await page.getByRole('link', { name: 'Get it in Telegram' }).count(), 0);

    await page.getByRole('radio', { name: /720P/ }).click();
    assert.ok((await telegramState(page)).haptics.includes('selection'), 'choosing a quality ticks');
    // While the request is on its way the MainButton shows progress and takes no second press.
    let during = null;
    await page.route('**/api/v1/deliver', async (route) => {
      during = await telegramState(page);
      await route.continue();
    });
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/deliver')),
      page.evaluate(() => window.__tg.pressMainButton()),
    ]);
    assert.equal(response.status(), 200);
    assert.ok(during && during.main.progress && !during.main.active,
      `MainButton while sending: ${JSON.stringify(during && during.main)}`);
    await waitFor(() => h.deliveries().length === before + 1, 5000, 'the delivery');
    const d = h.deliveries()[before];
    assert.deepEqual([d.user_id, d.chat_id, d.variant_id, d.via],
      [778001, 778001, h.ids.variants['The Matrix|720P'], 'mini_app']);
    await waitFor(async () => {
      tg = await telegramState(page);
      return !tg.main.progress && tg.main.active && tg.haptics.includes('notification:success');
    }, 5000, 'the MainButton back to normal and a success haptic');
    assert.ok(!tg.haptics.includes('notification:error'));
    await waitFor(async () => (await page.locator('#deliver-status').textContent()).startsWith('Sent!'), 5000,
      'the "Sent!" line');
    await page.screenshot({ path: path.join(h.artifacts, 'mini-app-dark-sent.png') });

    // Telegram's BackButton returns to the same search results.
    assert.ok(await page.evaluate(() => window.__tg.pressBackButton()));
    await waitForGrid(page, (t) => t[0] === 'The Matrix', 'the results after going back');
    assert.ok(await page.locator('#browse-view').isVisible());
    assert.equal(await page.getByLabel('Search movies and shows').inputValue(), 'matrix');
    assert.equal(pathAndQuery(page), '/app/?q=matrix');
    tg = await telegramState(page);
    assert.equal(tg.back, false, 'BackButton hidden on the catalog');
    assert.equal(tg.main.visible, false, 'MainButton hidden on the catalog');

    // The user switches Telegram to day mode: the page follows at once.
    await page.evaluate((t) => window.__tg.setTheme('light', t), TG_LIGHT);
    await waitFor(async () => (await style(body, 'backgroundColor')) === rgb(TG_LIGHT.bg_color), 5000,
      'the day theme');
    assert.equal(await style(body, 'color'), rgb(TG_LIGHT.text_color));
    assert.equal(await page.evaluate(() => document.documentElement.style.colorScheme), 'light');

    // A reload (Telegram's menu) has no fragment any more: the launch parameters Telegram's
    // script saved in sessionStorage keep it the Mini App.
    assert.equal(new URL(page.url()).hash, '');
    await page.reload();
    await waitForGrid(page, (t) => t[0] === 'The Matrix', 'the results after a reload');
    await waitFor(async () => (await telegramState(page)).ready, 5000, 'WebApp.ready() after the reload');
    assert.ok(await page.evaluate(() => document.documentElement.classList.contains('tg')));
    assert.equal(await style(body, 'backgroundColor'), rgb(TG_DARK.bg_color));
    assert.deepEqual(page.consoleErrors, []);
  });

  test('Mini App /app/: a startapp link opens the title it names', async (h) => {
    const dark = h.ids.titles['Dark'];
    const page = await h.telegramPage(initDataFor(778002, undefined, { start_param: `t${dark}` }));
    // Telegram's script arrives late: until it has read the launch parameters the page must
    // neither run as the website nor drop the fragment that carries them.
    const release = page.holdTelegramScript();
    await page.launch('/app/', { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => document.readyState !== 'loading');
    const early = await page.evaluate(() => ({ hash: location.hash, cards: document.querySelectorAll('.card').length,
      tg: document.documentElement.classList.contains('tg') }));
    assert.match(early.hash, /tgWebAppData=/);
    assert.deepEqual([early.cards, early.tg], [0, false]);
    release();
    await page.getByRole('heading', { level: 1, name: 'Dark' }).waitFor();
    assert.equal(pathAndQuery(page), `/app/t/${dark}`);
    await waitFor(async () => (await telegramState(page)).back, 5000, 'the BackButton');
    assert.ok(await page.evaluate(() => window.__tg.pressBackButton()));
    await waitForGrid(page, (t) => t.length > 20, 'the catalog');
    assert.equal(pathAndQuery(page), '/app/');
    assert.equal((await telegramState(page)).back, false);
    assert.deepEqual(page.consoleErrors, []);

    // A link to a title that does not exist says so instead of showing a blank page.
    const gone = await h.telegramPage(initDataFor(778002, undefined, { start_param: 't999999' }));
    await gone.launch('/app/');
    await gone.getByText('This title does not exist.').waitFor();
    assert.equal(pathAndQuery(gone), '/app/t/999999');
  });

  test('Mini App /app/: forged initData is refused with a visible error and an error haptic', async (h) => {
    const before = h.deliveries().length;
    const forged = initDataFor(778003).replace(/778003/g, '778004');  // another user, the same hash
    const page = await h.telegramPage(forged);
    await page.launch(`/app/t/${h.ids.titles['Heat']}`);
    await page.getByRole('heading', { level: 1, name: 'Heat' }).waitFor();
    await waitFor(async () => (await telegramState(page)).main.visible, 5000, 'the MainButton');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/deliver')),
      page.evaluate(() => window.__tg.pressMainButton()),
    ]);
    assert.equal(response.status(), 401);
    await waitFor(async () => (await page.locator('#deliver-status').textContent()).includes('could not confirm'),
      5000, 'the error line');
    assert.equal(await style(page.locator('#deliver-status'), 'color'), rgb(TG_DARK.destructive_text_color),
      'the error line is in Telegram\'s destructive colour');
    assert.ok(await page.locator('#toast').isVisible());
    assert.match(await page.locator('#toast').textContent(), /could not confirm/);
    const toastBox = await page.locator('#toast').boundingBox();
    assert.ok(toastBox.width > 300, `the toast uses the screen's width (${toastBox.width} px)`);
    await waitFor(async () => (await telegramState(page)).haptics.includes('notification:error'), 5000,
      'an error haptic');
    const tg = await telegramState(page);
    assert.ok(!tg.haptics.includes('notification:success'));
    assert.ok(tg.main.active && !tg.main.progress, 'the MainButton can be pressed again');
    await page.screenshot({ path: path.join(h.artifacts, 'mini-app-dark-forged.png') });
    assert.equal(h.deliveries().length, before);
  });

  test('/app/ outside Telegram is the website, with every link under /app/', async (h) => {
    const page = await h.newPage();
    const res = await page.goto(h.base + '/app/');
    assert.match(res.headers()['content-security-policy'], /frame-ancestors https:\/\/web\.telegram\.org/);
    await waitForGrid(page, (t) => t.length > 20, 'the grid');
    assert.ok((await cardTitles(page)).includes('Heat'));
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('tg')), false);
    const heat = page.locator('#grid .card', { hasText: 'Heat' });
    assert.equal(await heat.getAttribute('href'), `/app/t/${h.ids.titles['Heat']}`);
    await heat.click();
    await page.getByRole('heading', { level: 1, name: 'Heat' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Get it in Telegram' }).getAttribute('href'),
      `https://t.me/${BOT_USERNAME}?start=v${h.ids.variants['Heat|1080P']}`);
    await page.getByRole('link', { name: '← All titles' }).click();
    await waitForGrid(page, (t) => t.length > 20, 'the grid again');
    assert.equal(new URL(page.url()).pathname, '/app/');
    assert.deepEqual(page.consoleErrors, []);
    // /app leads to /app/ and keeps the query Telegram may add.
    const r = await page.request.get(h.base + '/app?tgWebAppStartParam=t1', { maxRedirects: 0 });
    assert.equal(r.status(), 301);
    assert.equal(r.headers().location, '/app/?tgWebAppStartParam=t1');
  });

  test('a telegram.org that never answers holds up neither the website nor the Mini App page', async (h) => {
    const page = await h.newPage();
    const held = [];
    await page.route(TELEGRAM_SCRIPT, (route) => { held.push(route); });  // never answered
    try {
      await page.goto(h.base + '/app/', { waitUntil: 'domcontentloaded' });
      await waitForGrid(page, (t) => t.length > 20, 'the grid while telegram.org hangs');
      assert.equal(held.length, 1, 'the page asked for Telegram\'s script');
      await page.locator('#grid .card', { hasText: 'Heat' }).click();
      await page.getByRole('link', { name: 'Get it in Telegram' }).waitFor();
    } finally {
      await Promise.all(held.map((r) => r.abort().catch(() => {})));
    }
  });
};
