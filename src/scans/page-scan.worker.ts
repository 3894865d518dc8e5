// Worker thread of PageScanner: scans pages (decode, read, cut, encode) off the ingesting process's main thread.
import { parentPort } from 'node:worker_threads';
import type { SheetLayout } from '../sheets/domain/layout.js';
import { scanPage, type PageScan, type PageScanInput } from './page-scan.js';
import type { ScanMessage } from './page-scan.pool.js';
import { ScanImageCodec } from './scan-image.codec.js';
import { snippetCutter } from './snippet-cutter.js';

const codec = new ScanImageCodec();
const port = parentPort!;
// Assembled at once (while a first page decodes, if one is already on its way); the pool is told when it is done.
void snippetCutter().then(() => port.postMessage({ ready: true }));
/** Layouts by reference number, as the pool sent them (in full once; messages arrive in the order they were sent). */
const layouts = new Map<number, SheetLayout>();
port.on('message', (msg: ScanMessage) => {
  if (msg.forget) layouts.clear();
  let input: PageScanInput;
  try {
    const papers = msg.input.papers.map(({ id, ref, layout }) => {
      if (layout) layouts.set(ref, layout);
      const known = layouts.get(ref);
      if (!known) throw new Error(`layout ${ref} of paper ${id} was never sent to this thread`);
      return { id, layout: known };
    });
    input = { ...msg.input, papers };
  } catch (err) {
    port.postMessage({ id: msg.id, error: (err as Error).stack ?? String(err) });
    return;
  }
  scanPage(codec, input).then(
    (result) => port.postMessage({ id: msg.id, result }, transferables(result)),
    (err: Error) => port.postMessage({ id: msg.id, error: err.stack ?? String(err) }),
  );
});

/** The snippets' and crops' JPEG bytes move to the main thread instead of being copied (when they own their memory). */
function transferables(result: PageScan): ArrayBuffer[] {
  if (result.kind !== 'read') return [];
  const out: ArrayBuffer[] = [];
  const jpegs = [...result.snippets, ...result.crops].map((c) => c.jpeg);
  for (const jpeg of jpegs) {
    const buf = jpeg.buffer;
    if (buf instanceof ArrayBuffer && jpeg.byteOffset === 0 && jpeg.byteLength === buf.byteLength && !out.includes(buf))
      out.push(buf);
  }
  return out;
}
