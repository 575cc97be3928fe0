// Validates the generated gazetteer and actor files. Exits non-zero on failure.
//
//   node check.mjs            (checks the files one folder up)
//
// Checks: the #columns: header, field counts, no tabs/newlines/control
// characters inside fields, unique ids, id formats, coordinates in range,
// every admin1_id of places.tsv present in admin1.tsv, every country code
// present in countries.tsv, actor kinds.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const COLUMNS = {
  'countries.tsv': ['iso3', 'iso2', 'name', 'aliases', 'demonyms', 'capital', 'latitude', 'longitude', 'precision_km'],
  'admin1.tsv': ['id', 'country_iso3', 'name', 'aliases', 'latitude', 'longitude', 'precision_km'],
  'places.tsv': ['id', 'name', 'aliases', 'country_iso3', 'admin1_id', 'latitude', 'longitude', 'population'],
  'actors.tsv': ['id', 'name', 'kind', 'country_iso3', 'sector', 'aliases', 'role'],
};

const ID_RE = {
  'countries.tsv': /^[A-Z]{3}$/,
  'admin1.tsv': /^(iso:[A-Z]{2}-[A-Z0-9]{1,3}|gn1:[A-Z]{2}\.[A-Za-z0-9]+)$/,
  'places.tsv': /^(gn:[0-9]+|place:[a-z0-9-]+)$/,
  'actors.tsv': /^(person|org|armed|group|country):[a-z0-9][a-z0-9-]*$/,
};

const KINDS = new Set(['person', 'organization', 'armed_force', 'group', 'country']);

function readTable(dir, file, errors) {
  const p = path.join(dir, file);
  if (!fs.existsSync(p)) {
    errors.push(`${file}: missing`);
    return [];
  }
  const buf = fs.readFileSync(p);
  const text = buf.toString('utf8');
  if (Buffer.compare(Buffer.from(text, 'utf8'), buf) !== 0) errors.push(`${file}: not valid UTF-8`);
  if (text.includes('\r')) errors.push(`${file}: contains CR characters`);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let sawColumns = false;
  let sawComment = false;
  const rows = [];
  lines.forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    if (line.startsWith('#columns:')) {
      const cols = line.slice('#columns:'.length).split('\t').filter(Boolean);
      if (cols.join(',') !== COLUMNS[file].join(',')) errors.push(`${where}: columns ${cols.join(',')} != ${COLUMNS[file].join(',')}`);
      sawColumns = true;
      return;
    }
    if (line.startsWith('#')) {
      if (sawColumns) errors.push(`${where}: comment after the #columns: line`);
      sawComment = true;
      return;
    }
    if (!sawColumns) {
      errors.push(`${where}: data before the #columns: line`);
      return;
    }
    const f = line.split('\t');
    if (f.length !== COLUMNS[file].length) {
      errors.push(`${where}: ${f.length} fields, expected ${COLUMNS[file].length}`);
      return;
    }
    for (const x of f) {
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001f\u007f]/.test(x)) errors.push(`${where}: control character in a field`);
      if (x !== x.trim()) errors.push(`${where}: field with surrounding spaces: "${x}"`);
    }
    const rec = Object.fromEntries(COLUMNS[file].map((c, j) => [c, f[j]]));
    rec.__where = where;
    rows.push(rec);
  });
  if (!sawComment) errors.push(`${file}: no # source/licence comment lines`);
  if (!sawColumns) errors.push(`${file}: no #columns: line`);
  return rows;
}

function checkList(rec, field, errors) {
  const v = rec[field];
  if (v === '') return;
  const items = v.split('|');
  for (const it of items) if (it === '' || it !== it.trim()) errors.push(`${rec.__where}: empty or padded item in ${field}`);
}

function checkCoords(rec, errors, { allowEmpty }) {
  const { latitude: la, longitude: lo } = rec;
  if (la === '' && lo === '' && allowEmpty) return;
  const lat = Number(la);
  const lon = Number(lo);
  if (la === '' || !Number.isFinite(lat) || lat < -90 || lat > 90) errors.push(`${rec.__where}: bad latitude "${la}"`);
  if (lo === '' || !Number.isFinite(lon) || lon < -180 || lon > 180) errors.push(`${rec.__where}: bad longitude "${lo}"`);
}

export function runChecks(dir, log = console.log) {
  const errors = [];
  const tables = {};
  for (const file of Object.keys(COLUMNS)) tables[file] = readTable(dir, file, errors);

  const idField = { 'countries.tsv': 'iso3', 'admin1.tsv': 'id', 'places.tsv': 'id', 'actors.tsv': 'id' };
  const ids = {};
  for (const [file, rows] of Object.entries(tables)) {
    const seen = new Set();
    for (const r of rows) {
      const id = r[idField[file]];
      if (!ID_RE[file].test(id)) errors.push(`${r.__where}: bad id "${id}"`);
      if (seen.has(id)) errors.push(`${r.__where}: duplicate id "${id}"`);
      seen.add(id);
      if (r.name === '') errors.push(`${r.__where}: empty name`);
    }
    ids[file] = seen;
  }

  const iso2 = new Set();
  for (const r of tables['countries.tsv']) {
    if (!/^[A-Z]{2}$/.test(r.iso2)) errors.push(`${r.__where}: bad iso2 "${r.iso2}"`);
    if (iso2.has(r.iso2)) errors.push(`${r.__where}: duplicate iso2 "${r.iso2}"`);
    iso2.add(r.iso2);
    checkList(r, 'aliases', errors);
    checkList(r, 'demonyms', errors);
    checkCoords(r, errors, { allowEmpty: false });
    if (r.precision_km !== '' && !/^[0-9]+$/.test(r.precision_km)) errors.push(`${r.__where}: bad precision_km`);
  }
  const countries = ids['countries.tsv'];

  for (const r of tables['admin1.tsv']) {
    if (!countries.has(r.country_iso3)) errors.push(`${r.__where}: unknown country "${r.country_iso3}"`);
    checkList(r, 'aliases', errors);
    checkCoords(r, errors, { allowEmpty: true });
    if (r.precision_km !== '' && !/^[0-9]+$/.test(r.precision_km)) errors.push(`${r.__where}: bad precision_km`);
  }

  const admin1 = ids['admin1.tsv'];
  for (const r of tables['places.tsv']) {
    if (!countries.has(r.country_iso3)) errors.push(`${r.__where}: unknown country "${r.country_iso3}"`);
    if (r.admin1_id !== '' && !admin1.has(r.admin1_id)) errors.push(`${r.__where}: admin1_id "${r.admin1_id}" not in admin1.tsv`);
    checkList(r, 'aliases', errors);
    checkCoords(r, errors, { allowEmpty: false });
    if (!/^[0-9]+$/.test(r.population)) errors.push(`${r.__where}: bad population "${r.population}"`);
  }

  for (const r of tables['actors.tsv']) {
    if (!KINDS.has(r.kind)) errors.push(`${r.__where}: bad kind "${r.kind}"`);
    if (r.country_iso3 !== '' && !countries.has(r.country_iso3)) errors.push(`${r.__where}: unknown country "${r.country_iso3}"`);
    if (r.kind === 'country' && r.country_iso3 === '') errors.push(`${r.__where}: country actor without country_iso3`);
    checkList(r, 'aliases', errors);
  }

  const counts = Object.entries(tables).map(([f, rows]) => `${f} ${rows.length}`).join(', ');
  if (errors.length) {
    for (const e of errors.slice(0, 50)) log(`check: ${e}`);
    if (errors.length > 50) log(`check: ... and ${errors.length - 50} more`);
    log(`check: ${errors.length} problems (${counts})`);
    return false;
  }
  log(`check: all files valid (${counts})`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  process.exit(runChecks(dir) ? 0 : 1);
}
