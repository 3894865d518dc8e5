// An .xlsx is a ZIP that spreadsheet libraries inflate whole in memory: a 1 MB file can hold a 1 GiB entry of
// zeros. Every XLSX upload is measured here first, so the library never sees one that unpacks beyond a cap.
import { promisify } from 'node:util';
import yauzl from 'yauzl';

export type UnpackedVerdict = 'ok' | 'too_big' | 'unreadable';

/**
 * Inflates every entry of the ZIP once, counting, without keeping anything: the declared sizes are checked
 * first, and the actual bytes too (a ZIP may lie about its sizes), stopping at the cap.
 */
export async function unpackedSizeWithin(data: Buffer, cap: number): Promise<UnpackedVerdict> {
  let zip: yauzl.ZipFile;
  try {
    zip = await promisify<Buffer, yauzl.Options, yauzl.ZipFile>(yauzl.fromBuffer)(data, {
      lazyEntries: true,
      validateEntrySizes: true,
    });
  } catch {
    return 'unreadable';
  }
  let total = 0;
  return new Promise<UnpackedVerdict>((resolve) => {
    let done = false;
    const finish = (v: UnpackedVerdict) => {
      if (done) return;
      done = true;
      zip.close();
      resolve(v);
    };
    zip.on('entry', (entry: yauzl.Entry) => {
      total += entry.uncompressedSize;
      if (total > cap) return finish('too_big');
      if (/\/$/.test(entry.fileName)) return zip.readEntry();
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return finish('unreadable');
        let actual = 0;
        stream.on('data', (c: Buffer) => {
          actual += c.length;
          if (actual > entry.uncompressedSize || total - entry.uncompressedSize + actual > cap) {
            stream.destroy();
            finish('too_big');
          }
        });
        stream.on('error', () => finish('unreadable'));
        stream.on('end', () => zip.readEntry());
      });
    });
    zip.on('end', () => finish('ok'));
    zip.on('error', () => finish('unreadable'));
    zip.readEntry();
  });
}
