// Worker thread of PageScanner: scans pages (decode, read, cut, encode) off the ingesting process's main thread.
import 'reflect-metadata';
import { parentPort } from 'node:worker_threads';
import { scanPage, type PageScan, type PageScanInput } from './page-scan.js';
import { ScanImageCodec } from './scan-image.codec.js';
import { snippetCutter } from './snippet-cutter.js';

const codec = new ScanImageCodec();
// assembled while the first page decodes
void snippetCutter();
const port = parentPort!;
port.on('message', (msg: { id: number; input: PageScanInput }) => {
  scanPage(codec, msg.input).then(
    (result) => port.postMessage({ id: msg.id, result }, transferables(result)),
    (err: Error) => port.postMessage({ id: msg.id, error: err.stack ?? String(err) }),
  );
});

/** The snippets' JPEG bytes move to the main thread instead of being copied (when they own their memory). */
function transferables(result: PageScan): ArrayBuffer[] {
  if (result.kind !== 'read') return [];
  const out: ArrayBuffer[] = [];
  for (const c of [...result.snippets, ...result.crops]) {
    const buf = c.jpeg.buffer;
    if (buf instanceof ArrayBuffer && c.jpeg.byteOffset === 0 && c.jpeg.byteLength === buf.byteLength && !out.includes(buf)) out.push(buf);
  }
  return out;
}
