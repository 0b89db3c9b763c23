// The browser tests' catalog, as SQL for the schema of src/db/migrations: titles with posters
// (inline SVG data: URLs, so nothing is fetched from off this machine), some without a poster
// and some whose poster fails to load, a show with seasons and episodes, and upload variants
// (only 'done' ones with telegram_objects count as available).
'use strict';

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

// A poster-like SVG: a gradient, a big circle "art", the title in large type.
function posterDataUrl(title, year) {
  const h = hue(title);
  const words = title.split(' ');
  const lines = [];
  let line = '';
  for (const w of words) {
    if ((line + ' ' + w).trim().length > 12 && line) { lines.push(line); line = w; } else line = (line + ' ' + w).trim();
  }
  if (line) lines.push(line);
  const text = lines.slice(0, 4).map((l, i) =>
    `<text x="20" y="${330 - (lines.length - 1 - i) * 34}" font-family="Georgia,serif" font-size="30" font-weight="700" fill="#fff">${l.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 450">` +
    `<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="hsl(${h},65%,45%)"/>` +
    `<stop offset="1" stop-color="hsl(${(h + 40) % 360},70%,10%)"/></linearGradient></defs>` +
    `<rect width="300" height="450" fill="url(#g)"/>` +
    `<circle cx="${90 + (h % 120)}" cy="150" r="${70 + (h % 40)}" fill="hsl(${(h + 180) % 360},80%,60%)" opacity=".55"/>` +
    `<circle cx="${220 - (h % 90)}" cy="210" r="40" fill="#fff" opacity=".12"/>` +
    text +
    `<text x="20" y="420" font-family="Arial,sans-serif" font-size="16" letter-spacing="3" fill="rgba(255,255,255,.75)">${year}</text>` +
    `</svg>`;
  return 'data:image/svg+xml;base64,' + Buffer.from(svg).toString('base64');
}

function build() {
  const sql = ['BEGIN;'];
  const now = Date.now();
  let titleId = 0;
  let variantId = 0;
  let messageId = 1000;
  const ids = { titles: {}, variants: {}, episodes: {} };
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
    // Every 7th has no poster, every 9th a poster URL that fails (404 here): both get the placeholder.
    const poster = i % 7 === 3 ? null : i % 9 === 5 ? '/static/missing-poster.jpg' : posterDataUrl(title, year);
    const overview = `${title} (${year}): a ${genres.join(' and ').toLowerCase()} film from the CM catalog.`;
    sql.push(`INSERT INTO titles(id, kind, cm_id, title, original_title, year, poster_url, overview, genres, created_at, updated_at) VALUES (${titleId}, 'movie', ${q('m' + titleId)}, ${q(title)}, ${title === 'Amélie' ? q("Le Fabuleux Destin d'Amélie Poulain") : 'NULL'}, ${year}, ${q(poster)}, ${q(overview)}, ${q(JSON.stringify([...genres].sort()))}, ${now - (MOVIES.length - i) * 60000}, ${now});`);
    ids.titles[title] = titleId;
    for (const quality of qualities) ids.variants[`${title}|${quality}`] = variant(title, titleId, 0, quality, 'M', 'done');
    if (!qualities.length) variant(title, titleId, 0, '1080P', 'M', 'pending');
  });

  let episodeId = 0;
  SHOWS.forEach(([title, year, genres, seasons, perSeason], i) => {
    titleId++;
    sql.push(`INSERT INTO titles(id, kind, cm_id, title, year, poster_url, overview, genres, created_at, updated_at) VALUES (${titleId}, 'show', ${q('s' + titleId)}, ${q(title)}, ${year}, ${q(posterDataUrl(title, year))}, ${q(`${title}: ${seasons} season${seasons > 1 ? 's' : ''}.`)}, ${q(JSON.stringify([...genres].sort()))}, ${now + i * 60000}, ${now});`);
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
  sql.push('COMMIT;');
  return { sql: sql.join('\n') + '\n', ids };
}

module.exports = { build };
