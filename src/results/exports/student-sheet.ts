// The students export's sheet of one paper: one row per roster student in scope, item scores of those who sat it.
import type ExcelJS from 'exceljs';
import type { Item } from '../../exams/entities/item.entity.js';
import type { Paper } from '../../exams/entities/paper.entity.js';
import type { ExportResultRow, ExportScore } from './export-rows.repository.js';
import { sheetName, styleHeader } from './workbook.js';

const STATUS = { complete: '已完成', absent: '缺考', unscanned: '未扫描', incomplete: '未完成评阅' } as const;

export interface StudentSheetInput {
  paper: Paper;
  items: Item[];
  results: ExportResultRow[];
  /** Final item scores, later entries winning: OMR by the key first, then marking rows (a correction). */
  scores: ExportScore[];
  schoolName: ReadonlyMap<number, string>;
  /** 'score_list': totals and item scores (and 等级 last); 'grade_band': 等级 only (学业质量监测, domain/exam-disclosure.ts). */
  shows: 'score_list' | 'grade_band';
  /** The 等级 of a total on this paper. */
  bandOf: (total: number | null) => string | null;
}

/** Adds the paper's sheet; returns the number of student rows written. */
export function addStudentSheet(wb: ExcelJS.Workbook, used: Set<string>, input: StudentSheetInput): number {
  const { paper, items } = input;
  const byStudent = new Map<number, Map<number, number>>();
  for (const s of input.scores) {
    let m = byStudent.get(s.studentId);
    if (!m) byStudent.set(s.studentId, (m = new Map()));
    m.set(s.itemId, s.score);
  }
  const ws = wb.addWorksheet(sheetName(paper.subject, used));
  const scores = input.shows === 'score_list';
  ws.columns = [
    { header: '学校', key: 'school' },
    { header: '班级', key: 'className' },
    { header: '考号', key: 'examNo' },
    { header: '姓名', key: 'name' },
    { header: '状态', key: 'status' },
    ...(scores
      ? [
          { header: `总分（满分${paper.fullMarks}）`, key: 'total' },
          ...items.map((it) => ({ header: `第${it.label}题（${it.maxScore}分）`, key: `i${it.id}` })),
        ]
      : []),
    { header: '等级', key: 'band' },
  ];
  for (const r of input.results) {
    const status = r.absent
      ? STATUS.absent
      : r.unscanned
        ? STATUS.unscanned
        : r.total === null
          ? STATUS.incomplete
          : STATUS.complete;
    const mine = byStudent.get(r.studentId);
    const row: Record<string, unknown> = {
      school: input.schoolName.get(r.schoolId) ?? '',
      className: r.className,
      examNo: r.examNo,
      name: r.name,
      status,
      band: input.bandOf(r.total),
      ...(scores ? { total: r.total } : {}),
    };
    if (scores && !r.absent) for (const it of items) row[`i${it.id}`] = mine?.get(it.id) ?? null;
    ws.addRow(row);
  }
  styleHeader(ws);
  return input.results.length;
}
