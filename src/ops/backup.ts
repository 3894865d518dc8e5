// Backup and restore of one installation: the database (mysqldump --single-transaction, a consistent snapshot
// without locking the marking) and every blob of the blob store (local folder or S3), in one .tar.gz archive.
//
// Order: the database is dumped first, the blobs copied after. Blobs are written before the rows that name them and
// are removed only by retention, so every blob the dump names is in the archive (a blob written after the dump is
// just an extra file).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { AppConfig } from '../config/config.js';
import type { BlobStore } from '../storage/blob-store.js';

export const BACKUP_FORMAT = 'tongkao-backup';
export const BACKUP_VERSION = 1;

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  database: string;
  /** sha256 of db.sql, checked before a restore touches anything. */
  dumpSha256: string;
  dumpBytes: number;
  blobs: number;
  blobBytes: number;
}

type Db = AppConfig['db'];

/** Connection arguments shared by mysqldump and mysql; the password goes through MYSQL_PWD, never argv. */
function clientArgs(db: Db): string[] {
  const where = db.socket ? [`--socket=${db.socket}`] : [`--host=${db.host}`, `--port=${db.port}`, '--protocol=TCP'];
  return [...where, `--user=${db.user}`];
}

function clientEnv(db: Db): NodeJS.ProcessEnv {
  return { ...process.env, MYSQL_PWD: db.password };
}

/** Runs a program; stdin from a file and stdout to a file when given. Rejects with its stderr when it fails. */
function run(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; stdinFile?: string; stdoutFile?: string } = {},
) {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const done: Promise<unknown>[] = [];
    if (opts.stdoutFile) done.push(pipeline(child.stdout, createWriteStream(opts.stdoutFile)));
    else child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    if (opts.stdinFile) done.push(pipeline(createReadStream(opts.stdinFile), child.stdin));
    else child.stdin.end();
    child.on('error', reject);
    child.on('close', (code) => {
      Promise.all(done).then(
        () => (code === 0 ? resolve(out) : reject(new Error(`${cmd} 失败（退出码 ${code}）：${err.trim()}`))),
        reject,
      );
    });
  });
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}

async function* filesUnder(dir: string): AsyncIterable<string> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* filesUnder(p);
    else if (e.isFile()) yield p;
  }
}

export interface BackupOptions {
  /** Folder for the staging copy (default: the system's temporary folder); needs room for the whole backup. */
  workDir?: string;
  log?: (line: string) => void;
}

/** Writes the archive to `outFile` (.tar.gz) and returns its manifest. */
export async function backup(config: AppConfig, blobs: BlobStore, outFile: string, opts: BackupOptions = {}) {
  const log = opts.log ?? (() => undefined);
  const stage = await mkdtemp(join(opts.workDir ?? tmpdir(), 'tongkao-backup-'));
  try {
    log(`导出数据库 ${config.db.name}（mysqldump --single-transaction）`);
    const dump = join(stage, 'db.sql');
    await run(
      'mysqldump',
      [
        ...clientArgs(config.db),
        '--single-transaction',
        '--quick',
        '--routines',
        '--triggers',
        '--events',
        '--hex-blob',
        '--default-character-set=utf8mb4',
        config.db.name,
      ],
      { env: clientEnv(config.db), stdoutFile: dump },
    );
    log('复制文件存储中的全部文件');
    let count = 0;
    let bytes = 0;
    for await (const key of blobs.list('')) {
      const target = join(stage, 'blobs', ...key.split('/'));
      await mkdir(dirname(target), { recursive: true });
      await pipeline(blobs.stream(key), createWriteStream(target));
      bytes += (await stat(target)).size;
      count++;
    }
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      createdAt: new Date().toISOString(),
      database: config.db.name,
      dumpSha256: await sha256File(dump),
      dumpBytes: (await stat(dump)).size,
      blobs: count,
      blobBytes: bytes,
    };
    await writeFile(join(stage, 'manifest.json'), JSON.stringify(manifest, null, 2));
    await mkdir(join(stage, 'blobs'), { recursive: true });
    log(`打包到 ${outFile}（${count} 个文件）`);
    await mkdir(dirname(outFile), { recursive: true });
    await run('tar', ['-czf', outFile, '-C', stage, 'manifest.json', 'db.sql', 'blobs']);
    return manifest;
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

export interface RestoreOptions extends BackupOptions {
  /** Replace a database that already has tables (it is dropped first). Without it such a restore is refused. */
  replace?: boolean;
}

/** Restores an archive into the configured database (created when missing) and blob store. */
export async function restore(config: AppConfig, blobs: BlobStore, archive: string, opts: RestoreOptions = {}) {
  const log = opts.log ?? (() => undefined);
  const stage = await mkdtemp(join(opts.workDir ?? tmpdir(), 'tongkao-restore-'));
  try {
    log(`解包 ${archive}`);
    await run('tar', ['-xzf', archive, '-C', stage]);
    let manifest: BackupManifest;
    try {
      manifest = JSON.parse(await readFile(join(stage, 'manifest.json'), 'utf8')) as BackupManifest;
    } catch {
      throw new Error(`${archive} 不是统考备份文件（缺少 manifest.json）`);
    }
    if (manifest.format !== BACKUP_FORMAT || manifest.version !== BACKUP_VERSION)
      throw new Error(`${archive} 不是本版本可恢复的统考备份（格式 ${manifest.format} v${manifest.version}）`);
    const dump = join(stage, 'db.sql');
    if ((await sha256File(dump)) !== manifest.dumpSha256)
      throw new Error(`${archive} 中的数据库导出已损坏（校验值不符），未做任何恢复`);

    const db = config.db.name;
    const mysql = (args: string[], stdinFile?: string) =>
      run('mysql', [...clientArgs(config.db), '--default-character-set=utf8mb4', ...args], {
        env: clientEnv(config.db),
        stdinFile,
      });
    const tables = (await mysql(['-N', '-B', '-e', `SHOW TABLES FROM \`${db}\``]).catch(() => '')).trim();
    if (tables && !opts.replace)
      throw new Error(`数据库 ${db} 中已有数据表；确认要用备份覆盖时请加 --replace（原有数据将被删除）`);
    if (tables) await mysql(['-e', `DROP DATABASE \`${db}\``]);
    await mysql(['-e', `CREATE DATABASE IF NOT EXISTS \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`]);
    log(`导入数据库 ${db}`);
    await mysql([db], dump);

    log('写回文件存储');
    let count = 0;
    const root = join(stage, 'blobs');
    for await (const file of filesUnder(root)) {
      await blobs.putFile(relative(root, file).split(sep).join('/'), file);
      count++;
    }
    if (count !== manifest.blobs)
      throw new Error(`备份中应有 ${manifest.blobs} 个文件，实际写回 ${count} 个：备份文件不完整`);
    return manifest;
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
