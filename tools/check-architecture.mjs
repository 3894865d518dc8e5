#!/usr/bin/env node
// Checks the house rules of docs/architecture.md and prints every place that breaks one.
// Usage: node tools/check-architecture.mjs [projectRoot]   (npm run check:arch)
// Exit 0: no violation. Exit 1: violations listed. No dependencies beyond Node itself.
//
// Rules:
//   domain      code in a domain/ folder imports no framework, database, queue, image or file library, and
//               nothing outside domain/ folders
//   layers      src/ never imports workers/
//   thin-edges  processors and controllers import no database, image or PDF library
//   data-layer  only repositories, entities, migrations and src/database/ import typeorm, mysql2 or the SqlPool,
//               and only they hold SQL text
//   owner       a table is written only by the repositories of the feature that owns it (the feature whose
//               entities/ folder declares it)
//   pipeline    only src/queue/ enqueues (imports the JobProducer or a BullMQ Queue)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(process.argv[2] ?? '.');

const IMPURE = [
  /^@nestjs\//,
  /^typeorm/,
  /^mysql2/,
  /^bullmq/,
  /^ioredis/,
  /^sharp$/,
  /^pdfkit/,
  /^exceljs/,
  /^express/,
  /^supertest/,
  /^(node:)?(fs|fs\/promises|child_process|http|https|net|worker_threads)$/,
];
const EDGE_FORBIDDEN = [/^typeorm/, /^mysql2/, /^@nestjs\/typeorm/, /^sharp$/, /^pdfkit/, /^exceljs/];
const DATA_LIBRARIES = [/^typeorm/, /^mysql2/];
/** SQL statements as they are written in string literals here (keywords in capitals). */
const SQL_TEXT =
  /\b(SELECT\s[\s\S]{0,400}?\sFROM\s|INSERT\s+INTO\s|UPDATE\s+`?\w+`?\s+(?:\w+\s+)?SET\s|DELETE\s+FROM\s|REPLACE\s+INTO\s)/;
const SQL_WRITE =
  /\b(?:(?:INSERT\s+(?:IGNORE\s+)?INTO|REPLACE\s+INTO|DELETE\s+FROM)\s+`?(\w+)`?|(?<!KEY\s)UPDATE\s+`?(\w+)`?(?:\s+(?:AS\s+)?\w+)?\s+SET\b)/g;
const ORM_WRITES = 'insert|save|update|delete|upsert|remove|increment|decrement|softDelete|clear';

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|mts|cts|js|mjs)$/.test(name) && !/\.(spec|test)\.[mc]?[tj]s$/.test(name) && !name.endsWith('.d.ts'))
      out.push(p);
  }
  return out;
}

function importsOf(text) {
  const found = [];
  const re =
    /(?:import\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?|export\s+[^'"]*?\sfrom\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g;
  let m;
  while ((m = re.exec(text))) {
    const typeOnly = /^import\s+type\b/.test(m[0]) || /^export\s+type\b/.test(m[0]);
    const line = text.slice(0, m.index).split('\n').length;
    found.push({ spec: m[1], line, typeOnly });
  }
  return found;
}

/** The text of string and template literals, with their line numbers (comments left out). */
function literalsOf(text) {
  const out = [];
  const re = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g;
  let m;
  while ((m = re.exec(text))) {
    if (m[0].startsWith('/')) continue;
    out.push({ value: m[0].slice(1, -1), line: text.slice(0, m.index).split('\n').length });
  }
  return out;
}

const posix = (p) => p.split(sep).join('/');
const inDomain = (rel) => rel.split('/').includes('domain');
const featureOf = (rel) => (rel.startsWith('src/') ? rel.split('/')[1] : rel.split('/')[0]);
const isRepository = (rel) => /\.repository\.[mc]?[tj]s$/.test(rel);
const isDataLayer = (rel) =>
  isRepository(rel) ||
  rel.startsWith('src/database/') ||
  rel.includes('/entities/') ||
  /\.entity\.[mc]?[tj]s$/.test(rel) ||
  rel.includes('/migrations/');

const files = [...walk(join(root, 'src')), ...walk(join(root, 'workers'))];
const texts = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));

// Tables and entity classes by owning feature: the feature whose entities/ folder declares them.
const tableOwner = new Map();
const entityOwner = new Map();
for (const [file, text] of texts) {
  const rel = posix(relative(root, file));
  if (!rel.startsWith('src/') || !rel.includes('/entities/')) continue;
  const re = /@Entity\(\s*(?:\{\s*name:\s*)?['"](\w+)['"][\s\S]*?export class (\w+)/g;
  let m;
  while ((m = re.exec(text))) {
    tableOwner.set(m[1], featureOf(rel));
    entityOwner.set(m[2], featureOf(rel));
  }
}

const violations = [];
const add = (rule, where, message) => violations.push({ rule, where, message });

for (const [file, text] of texts) {
  const rel = posix(relative(root, file));
  const feature = featureOf(rel);
  const isProcessor = /\.processor\.[mc]?[tj]s$/.test(rel);
  const isController = /\.controller\.[mc]?[tj]s$/.test(rel);

  for (const { spec, line, typeOnly } of importsOf(text)) {
    const where = `${rel}:${line}`;
    const isRelative = spec.startsWith('.');
    const target = isRelative ? posix(relative(root, resolve(dirname(file), spec))) : null;
    if (inDomain(rel) && !typeOnly) {
      if (!isRelative && IMPURE.some((r) => r.test(spec)))
        add('domain', where, `domain code imports '${spec}' (domain/ stays pure)`);
      if (isRelative && !inDomain(target))
        add('domain', where, `domain code imports '${spec}', which is outside every domain/ folder`);
    }
    if (rel.startsWith('src/') && isRelative && target.startsWith('workers/'))
      add('layers', where, `src/ imports from workers/ ('${spec}'): workers depend on src, never the reverse`);
    if ((isProcessor || isController) && !isRelative && !typeOnly && EDGE_FORBIDDEN.some((r) => r.test(spec)))
      add('thin-edges', where, `${isProcessor ? 'processor' : 'controller'} imports '${spec}' (edges call a service)`);
    if (!isDataLayer(rel)) {
      const dataImport =
        (!isRelative && DATA_LIBRARIES.some((r) => r.test(spec))) ||
        (isRelative && /^src\/database\/sql-pool(\.[jt]s)?$/.test(target));
      if (dataImport)
        add('data-layer', where, `imports '${spec}': only repositories, entities and src/database/ reach the database`);
    }
    const enqueues =
      (isRelative && /^src\/queue\/job-producer(\.[jt]s)?$/.test(target)) ||
      (!isRelative && spec === 'bullmq' && /\bQueue\b/.test(text.split('\n')[line - 1] ?? ''));
    if (enqueues && !rel.startsWith('src/queue/'))
      add('pipeline', where, `imports '${spec}': jobs are enqueued by src/queue/pipeline.ts only`);
  }

  if (!isDataLayer(rel) && rel.startsWith('src/')) {
    for (const { value, line } of literalsOf(text)) {
      if (SQL_TEXT.test(value))
        add(
          'data-layer',
          `${rel}:${line}`,
          `SQL text outside a repository: '${value.replace(/\s+/g, ' ').trim().slice(0, 50)}…'`,
        );
    }
  }

  if (rel.startsWith('src/') && !rel.includes('/migrations/')) {
    for (const { value, line } of literalsOf(text)) {
      for (const m of value.matchAll(SQL_WRITE)) {
        const table = m[1] ?? m[2];
        const owner = tableOwner.get(table);
        if (owner && owner !== feature)
          add('owner', `${rel}:${line}`, `writes table ${table}, which ${owner}/ owns: call its repository`);
      }
    }
    const ormWrite = [
      new RegExp(`getRepository\\((\\w+)\\)\\s*\\.(?:${ORM_WRITES})\\(`, 'g'),
      new RegExp(`\\.(?:${ORM_WRITES})\\(\\s*([A-Z]\\w+)\\s*,`, 'g'),
    ];
    const bound = [...text.matchAll(/(\w+)\s*=\s*[\w.]*getRepository\((\w+)\)/g)];
    for (const re of ormWrite) {
      for (const m of text.matchAll(re)) {
        const owner = entityOwner.get(m[1]);
        const line = text.slice(0, m.index).split('\n').length;
        if (owner && owner !== feature)
          add('owner', `${rel}:${line}`, `writes entity ${m[1]}, which ${owner}/ owns: call its repository`);
      }
    }
    for (const [, name, entity] of bound) {
      const owner = entityOwner.get(entity);
      if (!owner || owner === feature) continue;
      for (const m of text.matchAll(new RegExp(`\\b${name}\\.(?:${ORM_WRITES})\\(`, 'g'))) {
        const line = text.slice(0, m.index).split('\n').length;
        add('owner', `${rel}:${line}`, `writes entity ${entity}, which ${owner}/ owns: call its repository`);
      }
    }
  }
}

if (violations.length) {
  console.log(`${violations.length} architecture violation(s):`);
  for (const v of violations) console.log(`  ${v.where}  [${v.rule}] ${v.message}`);
  process.exit(1);
}
console.log(`architecture: ${files.length} files checked, no violations`);
