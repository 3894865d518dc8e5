// The BlobStore contract cases, shared by the tiers that run them: the local folder and S3 on the s3rver emulator
// (test/integration/blob-store-contract.test.ts) and S3 on a real radosgw (blob-store-radosgw.test.ts). The app's
// code cannot tell the stores apart.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import PDFDocument from 'pdfkit';
import type { BlobStore } from '../../src/storage/blob-store.js';

function pdfBytes(line: string): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument();
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.text(line);
    doc.end();
  });
}

const collect = async (it: AsyncIterable<string>) => {
  const out: string[] = [];
  for await (const k of it) out.push(k);
  return out.sort();
};

export function describeBlobStoreContract(
  name: string,
  kind: 'local' | 's3',
  makeStore: () => BlobStore,
  scratchDir: () => string,
): void {
  describe(`BlobStore contract: ${name}`, () => {
    let blobs: BlobStore;
    beforeAll(() => {
      blobs = makeStore();
    });

    it('stores content-addressed: the key names the hash, the same bytes give the same key', async () => {
      const data = Buffer.from(`snippet ${kind}`);
      const hash = createHash('sha256').update(data).digest('hex');
      const a = await blobs.putContentAddressed('snippets', data, '.jpg');
      expect(a).toEqual({ key: `snippets/${hash.slice(0, 2)}/${hash}.jpg`, hash });
      expect(await blobs.putContentAddressed('snippets', data, '.jpg')).toEqual(a);
      expect((await blobs.get(a.key)).equals(data)).toBe(true);
    });

    it('puts, replaces, gets and streams bytes; a missing blob does not exist and its stream errors', async () => {
      await blobs.put('reports/1/2.pdf', Buffer.from('first'));
      await blobs.put('reports/1/2.pdf', Buffer.from('second'));
      expect((await blobs.get('reports/1/2.pdf')).toString()).toBe('second');
      expect(await text(blobs.stream('reports/1/2.pdf'))).toBe('second');
      expect(await blobs.exists('reports/1/2.pdf')).toBe(true);
      expect(await blobs.exists('reports/1/3.pdf')).toBe(false);
      await expect(text(blobs.stream('reports/1/3.pdf'))).rejects.toThrow();
      await expect(blobs.get('reports/1/3.pdf')).rejects.toThrow();
    });

    it('streams a large blob whole', async () => {
      const big = Buffer.alloc(5 * 1024 * 1024 + 17, 7);
      await blobs.put('scans/big.png', big);
      const chunks: Buffer[] = [];
      for await (const c of blobs.stream('scans/big.png')) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).equals(big)).toBe(true);
    });

    it('moves a finished temporary file under a key, and the temporary file is gone', async () => {
      const tmp = join(scratchDir(), `upload-${name}`);
      writeFileSync(tmp, 'scan bytes');
      await blobs.putFile('scans/ab/upload.png', tmp);
      expect(existsSync(tmp)).toBe(false);
      expect((await blobs.get('scans/ab/upload.png')).toString()).toBe('scan bytes');
    });

    it('lists keys under a prefix, deletes (a missing blob too) and refuses keys that leave the store', async () => {
      await blobs.put('snippets/aa/one.jpg', Buffer.from('1'));
      await blobs.put('snippets/bb/two.jpg', Buffer.from('2'));
      await blobs.put('snippetsX/three.jpg', Buffer.from('3'));
      expect(await collect(blobs.list('snippets/'))).toEqual(
        expect.arrayContaining(['snippets/aa/one.jpg', 'snippets/bb/two.jpg']),
      );
      expect(await collect(blobs.list('snippets/'))).not.toContain('snippetsX/three.jpg');
      expect(await collect(blobs.list(''))).toEqual(expect.arrayContaining(['snippetsX/three.jpg', 'reports/1/2.pdf']));
      await blobs.delete('snippets/aa/one.jpg');
      await blobs.delete('snippets/aa/one.jpg');
      expect(await blobs.exists('snippets/aa/one.jpg')).toBe(false);
      expect(await collect(blobs.list('snippets/'))).not.toContain('snippets/aa/one.jpg');
      await expect(blobs.put('../outside', Buffer.from('x'))).rejects.toThrow(/invalid blob key/);
      await expect(blobs.get('a/../../outside')).rejects.toThrow(/invalid blob key/);
    });

    it('gives file tools a path: pdftotext reads a stored PDF', async () => {
      await blobs.put('reports/9/9.pdf', await pdfBytes(`contract ${kind}`));
      const out = await blobs.withLocalFile('reports/9/9.pdf', (p) =>
        execFileSync('pdftotext', [p, '-'], { encoding: 'utf8' }),
      );
      expect(out).toContain(`contract ${kind}`);
      if (kind === 's3') expect(blobs.localPath('reports/9/9.pdf')).toBeNull();
      else expect(readFileSync(blobs.localPath('reports/9/9.pdf')!).subarray(0, 4).toString()).toBe('%PDF');
    });

    it('answers the readiness probe and leaves nothing behind', async () => {
      await blobs.probe();
      expect((await collect(blobs.list(''))).some((k) => k.includes('.ready-'))).toBe(false);
    });
  });
}
