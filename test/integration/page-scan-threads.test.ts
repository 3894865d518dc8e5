// Scanning pages on worker threads (PageScanner) gives exactly what scanning them in this thread gives. The threads run
// the compiled worker script: `npm run build` first (npm test does).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSheetLayout } from '../../src/sheets/domain/layout.js';
import { generateSyntheticScans } from '../support/synthetic/synthetic-scans.js';
import { scanPage, type PageScanInput } from '../../src/scans/page-scan.js';
import { MAX_LAYOUTS_PER_THREAD, PageScanner } from '../../src/scans/page-scan.pool.js';
import { ScanImageCodec } from '../../src/scans/scan-image.codec.js';

const SCRIPT = join(process.cwd(), 'dist/src/scans/page-scan.worker.js');

describe('PageScanner on worker threads', () => {
  const codec = new ScanImageCodec();
  let scanner: PageScanner;

  beforeAll(() => {
    if (!existsSync(SCRIPT)) throw new Error(`${SCRIPT} is missing: run npm run build first`);
    scanner = new PageScanner(codec, 2, SCRIPT);
  });
  afterAll(() => scanner.onApplicationShutdown());

  const items = [
    ...['A', 'C', 'B', 'D'].map((answerKey, n) => ({
      id: 100 + n,
      label: String(n + 1),
      type: 'single_choice' as const,
      maxScore: 2,
      scoreStep: 1,
      answerKey,
      optionCount: 4,
      boxHeightMm: 0,
    })),
    {
      id: 104,
      label: '5',
      type: 'subjective' as const,
      maxScore: 10,
      scoreStep: 1,
      answerKey: null,
      optionCount: 4,
      boxHeightMm: 60,
    },
    {
      id: 105,
      label: '6',
      type: 'subjective' as const,
      maxScore: 10,
      scoreStep: 1,
      answerKey: null,
      optionCount: 4,
      boxHeightMm: 80,
    },
  ];
  const layout = buildSheetLayout({
    examId: 7,
    paperId: 31,
    title: '七年级数学',
    subject: '数学',
    examNoDigits: 8,
    items,
  });

  it('starts its threads ready (modules loaded, cutter assembled) when warmed up, once however often asked', async () => {
    const fresh = new PageScanner(codec, 2, SCRIPT);
    try {
      expect(fresh.started).toBe(0);
      await Promise.all([fresh.warmUp(), fresh.warmUp()]);
      expect(fresh.started).toBe(2);
      await fresh.warmUp();
      expect(fresh.started).toBe(2);
      // a warmed pool scans (the thread says no image, as it would for any)
      const r = await fresh.scan({
        image: Buffer.from('不是图片'),
        rotation: 0,
        examId: 7,
        papers: [{ id: 31, layout }],
        studentKnown: false,
      });
      expect(r.kind).toBe('undecodable');
    } finally {
      await fresh.onApplicationShutdown();
    }
    // scanning in this thread (no worker script): nothing to start
    const here = new PageScanner(codec, 0);
    await here.warmUp();
    expect(here.started).toBe(0);
  });

  it('reads, cuts and encodes every page as this thread does, and says the same of a file that is no image', async () => {
    expect(scanner.threaded).toBe(true);
    const gen = await generateSyntheticScans(
      layout,
      items,
      [{ examNo: '20250001' }, { examNo: '20250002' }, { examNo: '20250003' }],
      { seed: 11, dpi: 200, format: 'jpeg', distortion: 'slight' },
    );
    const inputs: (PageScanInput & { image: Uint8Array })[] = [
      ...gen.files.map((f) => f.data),
      Buffer.from('这不是图片'),
    ].map((image, n) => ({
      image,
      rotation: n === 1 ? 180 : 0, // a page a person asked to turn (read upside down, as fed)
      examId: 7,
      papers: [{ id: 31, layout }],
      studentKnown: false,
    }));
    // all at once: the two threads share them out (each gets its own copy of the bytes: they are handed over)
    const threaded = await Promise.all(
      inputs.map((input) => scanner.scan({ ...input, image: Uint8Array.from(input.image) })),
    );
    for (const [n, input] of inputs.entries()) {
      const here = await scanPage(codec, input);
      const there = threaded[n];
      expect(there.kind).toBe(here.kind);
      if (here.kind !== 'read' || there.kind !== 'read') continue;
      expect(there.reading).toEqual(here.reading);
      expect(there.snippets.map((s) => s.itemId)).toEqual(here.snippets.map((s) => s.itemId));
      there.snippets.forEach((s, k) => {
        expect(Buffer.isBuffer(s.jpeg)).toBe(true); // what the blob store takes
        expect(Buffer.compare(s.jpeg, here.snippets[k].jpeg)).toBe(0);
      });
      expect(there.crops.map((c) => c.itemId)).toEqual(here.crops.map((c) => c.itemId));
    }
    const kinds = threaded.map((r) => (r.kind === 'read' ? (r.reading.ok ? 'ok' : r.reading.code) : r.kind));
    expect(kinds.at(-1)).toBe('undecodable');
    expect(kinds.filter((k) => k === 'ok').length).toBeGreaterThanOrEqual(gen.files.length - 1);
    const first = threaded[0];
    expect(first.kind === 'read' && first.reading.ok && first.snippets.length).toBe(
      layout.pages.find((p) => p.pageNo === 1)!.subjective.length,
    );

    // The same pages named by their files (a local blob store): the decoder reads them itself, with the same outcome.
    const dir = mkdtempSync(join(tmpdir(), 'tk-scan-path-'));
    try {
      const byPath = await Promise.all(
        inputs.map((input, n) => {
          const path = join(dir, `p${n}.jpg`);
          writeFileSync(path, input.image);
          return scanner.scan({ ...input, image: { path } });
        }),
      );
      expect(byPath.map((r) => r.kind)).toEqual(threaded.map((r) => r.kind));
      byPath.forEach((r, n) => {
        const t = threaded[n];
        if (r.kind !== 'read' || t.kind !== 'read') return;
        expect(r.reading).toEqual(t.reading);
        r.snippets.forEach((snip, k) => expect(Buffer.compare(snip.jpeg, t.snippets[k].jpeg)).toBe(0));
      });
      // a file that is not there is no bad image: the scan fails (the job is retried), nothing is recorded as undecodable
      await expect(scanner.scan({ ...inputs[0], image: { path: join(dir, 'missing.jpg') } })).rejects.toThrow(
        /page image file missing/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sends each layout to a thread once, yet reads with the layout object it is given, also after the thread forgot them', async () => {
    const gen = await generateSyntheticScans(layout, items, [{ examNo: '20250004' }], {
      seed: 12,
      dpi: 200,
      format: 'jpeg',
      distortion: 'slight',
    });
    const page1 = gen.files[0].data;
    const scan = (l: typeof layout, image: Uint8Array = page1) =>
      scanner.scan({
        image: Uint8Array.from(image),
        rotation: 0,
        examId: 7,
        papers: [{ id: 31, layout: l }],
        studentKnown: false,
      });
    const heightOf = (r: Awaited<ReturnType<typeof scan>>) =>
      r.kind === 'read' && r.reading.ok ? r.reading.page.subjective.map((b) => b.box.h) : null;
    const first = await scan(layout);
    expect(heightOf(first)).toEqual(layout.pages[0].subjective.map((b) => b.box.h));
    // the sheet generated again (a new object, boxes 10 pt shorter): read with the new one, not the one the thread kept
    const again = structuredClone(layout);
    for (const b of again.pages[0].subjective) b.box.h -= 10;
    const second = await scan(again);
    expect(heightOf(second)).toEqual(layout.pages[0].subjective.map((b) => b.box.h - 10));
    // more layouts than a thread keeps (pages that are no image: the layouts still cross), then the first one again
    const junk = Buffer.from('不是图片');
    const results = [];
    for (let n = 0; n < MAX_LAYOUTS_PER_THREAD + 20; n++) results.push(scan(structuredClone(layout), junk));
    expect((await Promise.all(results)).every((r) => r.kind === 'undecodable')).toBe(true);
    expect(heightOf(await scan(layout))).toEqual(layout.pages[0].subjective.map((b) => b.box.h));
    expect(heightOf(await scan(again))).toEqual(layout.pages[0].subjective.map((b) => b.box.h - 10));
  });
});
