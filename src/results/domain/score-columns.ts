// The item scores of one paper as columns: one Float64Array per item, one row per student in a fixed order (the
// roster's, or the outcomes' handed to the analysis). Every unit of the analysis (alliance, locality, school, class)
// then reads a column through its list of rows, instead of looking an item up in each student's record: at 100,000
// students × 25 items × nine papers the per-student records were most of the results job's time and memory. Pure.

/** A final score not known (yet): the student is not complete on the paper. */
export const NO_SCORE = Number.NaN;

export interface ScoreColumns {
  /** Students (rows). */
  readonly rows: number;
  /** Item ids in the paper's order; column j is item itemIds[j]. */
  readonly itemIds: readonly number[];
  /** Per item, each row's final score; NaN where the student has none. */
  readonly scores: readonly Float64Array[];
  /** Per item, what each row marked on it as OMR read it ("" blank, undefined unread); null when no row was read. */
  readonly marks: readonly ((string | undefined)[] | null)[];
}

/** Columns of `rows` students with no score and no mark yet, to be filled by `putScore` and `putMark`. */
export function emptyColumns(itemIds: readonly number[], rows: number): ScoreColumns {
  return {
    rows,
    itemIds,
    scores: itemIds.map(() => new Float64Array(rows).fill(NO_SCORE)),
    marks: itemIds.map(() => null),
  };
}

/** Sets a row's score of column j (a later put wins, as a final score wins over the OMR reading). */
export function putScore(c: ScoreColumns, j: number, row: number, score: number): void {
  c.scores[j][row] = score;
}

/** Sets what a row marked on column j's item. */
export function putMark(c: ScoreColumns, j: number, row: number, marked: string): void {
  const marks = c.marks as ((string | undefined)[] | null)[];
  let col = marks[j];
  if (!col) marks[j] = col = new Array<string | undefined>(c.rows).fill(undefined);
  col[row] = marked;
}

/**
 * The columns of records, for callers that hold each student's scores by item id (tests, 总分 with the subjects as
 * items): row i is records[i]; an item missing from a record is NaN, a mark missing is undefined.
 */
export function columnsOfRecords(
  itemIds: readonly number[],
  records: readonly Readonly<Record<number, number>>[],
  marked?: readonly (Readonly<Record<number, string>> | undefined)[],
): ScoreColumns {
  const c = emptyColumns(itemIds, records.length);
  itemIds.forEach((id, j) => {
    const col = c.scores[j];
    for (let i = 0; i < records.length; i++) {
      const v = records[i][id];
      if (v !== undefined) col[i] = v;
    }
  });
  if (marked)
    itemIds.forEach((id, j) => {
      for (let i = 0; i < marked.length; i++) {
        const m = marked[i]?.[id];
        if (m !== undefined) putMark(c, j, i, m);
      }
    });
  return c;
}

/** Column j at these rows, in their order. */
export function gather(col: Float64Array, rows: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = col[rows[k]];
  return out;
}

/** Marks of column j at these rows, in their order (undefined where unread); null when the column has none. */
export function gatherMarks(
  col: readonly (string | undefined)[] | null,
  rows: readonly number[],
): (string | undefined)[] | null {
  if (!col) return null;
  const out = new Array<string | undefined>(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = col[rows[k]];
  return out;
}

/** Whether the row has a score in every column. */
export function rowComplete(c: ScoreColumns, row: number): boolean {
  for (const col of c.scores) if (Number.isNaN(col[row])) return false;
  return true;
}
