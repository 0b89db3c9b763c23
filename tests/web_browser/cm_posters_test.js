// Issue 18: the catalog stands on its own. `cmup import` from a real cmup-sim-cm, then the CM
// simulator is STOPPED; `cmup db backup`, the imported data dir deleted, `cmup db restore` into
// a fresh data dir; and every poster still shows on the grid and on each title page, served by
// cmup from its own origin out of the restored image store: node cm_posters_test.js BUILD_DIR
'use strict';

const assert = require('assert/strict');
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { Harness, waitFor } = require('./harness');

const MOVIES = 9, SHOWS = 2;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = require('net').createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

async function startSimCm(buildDir) {
  const port = await freePort();
  const sim = spawn(path.join(buildDir, 'cmup-sim-cm'), ['--listen', `127.0.0.1:${port}`, '--username', 'importer',
    '--password', 's3cret-pw', '--movies', String(MOVIES), '--shows', String(SHOWS), '--episodes-per-show', '1',
    '--media-dir', path.join(buildDir, 'test-media', 'sim-cm')], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  sim.stdout.on('data', (d) => { log += d; });
  sim.stderr.on('data', (d) => { log += d; });
  await waitFor(() => log.includes('listening on') || sim.exitCode !== null, 180000, 'cmup-sim-cm to start');
  if (sim.exitCode !== null) throw new Error(`cmup-sim-cm exited: ${log}`);
  return { sim, port, url: `http://127.0.0.1:${port}` };
}

async function stopProcess(child) {
  try { process.kill(-child.pid, 'SIGTERM'); } catch (e) { /* gone */ }
  await waitFor(() => child.exitCode !== null || child.signalCode !== null, 10000, 'cmup-sim-cm to stop')
    .catch(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch (e) { /* gone */ } });
}

// Whether every <img> matched by `selector` finished loading real pixels from cmup's origin.
function imagesLoaded(page, selector, origin) {
  return page.$$eval(selector, (imgs, o) => imgs.map((i) => ({
    src: i.currentSrc || i.src, ok: i.complete && i.naturalWidth > 0, onOrigin: (i.currentSrc || i.src).startsWith(o + '/images/'),
  })), origin);
}

(async () => {
  const buildDir = path.resolve(process.argv[2] || 'build');
  const h = new Harness(buildDir);
  let sim = null;
  let failed = 0;
  try {
    sim = await startSimCm(buildDir);
    // Imported here, served from h.work/data after a backup and a restore.
    const importDir = path.join(h.work, 'imported');
    const env = { ...process.env, CMUP_GENERAL_DATA_DIR: importDir, CMUP_CM_BASE_URL: sim.url,
      CMUP_CM_USERNAME: 'importer', CMUP_CM_PASSWORD: 's3cret-pw', CMUP_GENERAL_LOG_LEVEL: 'warn' };
    const out = execFileSync(path.join(buildDir, 'cmup'), ['import', '-q'], { cwd: h.work, env, encoding: 'utf8',
      timeout: 120000 });
    assert.match(out, new RegExp(`images: ${MOVIES + SHOWS} stored, 0 failed`), out);

    // CM is gone from here on.
    await stopProcess(sim.sim);
    sim = null;

    // The workers' part, as the fixture plays it: every title's variants uploaded.
    const db = path.join(importDir, 'cmup.db');
    execFileSync('sqlite3', [db], { input: `BEGIN;
      UPDATE upload_variants SET state = 'done';
      INSERT INTO telegram_objects(variant_id, part_no, part_count, account, channel_id, message_id, file_id,
        file_unique_id, file_name, size_bytes, created_at)
        SELECT id, 1, 1, 'ember', -1001000000001, 1000 + id, 'BQAD' || id, 'AgAD' || id, coded_name || '.mp4', 1000, 0
        FROM upload_variants;
      COMMIT;` });
    const ids = execFileSync('sqlite3', [db, 'SELECT id FROM titles ORDER BY id'], { encoding: 'utf8' })
      .trim().split('\n').map(Number);
    assert.equal(ids.length, MOVIES + SHOWS);

    // The operator's way to move the catalog: a backup (database and image store), the old
    // data dir gone, a restore into a fresh one. Nothing of the import's data dir is left to
    // serve a poster from.
    const posters = Number(execFileSync('sqlite3', [db, 'SELECT count(DISTINCT sha256) FROM title_images WHERE sha256 IS NOT NULL'],
      { encoding: 'utf8' }).trim());
    assert.ok(posters > 0, 'the import stored posters');
    const backup = path.join(h.work, 'backup', 'cmup-backup.db');
    fs.mkdirSync(path.dirname(backup));
    const backedUp = execFileSync(path.join(buildDir, 'cmup'), ['db', 'backup', backup], { cwd: h.work, env,
      encoding: 'utf8', timeout: 60000 });
    assert.match(backedUp, new RegExp(`images: ${posters} stored posters copied`), backedUp);
    fs.rmSync(importDir, { recursive: true });
    const restored = execFileSync(path.join(buildDir, 'cmup'), ['db', 'restore', backup], { cwd: h.work,
      env: { ...env, CMUP_GENERAL_DATA_DIR: path.join(h.work, 'data') }, encoding: 'utf8', timeout: 60000 });
    assert.match(restored, new RegExp(`images: ${posters} stored posters in`), restored);

    await h.start({ fill: false });
    const page = await h.newPage({ width: 1280, height: 3000 });  // every card in view: no lazy image left waiting
    const offOrigin = [];
    // Images only: the page also asks for Telegram's script, which the harness refuses.
    page.on('request', (r) => { if (r.resourceType() === 'image' && !r.url().startsWith(h.base)) offOrigin.push(r.url()); });

    await page.goto(h.base + '/');
    await waitFor(async () => (await page.$$('#grid .card')).length === ids.length, 15000, 'every title on the grid');
    await waitFor(async () => {
      const imgs = await imagesLoaded(page, '#grid .card img', h.base);
      return imgs.length === ids.length && imgs.every((i) => i.ok && i.onOrigin);
    }, 30000, 'every grid poster loaded from cmup').catch(async (e) => {
      throw new Error(`${e.message}: ${JSON.stringify(await imagesLoaded(page, '#grid .card img', h.base))}`);
    });
    assert.equal(await page.$$eval('#grid svg.poster-placeholder', (s) => s.length), 0, 'no placeholder');
    await page.screenshot({ path: path.join(h.artifacts, 'posters-cm-stopped.png') });
    console.log(`ok   grid: ${ids.length} posters from cmup with CM stopped, after a backup and a restore`);

    for (const id of ids) {
      await page.goto(`${h.base}/t/${id}`);
      await waitFor(async () => {
        const imgs = await imagesLoaded(page, '.hero .poster img', h.base);
        return imgs.length === 1 && imgs[0].ok && imgs[0].onOrigin;
      }, 15000, `the poster of title ${id}`).catch(async (e) => {
        throw new Error(`${e.message}: ${JSON.stringify(await imagesLoaded(page, '.hero .poster img', h.base))}`);
      });
    }
    console.log(`ok   title pages: ${ids.length} posters from cmup with CM stopped, after a backup and a restore`);
    assert.deepEqual(offOrigin, [], 'no image is asked of anyone but cmup');
    assert.deepEqual(page.consoleErrors, []);
  } catch (e) {
    failed++;
    console.log(`FAIL posters with CM stopped\n     ${String(e && e.stack || e).split('\n').slice(0, 8).join('\n     ')}`);
    if (h.serverLog) console.log(h.serverLog);
  } finally {
    if (sim) await stopProcess(sim.sim);
    await h.stop();
  }
  console.log(failed ? '0/1 poster browser tests passed' : '1/1 poster browser tests passed');
  process.exit(failed ? 1 : 0);
})();
