// How a cell of a report table sorts: by the number it starts with ('85.2%', '+1.30', '−0.4', '12（偏低）', '60–69'),
// else by its text; '—' (withheld, or none) sorts after everything in either direction's first pass.

export interface SortKey {
  /** 0 numbers, 1 text, 2 withheld. */
  kind: 0 | 1 | 2;
  value: number | string;
}

const NUMBER = /^\s*([+\-−]?)\s*(\d+(?:\.\d+)?)/;

export function sortKey(cell: string | undefined): SortKey {
  const t = (cell ?? '').trim();
  if (t === '' || t === '—' || t === '-') return { kind: 2, value: '' };
  const m = NUMBER.exec(t);
  if (m) return { kind: 0, value: (m[1] === '-' || m[1] === '−' ? -1 : 1) * Number(m[2]) };
  return { kind: 1, value: t };
}
