import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { assertBlobKey, BlobStore, PROBE_PREFIX } from './blob-store.js';

/** Blob store on a local (or shared network) folder. Writes go to a temp file then rename, so readers never see half a file. */
export class LocalBlobStore extends BlobStore {
  constructor(private readonly root: string) {
    super();
  }

  private pathOf(key: string): string {
    assertBlobKey(key);
    const p = normalize(join(this.root, key));
    if (!p.startsWith(normalize(this.root) + sep)) throw new Error(`invalid blob key: ${key}`);
    return p;
  }

  async putContentAddressed(prefix: string, data: Buffer, ext: string) {
    const hash = createHash('sha256').update(data).digest('hex');
    const key = `${prefix}/${hash.slice(0, 2)}/${hash}${ext}`;
    if (!(await this.exists(key))) await this.put(key, data);
    return { key, hash };
  }

  async put(key: string, data: Buffer) {
    const p = this.pathOf(key);
    const tmp = `${p}.${randomUUID()}.tmp`;
    // The folder is made only when missing (one file-system call fewer per blob: ingestion stores several per page).
    try {
      await writeFile(tmp, data);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await mkdir(dirname(p), { recursive: true });
      await writeFile(tmp, data);
    }
    await rename(tmp, p);
  }

  async putFile(key: string, localPath: string) {
    const p = this.pathOf(key);
    await mkdir(dirname(p), { recursive: true });
    try {
      await rename(localPath, p);
    } catch {
      const tmp = `${p}.${randomUUID()}.tmp`;
      await copyFile(localPath, tmp);
      await rename(tmp, p);
      await rm(localPath, { force: true });
    }
  }

  async get(key: string) {
    return readFile(this.pathOf(key));
  }

  stream(key: string): Readable {
    return createReadStream(this.pathOf(key));
  }

  async exists(key: string) {
    try {
      await access(this.pathOf(key));
      return true;
    } catch {
      return false;
    }
  }

  async delete(key: string) {
    await rm(this.pathOf(key), { force: true });
  }

  /** Walks the folder; half-written temporary files, the probe's files and the uploads' tmp/ folder are no blobs. */
  async *list(prefix: string): AsyncIterable<string> {
    const walk = async function* (dir: string, rel: string): AsyncIterable<string> {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for (const e of entries) {
        const key = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (!rel && e.name === 'tmp') continue;
          yield* walk(join(dir, e.name), key);
        } else if (e.isFile() && !e.name.endsWith('.tmp') && !e.name.startsWith(PROBE_PREFIX)) yield key;
      }
    };
    const from = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    if (from) this.pathOf(from);
    for await (const key of walk(from ? join(this.root, from) : this.root, from)) if (key.startsWith(prefix)) yield key;
  }

  localPath(key: string) {
    return this.pathOf(key);
  }

  async withLocalFile<T>(key: string, use: (path: string) => Promise<T> | T): Promise<T> {
    return use(this.pathOf(key));
  }

  /** Writes, reads and removes a small file in the folder itself: a missing, read-only or full folder fails here. */
  async probe() {
    const p = join(this.root, `${PROBE_PREFIX}${randomUUID()}`);
    try {
      await writeFile(p, 'ok');
      if ((await readFile(p, 'utf8')) !== 'ok') throw new Error(`blob folder ${this.root} gave back other bytes`);
    } finally {
      await rm(p, { force: true });
    }
  }
}
