// Served in place of https://telegram.org/js/telegram-web-app.js in the browser tests (the
// machine has no network): the parts of Telegram.WebApp the Mini App uses, with the same names
// and shapes as Telegram's script. Like Telegram's script it takes its launch parameters from
// the URL fragment Telegram opens the app with (#tgWebAppData=…&tgWebAppThemeParams=…) and
// keeps them in sessionStorage for reloads. It records what the page asks of Telegram in
// window.__tg so a test can assert it, press the native MainButton and BackButton, and change
// the theme.
/* eslint-env browser */
'use strict';

(() => {
  const STORE = '__telegram__initParams';
  let launch = {};
  try { launch = JSON.parse(sessionStorage.getItem(STORE) || '{}'); } catch (e) { launch = {}; }
  for (const [k, v] of new URLSearchParams(location.hash.slice(1))) launch[k] = v;
  sessionStorage.setItem(STORE, JSON.stringify(launch));
  const isDark = (hex) => {
    const n = parseInt(String(hex || '#ffffff').slice(1), 16);
    return 0.299 * (n >> 16) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255) < 120;
  };
  const themeParams = JSON.parse(launch.tgWebAppThemeParams || '{}');
  const cfg = { initData: launch.tgWebAppData || '', themeParams,
    colorScheme: isDark(themeParams.bg_color) ? 'dark' : 'light' };
  const handlers = {};
  const record = { ready: false, haptics: [] };
  const fire = (list, self) => (list || []).slice().forEach((cb) => cb.call(self));

  const params = new URLSearchParams(cfg.initData);
  const initDataUnsafe = {};
  for (const [k, v] of params) {
    if (k === 'hash') initDataUnsafe.hash = v;
    else if (k === 'user') initDataUnsafe.user = JSON.parse(v);
    else if (k === 'auth_date') initDataUnsafe.auth_date = Number(v);
    else initDataUnsafe[k] = v;
  }

  const mainClicks = [];
  const MainButton = {
    text: 'CONTINUE', isVisible: false, isActive: true, isProgressVisible: false,
    setText(t) { this.text = String(t); return this; },
    show() { this.isVisible = true; return this; },
    hide() { this.isVisible = false; return this; },
    enable() { this.isActive = true; return this; },
    disable() { this.isActive = false; return this; },
    showProgress(leaveActive) {
      this.isProgressVisible = true;
      if (!leaveActive) this.isActive = false;
      return this;
    },
    hideProgress() { this.isProgressVisible = false; return this; },
    setParams(p) {
      if ('text' in p) this.text = String(p.text);
      if ('is_visible' in p) this.isVisible = !!p.is_visible;
      if ('is_active' in p) this.isActive = !!p.is_active;
      return this;
    },
    onClick(cb) { mainClicks.push(cb); return this; },
    offClick(cb) { const i = mainClicks.indexOf(cb); if (i >= 0) mainClicks.splice(i, 1); return this; },
  };
  const backClicks = [];
  const BackButton = {
    isVisible: false,
    show() { this.isVisible = true; return this; },
    hide() { this.isVisible = false; return this; },
    onClick(cb) { backClicks.push(cb); return this; },
    offClick(cb) { const i = backClicks.indexOf(cb); if (i >= 0) backClicks.splice(i, 1); return this; },
  };
  const HapticFeedback = {
    impactOccurred(style) { record.haptics.push(`impact:${style}`); return this; },
    notificationOccurred(type) { record.haptics.push(`notification:${type}`); return this; },
    selectionChanged() { record.haptics.push('selection'); return this; },
  };

  const WebApp = {
    initData: cfg.initData,
    initDataUnsafe,
    version: launch.tgWebAppVersion || '6.0',
    platform: launch.tgWebAppPlatform || 'unknown',
    colorScheme: cfg.colorScheme,
    themeParams: { ...cfg.themeParams },
    isExpanded: false,
    MainButton,
    BackButton,
    HapticFeedback,
    isVersionAtLeast(v) {
      const a = this.version.split('.').map(Number);
      const b = String(v).split('.').map(Number);
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        if ((a[i] || 0) !== (b[i] || 0)) return (a[i] || 0) > (b[i] || 0);
      }
      return true;
    },
    ready() { record.ready = true; },
    expand() { this.isExpanded = true; },
    onEvent(name, cb) { (handlers[name] = handlers[name] || []).push(cb); },
    offEvent(name, cb) { const l = handlers[name] || []; const i = l.indexOf(cb); if (i >= 0) l.splice(i, 1); },
  };

  window.Telegram = { WebApp };
  window.__tg = {
    record,
    // What Telegram does when the user taps the native buttons.
    pressMainButton() {
      if (!MainButton.isVisible || !MainButton.isActive) return false;
      fire(mainClicks, WebApp);
      return true;
    },
    pressBackButton() {
      if (!BackButton.isVisible) return false;
      fire(backClicks, WebApp);
      return true;
    },
    // What Telegram does when the user switches between day and night mode.
    setTheme(colorScheme, themeParams) {
      WebApp.colorScheme = colorScheme;
      WebApp.themeParams = { ...themeParams };
      fire(handlers.themeChanged, WebApp);
    },
  };
})();
