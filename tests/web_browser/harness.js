// Starts `cmup serve` on a fresh database filled by fixture.js, and chromium (Debian's, through
// playwright-core) with a fresh profile; every request to telegram.org is refused, so the
// pages are tested as they behave when Telegram's script cannot load.
'use strict';

const { spawn, execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');
const fixture = require('./fixture');

const BOT_TOKEN = '123456:TEST-browser-bot-token';
const BOT_USERNAME = 'cmup_test_bot';
const ADMIN_TOKEN = 'browser-admin-token';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(cond, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// initData exactly as Telegram signs it (TELEGRAM.md): the tests play Telegram's part.
function signInitData(fields, token = BOT_TOKEN) {
  const check = Object.keys(fields).sort().map((k) => `${k}=${fields[k]}`).join('\n');
  const secret = crypto.createHmac('sha256', 'WebAppData').update(token).digest();
  const hash = crypto.createHmac('sha256', secret).update(check).digest('hex');
  const p = new URLSearchParams(fields);
  p.set('hash', hash);
  return p.toString();
}
// `extra` adds fields Telegram may send, e.g. { start_param: 't12' } for a startapp link.
function initDataFor(userId, token = BOT_TOKEN, extra = {}) {
  return signInitData({
    query_id: `AAQ${userId}`,
    user: JSON.stringify({ id: userId, first_name: 'Browser', username: 'browser_test' }),
    auth_date: String(Math.floor(Date.now() / 1000) - 5),
    ...extra,
  }, token);
}

// Telegram's night and day themes (themeParams as Telegram Desktop sends them).
const TG_DARK = { bg_color: '#17212b', secondary_bg_color: '#232e3c', text_color: '#f5f5f5', hint_color: '#708499',
  link_color: '#6ab3f3', button_color: '#5288c1', button_text_color: '#ffffff', header_bg_color: '#17212b',
  section_bg_color: '#17212b', accent_text_color: '#6ab2f2', destructive_text_color: '#ec3942' };
const TG_LIGHT = { bg_color: '#ffffff', secondary_bg_color: '#f1f1f4', text_color: '#000000', hint_color: '#999999',
  link_color: '#2481cc', button_color: '#2481cc', button_text_color: '#ffffff', header_bg_color: '#ffffff',
  section_bg_color: '#ffffff', accent_text_color: '#2481cc', destructive_text_color: '#cc2929' };
const TELEGRAM_SCRIPT = 'https://telegram.org/js/telegram-web-app.js';
const telegramMock = fs.readFileSync(path.join(__dirname, 'telegram_mock.js'), 'utf8');

class Harness {
  constructor(buildDir) {
    this.buildDir = path.resolve(buildDir);
    this.cmup = path.join(this.buildDir, 'cmup');
    this.artifacts = path.join(this.buildDir, 'artifacts', 'web_browser');
    this.work = fs.mkdtempSync(path.join(os.tmpdir(), 'cmup-browser-'));
    this.deliveryLog = path.join(this.work, 'deliveries.jsonl');
  }

  // `fill`: false starts on the database already in <work>/data (e.g. one `cmup import`
  // wrote) instead of the fixture catalog.
  async start({ fill = true } = {}) {
    fs.mkdirSync(this.artifacts, { recursive: true });
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    const env = {
      ...process.env,
      CMUP_GENERAL_DATA_DIR: path.join(this.work, 'data'),
      CMUP_BOT_TOKEN: BOT_TOKEN,
      CMUP_BOT_USERNAME: BOT_USERNAME,
      CMUP_WEB_ADMIN_TOKEN: ADMIN_TOKEN,
      CMUP_GENERAL_LOG_LEVEL: 'warn',
      CMUP_COORDINATOR_LISTEN: '127.0.0.1:0',
    };
    this.serverLog = '';
    this.server = spawn(this.cmup, ['serve', '--listen', `127.0.0.1:${this.port}`, '--test-delivery-log', this.deliveryLog],
      { cwd: this.work, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.server.stdout.on('data', (d) => { this.serverLog += d; });
    this.server.stderr.on('data', (d) => { this.serverLog += d; });
    await waitFor(() => this.serverLog.includes('serving on http://') || this.server.exitCode !== null, 20000,
      'cmup serve to start');
    if (this.server.exitCode !== null) throw new Error(`cmup serve exited: ${this.serverLog}`);

    // The schema exists now (serve migrated it); fill it as the importer and workers would.
    if (fill) this.fillFixture();
    await this.startBrowser();
  }

  fillFixture() {
    const built = fixture.build();
    this.ids = built.ids;
    for (const [sha, bytes] of Object.entries(built.images)) {
      const dir = path.join(this.work, 'data', 'images', sha.slice(0, 2));
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, sha), bytes);
    }
    execFileSync('sqlite3', [path.join(this.work, 'data', 'cmup.db')], { input: built.sql });
  }

  async startBrowser() {
    this.profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cmup-chromium-'));
    this.context = await chromium.launchPersistentContext(this.profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    });
    // Nothing leaves this machine: Telegram's script (the only external URL) is refused.
    await this.context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
  }

  async newPage(viewport) {
    const page = await this.context.newPage();
    if (viewport) await page.setViewportSize(viewport);
    page.consoleErrors = [];
    page.on('pageerror', (e) => page.consoleErrors.push(String(e)));
    return page;
  }

  // A page that behaves like the Mini App inside Telegram: a stub Telegram.WebApp carrying
  // `initData`, whose MainButton records its state so the test can press it.
  async miniAppPage(initData) {
    const page = await this.newPage({ width: 390, height: 844 });
    await page.addInitScript((data) => {
      const listeners = [];
      const mainButton = {
        text: '', isVisible: false, isActive: true, isProgressVisible: false,
        setText(t) { this.text = t; return this; },
        show() { this.isVisible = true; return this; },
        hide() { this.isVisible = false; return this; },
        enable() { this.isActive = true; return this; },
        disable() { this.isActive = false; return this; },
        showProgress() { this.isProgressVisible = true; return this; },
        hideProgress() { this.isProgressVisible = false; return this; },
        onClick(cb) { listeners.push(cb); return this; },
        offClick(cb) { const i = listeners.indexOf(cb); if (i >= 0) listeners.splice(i, 1); return this; },
      };
      window.__pressMainButton = () => listeners.forEach((cb) => cb());
      const defineWebApp = () => ({
        initData: data,
        initDataUnsafe: {},
        colorScheme: 'light',
        themeParams: { bg_color: '#ffffff', text_color: '#111111', hint_color: '#707579', link_color: '#2481cc',
          button_color: '#2481cc', button_text_color: '#ffffff', secondary_bg_color: '#f1f1f4' },
        MainButton: mainButton,
        BackButton: { show() {}, hide() {}, onClick() {} },
        ready() { window.__webAppReady = true; },
        expand() {},
        onEvent() {},
      });
      window.Telegram = { WebApp: defineWebApp() };
    }, initData);
    return page;
  }

  // A page as Telegram's app shows a Mini App: page.launch(path) opens `path` with Telegram's
  // launch parameters in the fragment (the signed `initData`, the theme), and the page's own
  // <script> for Telegram's SDK gets telegram_mock.js instead of the network.
  // page.holdTelegramScript() keeps that answer back (a slow telegram.org) until the function
  // it returns is called.
  async telegramPage(initData, { themeParams = TG_DARK } = {}) {
    const page = await this.newPage({ width: 390, height: 844 });
    let held = null;
    await page.route(TELEGRAM_SCRIPT, async (route) => {
      if (held) await held;
      await route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: telegramMock });
    });
    page.holdTelegramScript = () => {
      let release;
      held = new Promise((resolve) => { release = resolve; });
      return () => { held = null; release(); };
    };
    const fragment = new URLSearchParams({
      tgWebAppData: initData, tgWebAppVersion: '7.10', tgWebAppPlatform: 'tdesktop',
      tgWebAppThemeParams: JSON.stringify(themeParams),
    });
    page.launch = (where, options) => page.goto(`${this.base}${where}#${fragment}`, options);
    return page;
  }

  deliveries() {
    if (!fs.existsSync(this.deliveryLog)) return [];
    return fs.readFileSync(this.deliveryLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  }

  async stop() {
    if (this.context) await this.context.close().catch(() => {});
    if (this.server && this.server.exitCode === null) {
      try { process.kill(-this.server.pid, 'SIGTERM'); } catch (e) { /* already gone */ }
      await waitFor(() => this.server.exitCode !== null || this.server.signalCode !== null, 10000, 'cmup serve to stop')
        .catch(() => { try { process.kill(-this.server.pid, 'SIGKILL'); } catch (e) { /* gone */ } });
    }
    for (const dir of [this.profile, this.work]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = {
  Harness, waitFor, initDataFor, signInitData, BOT_TOKEN, BOT_USERNAME, ADMIN_TOKEN, TG_DARK, TG_LIGHT,
  TELEGRAM_SCRIPT,
};
