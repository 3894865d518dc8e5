import {
  A3,
  A4,
  buildSheetLayout,
  decodePageCode,
  MAX_BOX_MM,
  MM,
  QR_QUIET_PT,
  STICKER_AREA_SHIFT,
  type Box,
  type LayoutItem,
  type SheetLayout,
} from './layout.js';

function items(objective: number, subjective: number, boxHeightMm = 50): LayoutItem[] {
  const out: LayoutItem[] = [];
  for (let i = 1; i <= objective; i++)
    out.push({
      id: i,
      label: String(i),
      type: i % 7 === 0 ? 'true_false' : i % 5 === 0 ? 'multiple_choice' : 'single_choice',
      maxScore: 3,
      optionCount: i % 3 === 0 ? 5 : 4,
      boxHeightMm: 0,
    });
  for (let i = 1; i <= subjective; i++)
    out.push({
      id: objective + i,
      label: String(objective + i),
      type: 'subjective',
      maxScore: 12,
      optionCount: 0,
      boxHeightMm,
    });
  return out;
}

/** Every printed element of a page as a box, with a name for the failure message. */
function elements(layout: SheetLayout, pageNo: number): { name: string; box: Box }[] {
  const p = layout.pages[pageNo - 1];
  const out: { name: string; box: Box }[] = [];
  p.fiducials.forEach((f, k) =>
    out.push({ name: `fiducial ${k}`, box: { x: f.cx - f.size / 2, y: f.cy - f.size / 2, w: f.size, h: f.size } }),
  );
  p.pageCode.cells.forEach((c, k) => out.push({ name: `code ${k}`, box: c }));
  // the QR code with its quiet zone: nothing else may be printed there
  if (p.qr)
    out.push({
      name: 'qr',
      box: {
        x: p.qr.x - QR_QUIET_PT,
        y: p.qr.y - QR_QUIET_PT,
        w: p.qr.w + 2 * QR_QUIET_PT,
        h: p.qr.h + 2 * QR_QUIET_PT,
      },
    });
  const circle = (c: { cx: number; cy: number; r: number }) => ({
    x: c.cx - c.r,
    y: c.cy - c.r,
    w: 2 * c.r,
    h: 2 * c.r,
  });
  p.examNo?.forEach((col, d) => col.forEach((c, v) => out.push({ name: `examNo ${d}/${v}`, box: circle(c) })));
  p.objective.forEach((o) =>
    o.bubbles.forEach((c, k) => out.push({ name: `item ${o.label} ${o.options[k]}`, box: circle(c) })),
  );
  p.subjective.forEach((s) => out.push({ name: `box ${s.label}`, box: s.box }));
  if (p.sticker) out.push({ name: 'sticker area', box: p.sticker });
  return out;
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe('buildSheetLayout', () => {
  for (const [objective, subjective, digits] of [
    [10, 3, 8],
    [40, 8, 12],
    [0, 5, 4],
    [25, 0, 10],
  ] as const) {
    it(`keeps ${objective} objective + ${subjective} subjective items (${digits}-digit exam number) inside the page and apart`, () => {
      const layout = buildSheetLayout({
        examId: 1,
        paperId: 42,
        title: '期中联考',
        subject: '数学',
        examNoDigits: digits,
        items: items(objective, subjective),
      });
      const placed = layout.pages.flatMap((p) => [
        ...p.objective.map((o) => o.itemId),
        ...p.subjective.map((s) => s.itemId),
      ]);
      expect(placed.sort((a, b) => a - b)).toEqual(items(objective, subjective).map((i) => i.id));
      for (const page of layout.pages) {
        expect(decodePageCode(page.pageCode.value)).toEqual({ paperId: 42, pageNo: page.pageNo });
        const els = elements(layout, page.pageNo);
        for (const e of els) {
          expect([
            e.name,
            e.box.x >= 0 && e.box.y >= 0 && e.box.x + e.box.w <= A4.width && e.box.y + e.box.h <= A4.height,
          ]).toEqual([e.name, true]);
        }
        for (let a = 0; a < els.length; a++)
          for (let b = a + 1; b < els.length; b++) {
            if (overlaps(els[a].box, els[b].box))
              throw new Error(`page ${page.pageNo}: ${els[a].name} overlaps ${els[b].name}`);
          }
      }
      expect(layout.pages[0].examNo).toHaveLength(digits);
      expect(layout.pages.slice(1).every((p) => p.examNo === null)).toBe(true);
    });
  }

  for (const [paperSize, digits] of [
    ['A4', 4],
    ['A4', 8],
    ['A4', 12],
    ['A3', 8],
  ] as const) {
    it(`prints the barcode sticker area on page 1 only, apart from everything read (${paperSize}, ${digits} digits)`, () => {
      const input = { paperSize, examId: 1, paperId: 42, title: '期中联考', subject: '数学', examNoDigits: digits };
      const layout = buildSheetLayout({ ...input, items: items(30, 6), barcodeArea: true });
      const area = layout.pages[0].sticker!;
      // room for a 50 × 20 mm label, right of the exam-number grid
      expect(area.w).toBeGreaterThan(50 * MM);
      expect(area.h).toBeGreaterThan(20 * MM);
      const lastDigit = layout.pages[0].examNo![digits - 1][0];
      expect(area.x).toBeGreaterThan(lastDigit.cx + lastDigit.r);
      expect(layout.pages.slice(1).every((p) => p.sticker === undefined)).toBe(true);
      for (const page of layout.pages) {
        const els = elements(layout, page.pageNo);
        for (let a = 0; a < els.length; a++)
          for (let b = a + 1; b < els.length; b++) {
            if (overlaps(els[a].box, els[b].box))
              throw new Error(`page ${page.pageNo}: ${els[a].name} overlaps ${els[b].name}`);
          }
      }
      // the panel under the area (name, class, instructions) moves down, and the objective block with it
      const plain = buildSheetLayout({ ...input, items: items(30, 6) });
      const firstRow = (l: SheetLayout) => l.pages[0].objective[0].bubbles[0].cy;
      expect(firstRow(layout) - firstRow(plain)).toBeCloseTo(STICKER_AREA_SHIFT, 6);
      // a sheet without the area keeps the layout (and so the stored layout's hash) it always had
      expect('sticker' in plain.pages[0]).toBe(false);
    });
  }

  for (const [objective, subjective, digits, boxMm] of [
    [10, 3, 8, 50],
    [40, 14, 12, 70],
    [0, 9, 4, 90],
  ] as const) {
    it(`on A3 keeps ${objective} objective + ${subjective} subjective items in two columns, inside the page and apart`, () => {
      const layout = buildSheetLayout({
        paperSize: 'A3',
        examId: 1,
        paperId: 42,
        title: '期中联考',
        subject: '数学',
        examNoDigits: digits,
        items: items(objective, subjective, boxMm),
      });
      expect([layout.paperSize, layout.page, layout.version]).toEqual(['A3', A3, 2]);
      expect(layout.columns).toHaveLength(2);
      const [left, right] = layout.columns!;
      expect(left.x + left.w).toBeLessThan(right.x);
      const placed = layout.pages.flatMap((p) => [
        ...p.objective.map((o) => o.itemId),
        ...p.subjective.map((s) => s.itemId),
      ]);
      expect(placed.sort((a, b) => a - b)).toEqual(items(objective, subjective).map((i) => i.id));
      for (const page of layout.pages) {
        expect(decodePageCode(page.pageCode.value)).toEqual({ paperId: 42, pageNo: page.pageNo });
        // fiducials at the four A3 corners
        expect(page.fiducials.map((f) => [Math.round(f.cx), Math.round(f.cy)])).toEqual([
          [28, 28],
          [Math.round(A3.width - 28), 28],
          [28, Math.round(A3.height - 28)],
          [Math.round(A3.width - 28), Math.round(A3.height - 28)],
        ]);
        const els = elements(layout, page.pageNo);
        for (const e of els)
          expect([
            e.name,
            e.box.x >= 0 && e.box.y >= 0 && e.box.x + e.box.w <= A3.width && e.box.y + e.box.h <= A3.height,
          ]).toEqual([e.name, true]);
        for (let a = 0; a < els.length; a++)
          for (let b = a + 1; b < els.length; b++) {
            if (overlaps(els[a].box, els[b].box))
              throw new Error(`page ${page.pageNo}: ${els[a].name} overlaps ${els[b].name}`);
          }
        // every box lies inside one column, full column width
        for (const s of page.subjective)
          expect(layout.columns!.some((c) => s.box.x === c.x && s.box.w === c.w)).toBe(true);
        for (const o of page.objective)
          for (const b of o.bubbles) expect(b.cx + b.r).toBeLessThanOrEqual(left.x + left.w);
      }
      // the right column is used before a second page is started
      if (layout.pages.length > 1) expect(layout.pages[0].subjective.some((s) => s.box.x === right.x)).toBe(true);
      // the same items need fewer A3 pages than A4 pages
      const a4 = buildSheetLayout({
        examId: 1,
        paperId: 42,
        title: '期中联考',
        subject: '数学',
        examNoDigits: digits,
        items: items(objective, subjective, boxMm),
      });
      expect(layout.pages.length).toBeLessThanOrEqual(Math.ceil(a4.pages.length / 2) + 1);
      if (a4.pages.length > 1) expect(layout.pages.length).toBeLessThan(a4.pages.length);
    });
  }

  it('puts the QR code box on every page, in the same place, clear of the fiducial', () => {
    const layout = buildSheetLayout({
      examId: 1,
      paperId: 3,
      title: 't',
      subject: 's',
      examNoDigits: 8,
      items: items(12, 6, 90),
    });
    expect(layout.pages.length).toBeGreaterThan(1);
    for (const p of layout.pages) expect(p.qr).toEqual(layout.pages[0].qr);
    const f = layout.pages[0].fiducials[0];
    const qr = layout.pages[0].qr!;
    expect(qr.x - QR_QUIET_PT).toBeGreaterThan(f.cx + f.size / 2);
    expect(qr.y - QR_QUIET_PT).toBeGreaterThan(f.cy + f.size / 2);
    expect(qr.w).toBe(qr.h);
  });

  it('places a box of MAX_BOX_MM (the most item validation allows) on A4 and A3, and refuses one millimetre more', () => {
    expect(MAX_BOX_MM).toBe(240);
    for (const paperSize of ['A4', 'A3'] as const) {
      const layout = buildSheetLayout({
        paperSize,
        examId: 1,
        paperId: 3,
        title: 't',
        subject: 's',
        examNoDigits: 8,
        items: items(4, 2, MAX_BOX_MM),
      });
      expect(layout.pages.flatMap((p) => p.subjective)).toHaveLength(2);
      expect(() =>
        buildSheetLayout({
          paperSize,
          examId: 1,
          paperId: 3,
          title: 't',
          subject: 's',
          examNoDigits: 8,
          items: items(4, 1, MAX_BOX_MM + 1),
        }),
      ).toThrow('答题框过高');
    }
  });

  it('refuses a paper size other than A4 or A3', () => {
    expect(() =>
      buildSheetLayout({
        paperSize: 'B5' as never,
        examId: 1,
        paperId: 3,
        title: 't',
        subject: 's',
        examNoDigits: 8,
        items: items(2, 1),
      }),
    ).toThrow('A4 或 A3');
  });

  it('gives items with 6–8 options three columns that do not overlap, and refuses 9 options or too many items', () => {
    const many = items(30, 2).map((i) =>
      i.id % 4 === 0 && i.type !== 'true_false' && i.type !== 'subjective' ? { ...i, optionCount: 8 } : i,
    );
    const layout = buildSheetLayout({ examId: 1, paperId: 5, title: 't', subject: 's', examNoDigits: 8, items: many });
    const bubbles = layout.pages[0].objective.flatMap((o) => o.bubbles);
    expect(new Set(bubbles.map((b) => b.cx)).size).toBeGreaterThan(8);
    const els = elements(layout, 1);
    for (let a = 0; a < els.length; a++)
      for (let b = a + 1; b < els.length; b++)
        if (overlaps(els[a].box, els[b].box)) throw new Error(`${els[a].name} overlaps ${els[b].name}`);
    // the widest row still leaves room for the next column's label (at least 20pt)
    const byCol = new Map<number, number>();
    for (const o of layout.pages[0].objective)
      byCol.set(o.bubbles[0].cx, Math.max(byCol.get(o.bubbles[0].cx) ?? 0, o.bubbles[o.bubbles.length - 1].cx + 5.5));
    const starts = [...byCol.keys()].sort((a, b) => a - b);
    for (let c = 1; c < starts.length; c++)
      expect(starts[c] - 5.5 - byCol.get(starts[c - 1])!).toBeGreaterThanOrEqual(20);
    const nine = items(3, 0).map((i) => ({ ...i, type: 'single_choice' as const, optionCount: 9 }));
    expect(() =>
      buildSheetLayout({ examId: 1, paperId: 5, title: 't', subject: 's', examNoDigits: 8, items: nine }),
    ).toThrow('选项个数');
    expect(() =>
      buildSheetLayout({ examId: 1, paperId: 5, title: 't', subject: 's', examNoDigits: 8, items: items(200, 0) }),
    ).toThrow('客观题过多');
  });

  it('flows tall boxes onto further pages and refuses a box taller than a page', () => {
    const layout = buildSheetLayout({
      examId: 1,
      paperId: 3,
      title: 't',
      subject: 's',
      examNoDigits: 8,
      items: items(12, 6, 90),
    });
    expect(layout.pages.length).toBeGreaterThan(1);
    expect(() =>
      buildSheetLayout({ examId: 1, paperId: 3, title: 't', subject: 's', examNoDigits: 8, items: items(0, 1, 400) }),
    ).toThrow('答题框过高');
  });
});
