// The house-rule checker (tools/check-architecture.mjs) on small planted trees: each rule fails on its violation,
// a clean tree passes, and the real tree passes.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const CHECKER = resolve('tools/check-architecture.mjs');

function check(root: string): { code: number; out: string } {
  try {
    return { code: 0, out: execFileSync('node', [CHECKER, root], { encoding: 'utf8' }) };
  } catch (e) {
    const err = e as { status: number; stdout: string };
    return { code: err.status, out: err.stdout };
  }
}

/** A tiny project: two features with an entity each, a repository, a service, a controller and a domain file. */
const CLEAN: Record<string, string> = {
  'src/things/entities/thing.entity.ts': `import { Entity } from 'typeorm';\n@Entity('thing')\nexport class Thing {}\n`,
  'src/things/thing.repository.ts': `import { DataSource } from 'typeorm';\nimport { Thing } from './entities/thing.entity.js';\nexport class ThingRepository {\n  constructor(private readonly ds: DataSource) {}\n  rename(id: number, name: string) {\n    return this.ds.query('UPDATE thing SET name = ? WHERE id = ?', [name, id]);\n  }\n  add() {\n    return this.ds.getRepository(Thing).insert({});\n  }\n}\n`,
  'src/things/things.service.ts': `import { ThingRepository } from './thing.repository.js';\nimport { score } from './domain/score.js';\nexport class ThingsService {\n  constructor(private readonly things: ThingRepository) {}\n  rename(id: number) {\n    // a comment that says SELECT name FROM thing is not SQL text\n    return this.things.rename(id, String(score(1)));\n  }\n}\n`,
  'src/things/things.controller.ts': `import { Controller } from '@nestjs/common';\n@Controller()\nexport class ThingsController {}\n`,
  'src/things/domain/score.ts': `export const score = (n: number) => n * 2;\n`,
  'src/others/entities/other.entity.ts': `import { Entity } from 'typeorm';\n@Entity({ name: 'other' })\nexport class Other {}\n`,
  'src/queue/pipeline.ts': `import { JobProducer } from './job-producer.js';\nexport class Pipeline { constructor(readonly jobs: JobProducer) {} }\n`,
  'src/queue/job-producer.ts': `import { Queue } from 'bullmq';\nexport class JobProducer { q?: Queue; }\n`,
  'workers/processors/thing.processor.ts': `import { ThingsService } from '../../src/things/things.service.js';\nexport const p = ThingsService;\n`,
};

/** One planted violation per rule: the file it adds and the rule tag the checker must print. */
const PLANTED: [string, Record<string, string>, string][] = [
  [
    'domain imports a framework',
    { 'src/things/domain/bad.ts': `import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n` },
    '[domain]',
  ],
  [
    'domain imports outside domain/',
    {
      'src/things/domain/bad.ts': `import { ThingsService } from '../things.service.js';\nexport const x = ThingsService;\n`,
    },
    '[domain]',
  ],
  [
    'src imports workers',
    { 'src/things/bad.ts': `import { p } from '../../workers/processors/thing.processor.js';\nexport const x = p;\n` },
    '[layers]',
  ],
  [
    'controller imports typeorm',
    { 'src/things/bad.controller.ts': `import { DataSource } from 'typeorm';\nexport const x = DataSource;\n` },
    '[thin-edges]',
  ],
  [
    'service imports typeorm',
    { 'src/things/bad.service.ts': `import { DataSource } from 'typeorm';\nexport const x = DataSource;\n` },
    '[data-layer]',
  ],
  [
    'service imports the SqlPool',
    { 'src/things/bad.service.ts': `import { SqlPool } from '../database/sql-pool.js';\nexport const x = SqlPool;\n` },
    '[data-layer]',
  ],
  [
    'SQL text in a service',
    {
      'src/things/bad.service.ts': `export const q = (db: { query(s: string): void }) => db.query('SELECT id FROM thing WHERE id = 1');\n`,
    },
    '[data-layer]',
  ],
  [
    'another feature writes the table (SQL)',
    {
      'src/others/other.repository.ts': `export const q = (db: { query(s: string): void }) => db.query('DELETE FROM thing WHERE id = 1');\n`,
    },
    '[owner]',
  ],
  [
    'another feature writes the entity (ORM)',
    {
      'src/others/other.repository.ts': `import { Thing } from '../things/entities/thing.entity.js';\nexport const q = (ds: any) => ds.getRepository(Thing).update({ id: 1 }, {});\n`,
    },
    '[owner]',
  ],
  [
    'another feature writes through a bound repository',
    {
      'src/others/other.repository.ts': `import { Thing } from '../things/entities/thing.entity.js';\nexport async function q(ds: any) {\n  const repo = ds.getRepository(Thing);\n  await repo.save({});\n}\n`,
    },
    '[owner]',
  ],
  [
    'a service enqueues',
    {
      'src/things/bad.service.ts': `import { JobProducer } from '../queue/job-producer.js';\nexport const x = JobProducer;\n`,
    },
    '[pipeline]',
  ],
];

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'arch-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('tools/check-architecture.mjs', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

  it('passes a tree that keeps every rule', () => {
    const root = tree(CLEAN);
    roots.push(root);
    const r = check(root);
    expect(r.out).toContain('no violations');
    expect(r.code).toBe(0);
  });

  it.each(PLANTED)('fails on a planted violation: %s', (_name, extra, tag) => {
    const root = tree({ ...CLEAN, ...extra });
    roots.push(root);
    const r = check(root);
    expect(r.code).toBe(1);
    expect(r.out).toContain(tag);
  });

  it('passes the project itself', () => {
    const r = check(resolve('.'));
    expect(r.out).toContain('no violations');
    expect(r.code).toBe(0);
  });
});
