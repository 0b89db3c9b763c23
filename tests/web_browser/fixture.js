// The browser tests' catalog, as SQL for the schema of src/db/migrations: titles with posters
// (PNGs made here, stored as `cmup import` stores them: files of the content-addressed image
// store plus title_images rows, so nothing is fetched from off this machine), some without a
// poster and some whose stored poster is missing (it fails to load), a show with seasons and episodes, and upload variants
// (only 'done' ones with telegram_objects count as available).
'use strict';

const crypto = require('crypto');
const zlib = require('zlib');

const MOVIES = [
  ['The Avengers', 2012, ['Action', 'Sci-Fi'], ['1080P', '720P']],
  ['Avengers: Endgame', 2019, ['Action', 'Sci-Fi'], ['2160P', '1080P']],
  ['Spider-Man', 2002, ['Action'], ['1080P']],
  ['Spider-Man: Into the Spider-Verse', 2018, ['Animation', 'Action'], ['1080P', '720P']],
  ['The Matrix', 1999, ['Sci-Fi', 'Action'], ['2160P', '1080P', '720P']],
  ['Heat', 1995, ['Crime', 'Drama'], ['1080P']],
  ['Amélie', 2001, ['Comedy', 'Romance'], ['720P']],
  ['Parasite', 2019, ['Drama', 'Thriller'], ['1080P', '480P']],
  ['Arrival', 2016, ['Sci-Fi', 'Drama'], ['1080P']],
  ['Mad Max: Fury Road', 2015, ['Action'], ['2160P', '1080P']],
  ['Spirited Away', 2001, ['Animation', 'Fantasy'], ['1080P']],
  ['The Grand Budapest Hotel', 2014, ['Comedy'], ['1080P', '720P']],
  ['Inception', 2010, ['Sci-Fi', 'Thriller'], ['1080P']],
  ['Whiplash', 2014, ['Drama', 'Music'], ['720P']],
  ['Casablanca', 1942, ['Drama', 'Romance'], ['480P']],
  ['Blade Runner 2049', 2017, ['Sci-Fi'], ['2160P']],
  ['Pulp Fiction', 1994, ['Crime'], ['1080P']],
  ['Coco', 2017, ['Animation', 'Family'], ['1080P']],
  ['The Dark Knight', 2008, ['Action', 'Crime'], ['1080P', '720P']],
  ['Interstellar', 2014, ['Sci-Fi', 'Drama'], ['2160P', '1080P']],
  ['Upcoming Feature', 2026, ['Drama'], []],  // still in the queue: not shown by default
];
const SHOWS = [
  ['The Office', 2005, ['Comedy'], 3, 4],
  ['Dark', 2017, ['Sci-Fi', 'Thriller'], 2, 3],
  ['Chernobyl', 2019, ['Drama', 'History'], 1, 5],
];

const q = (s) => (s === null || s === undefined ? 'NULL' : `'${String(s).replace(/'/g, "''")}'`);

function hue(text) {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return h % 360;
}

// A poster-like PNG (real image bytes, as a CM's CDN serves): a vertical gradient and a
// bright disc, colours from the title.
function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xEDB88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function hsl(h, s, l) {
  const a = s * Math.min(l, 1 - l);
  const f = (n) => { const k = (n + h / 30) % 12; return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)))); };
  return [f(0), f(8), f(4)];
}
function posterPng(title) {
  const W = 150, H = 225, h = hue(title);
  const raw = Buffer.alloc(H * (W * 3 + 1));
  const cx = 45 + (h % 60), cy = 75, r = 35 + (h % 20);
  for (let y = 0; y < H; y++) {
    const row = y * (W * 3 + 1);
    const top = hsl(h, 0.65, 0.45 - 0.35 * (y / H));
    for (let x = 0; x < W; x++) {
      const inDisc = (x - cx) ** 2 + (y - cy) ** 2 < r * r;
      const [R, G, B] = inDisc ? hsl((h + 180) % 360, 0.8, 0.6) : top;
      raw[row + 1 + x * 3] = R; raw[row + 2 + x * 3] = G; raw[row + 3 + x * 3] = B;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(W, 0); ihdr.writeUInt32BE(H, 4); ihdr[8] = 8; ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

function build() {
  const sql = ['BEGIN;'];
  const now = Date.now();
  let titleId = 0;
  let variantId = 0;
  let messageId = 1000;
  const ids = { titles: {}, variants: {}, episodes: {} };
  // Posters as `cmup import` leaves them: sha256 -> bytes (the harness writes them into the
  // image store) and title_images rows naming them. bytes null: a row whose file is missing.
  const images = {};
  const imageRows = [];
  function storePoster(tid, url, bytes) {
    const sha = crypto.createHash('sha256').update(bytes || `missing-${tid}`).digest('hex');
    if (bytes) images[sha] = bytes;
    imageRows.push(`INSERT INTO title_images(title_id, role, source_url, stored_from, sha256, attempts, updated_at) VALUES (${tid}, 'poster', ${q(url)}, ${q(url)}, ${q(sha)}, 1, ${now});`);
  }
  const SIZES = { '2160P': 14.2e9, '1440P': 8e9, '1080P': 4.3e9, '720P': 1.9e9, '576P': 1.2e9, '480P': 0.8e9 };

  function variant(title, tid, eid, quality, kindLetter, state) {
    variantId++;
    const coded = `CM_${kindLetter}${String(tid).padStart(6, '0')}${eid ? `_E${eid}` : ''}_${quality}`;
    const parts = SIZES[quality] > 4e9 ? 3 : 1;
    const bytes = Math.round(SIZES[quality] * (0.9 + (hue(title + quality) % 20) / 100));
    const done = state === 'done';
    sql.push(`INSERT INTO upload_variants(id, title_id, episode_id, quality, coded_name, state, size_bytes, part_count, created_at, updated_at, done_at) VALUES (${variantId}, ${tid}, ${eid || 'NULL'}, ${q(quality)}, ${q(coded)}, ${q(state)}, ${done ? bytes : 'NULL'}, ${done ? parts : 'NULL'}, ${now}, ${now}, ${done ? now : 'NULL'});`);
    if (done) {
      for (let p = 1; p <= parts; p++) {
        messageId++;
        sql.push(`INSERT INTO telegram_objects(variant_id, part_no, part_count, account, channel_id, message_id, file_id, file_unique_id, file_name, size_bytes, created_at) VALUES (${variantId}, ${p}, ${parts}, 'ember', -1001000000001, ${messageId}, ${q('BQAD' + variantId + '_' + p)}, ${q('AgAD' + variantId + '_' + p)}, ${q(coded + (parts > 1 ? `.part${p}` : '') + '.mp4')}, ${Math.floor(bytes / parts)}, ${now});`);
      }
    }
    return variantId;
  }

  MOVIES.forEach(([title, year, genres, qualities], i) => {
    titleId++;
    // Every 7th has no poster, every 9th a stored poster whose file is missing (404 here): both
    // get the placeholder.
    const poster = i % 7 === 3 ? null : `http://cm.invalid/posters/m${titleId}.png`;
    if (poster) storePoster(titleId, poster, i % 9 === 5 ? null : posterPng(title));
    const overview = `${title} (${year}): a ${genres.join(' and ').toLowerCase()} film from the CM catalog.`;
    sql.push(`INSERT INTO titles(id, kind, cm_id, title, original_title, year, poster_url, overview, genres, created_at, updated_at) VALUES (${titleId}, 'movie', ${q('m' + titleId)}, ${q(title)}, ${title === 'Amélie' ? q("Le Fabuleux Destin d'Amélie Poulain") : 'NULL'}, ${year}, ${q(poster)}, ${q(overview)}, ${q(JSON.stringify([...genres].sort()))}, ${now - (MOVIES.length - i) * 60000}, ${now});`);
    ids.titles[title] = titleId;
    for (const quality of qualities) ids.variants[`${title}|${quality}`] = variant(title, titleId, 0, quality, 'M', 'done');
    if (!qualities.length) variant(title, titleId, 0, '1080P', 'M', 'pending');
  });

  let episodeId = 0;
  SHOWS.forEach(([title, year, genres, seasons, perSeason], i) => {
    titleId++;
    sql.push(`INSERT INTO titles(id, kind, cm_id, title, year, poster_url, overview, genres, created_at, updated_at) VALUES (${titleId}, 'show', ${q('s' + titleId)}, ${q(title)}, ${year}, ${q(`http://cm.invalid/posters/s${titleId}.png`)}, ${q(`${title}: ${seasons} season${seasons > 1 ? 's' : ''}.`)}, ${q(JSON.stringify([...genres].sort()))}, ${now + i * 60000}, ${now});`);
    storePoster(titleId, `http://cm.invalid/posters/s${titleId}.png`, posterPng(title));
    ids.titles[title] = titleId;
    for (let s = 1; s <= seasons; s++) {
      for (let e = 1; e <= perSeason; e++) {
        episodeId++;
        sql.push(`INSERT INTO episodes(id, title_id, cm_id, season, episode, name, created_at, updated_at) VALUES (${episodeId}, ${titleId}, ${q(`e${episodeId}`)}, ${s}, ${e}, ${q(`Chapter ${e}`)}, ${now}, ${now});`);
        ids.episodes[`${title}|S${s}E${e}`] = episodeId;
        // The last episode of each season is still uploading: shown, but not offered.
        const state = e === perSeason ? 'pending' : 'done';
        ids.variants[`${title}|S${s}E${e}|1080P`] = variant(title, titleId, episodeId, '1080P', 'T', state);
        if (e % 2 === 0 && state === 'done')
          ids.variants[`${title}|S${s}E${e}|720P`] = variant(title, titleId, episodeId, '720P', 'T', 'done');
      }
    }
  });
  sql.push(...imageRows);
  sql.push('COMMIT;');
  return { sql: sql.join('\n') + '\n', ids, images };
}

module.exports = { build };
