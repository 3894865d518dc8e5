import sharp from 'sharp';
import { buildSheetLayout } from '../../../src/sheets/domain/layout.js';
import type { SyntheticItem } from './synthetic-answers.js';
import { cropGray, type GrayImage } from './synthetic-scan.js';
import { readTallyScore } from './synthetic-tally.js';
import { generateSyntheticScans } from './synthetic-scans.js';

// prettier-ignore
const items: SyntheticItem[] = [
  ...Array.from({ length: 6 }, (_, k): SyntheticItem => ({ id: 100 + k, type: k === 5 ? 'multiple_choice' : 'single_choice', maxScore: 2, scoreStep: 1, answerKey: k === 5 ? 'BD' : 'ABCD'[k % 4], optionCount: 4 })),
  { id: 200, type: 'subjective', maxScore: 10, scoreStep: 0.5, answerKey: null, optionCount: 0 },
  { id: 201, type: 'subjective', maxScore: 8, scoreStep: 1, answerKey: null, optionCount: 0 },
];
const layout = buildSheetLayout({
  examId: 1,
  paperId: 12,
  title: '联考',
  subject: '物理',
  examNoDigits: 6,
  items: items.map((i) => ({
    id: i.id,
    label: String(i.id),
    type: i.type,
    maxScore: i.maxScore,
    optionCount: i.optionCount,
    boxHeightMm: i.id === 201 ? 200 : 60,
  })),
});

async function decode(buf: Buffer): Promise<GrayImage> {
  const { data, info } = await sharp(buf).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(1);
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

describe('generateSyntheticScans', () => {
  const students = [{ examNo: '250101', ability: 0.9 }, { examNo: '250102', ability: 0.3 }, { examNo: '250103' }];

  it('writes one greyscale A4 image per student and page, whose marks match the truth', async () => {
    expect(layout.pages).toHaveLength(2);
    const { files, truth } = await generateSyntheticScans(layout, items, students, { seed: 42, distortion: 'none' });
    expect(files.map((f) => f.name)).toEqual([
      '250101-p1.png',
      '250101-p2.png',
      '250102-p1.png',
      '250102-p2.png',
      '250103-p1.png',
      '250103-p2.png',
    ]);
    expect([...truth.keys()]).toEqual(students.map((s) => s.examNo));
    const k = 200 / 72;
    for (const st of students) {
      const t = truth.get(st.examNo)!;
      const p1 = await decode(files.find((f) => f.name === `${st.examNo}-p1.png`)!.data);
      expect([p1.width, p1.height]).toEqual([1654, 2339]);
      const dark = (cx: number, cy: number) => p1.data[Math.floor(cy * k) * p1.width + Math.floor(cx * k)] < 100;
      // exam number read off the bubbles
      expect(layout.pages[0].examNo!.map((col) => col.findIndex((b) => dark(b.cx, b.cy))).join('')).toBe(st.examNo);
      // objective items: the letters filled earn full marks exactly when they equal the key
      for (const block of layout.pages[0].objective) {
        const item = items.find((i) => i.id === block.itemId)!;
        const chosen = block.options.filter((_, o) => dark(block.bubbles[o].cx, block.bubbles[o].cy)).join('');
        expect([block.itemId, t.items[block.itemId]]).toEqual([
          block.itemId,
          chosen === item.answerKey ? item.maxScore : 0,
        ]);
      }
      // subjective items: the tally in the box shows the true score
      for (const page of layout.pages) {
        const img =
          page.pageNo === 1 ? p1 : await decode(files.find((f) => f.name === `${st.examNo}-p${page.pageNo}.png`)!.data);
        for (const s of page.subjective) {
          const step = items.find((i) => i.id === s.itemId)!.scoreStep;
          const snip = cropGray(img, s.box.x * k - 10, s.box.y * k - 10, s.box.w * k + 20, s.box.h * k + 20);
          expect([s.itemId, readTallyScore(snip, step)]).toEqual([s.itemId, t.items[s.itemId]]);
        }
      }
      expect(t.total).toBeCloseTo(
        Object.values(t.items).reduce((a, b) => a + b, 0),
        9,
      );
    }
    expect(truth.get('250101')!.total).toBeGreaterThan(truth.get('250102')!.total);
  });

  it('is deterministic for a seed, differs for another, and writes JPEG on request', async () => {
    const a = await generateSyntheticScans(layout, items, students.slice(0, 1), { seed: 7, dpi: 100 });
    const b = await generateSyntheticScans(layout, items, students.slice(0, 1), { seed: 7, dpi: 100 });
    const c = await generateSyntheticScans(layout, items, students.slice(0, 1), { seed: 8, dpi: 100 });
    expect(a.files[0].data.equals(b.files[0].data)).toBe(true);
    expect(a.files[0].data.equals(c.files[0].data)).toBe(false);
    const j = await generateSyntheticScans(layout, items, students.slice(0, 1), { seed: 7, dpi: 100, format: 'jpeg' });
    expect(j.files[0].name).toBe('250101-p1.jpg');
    expect(j.files[0].data.subarray(0, 2).toString('hex')).toBe('ffd8');
    expect((await sharp(j.files[0].data).metadata()).width).toBe(827);
  });
});
