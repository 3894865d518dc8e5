// The item analysis export's sheet of one paper: per item P, D, corrected item-total correlation, α if deleted.
import type ExcelJS from 'exceljs';
import type { Paper } from '../../exams/entities/paper.entity.js';
import type { UnitAnalysis } from '../domain/exam-analysis.js';
import { EBEL_LABELS, type EbelRating } from '../domain/item-analysis.js';
import type { StoredAnalysis } from './stored-analysis.js';
import { pct, sheetName, styleHeader } from './workbook.js';

const COLUMNS = [
  { header: '题号', key: 'label' },
  { header: '满分', key: 'max' },
  { header: '知识点', key: 'kp' },
  { header: '联盟平均分', key: 'mean' },
  { header: '得分率/难度P(%)', key: 'p' },
  { header: '城区得分率(%)', key: 'urban' },
  { header: '乡村得分率(%)', key: 'rural' },
  { header: '区分度D', key: 'd' },
  { header: '校正题总相关', key: 'rDrop' },
  { header: '删除该题后α', key: 'alphaIfDeleted' },
  { header: 'Ebel评价', key: 'ebel' },
  { header: '疑似答案错误', key: 'wrongKey' },
];

/** Adds the paper's sheet; a paper without a stored analysis gets a sheet that says so. */
export function addItemSheet(wb: ExcelJS.Workbook, used: Set<string>, paper: Paper, data: StoredAnalysis | undefined) {
  const ws = wb.addWorksheet(sheetName(paper.subject, used));
  const ia = new Map((data?.itemAnalysis?.items ?? []).map((x) => [Number(x.itemId), x]));
  ws.columns = COLUMNS;
  if (!data) {
    ws.addRow({ label: '成绩尚未统计' });
    return;
  }
  const rate = (u: UnitAnalysis | null | undefined, i: number) => pct(u?.items?.[i]?.scoreRate);
  data.items.forEach((it, i) => {
    const x = ia.get(it.itemId);
    ws.addRow({
      label: it.label,
      max: it.maxScore,
      kp: it.knowledgePoints.join('、'),
      mean: data.alliance.items?.[i]?.mean ?? null,
      p: rate(data.alliance, i),
      urban: rate(data.urban, i),
      rural: rate(data.rural, i),
      d: (x?.d as number | null | undefined) ?? null,
      rDrop: (x?.rDrop as number | null | undefined) ?? null,
      alphaIfDeleted: (x?.alphaIfDeleted as number | null | undefined) ?? null,
      ebel: x?.ebel ? (EBEL_LABELS[x.ebel as EbelRating] ?? String(x.ebel)) : null,
      wrongKey: x ? (x.possibleWrongKey ? '是' : '') : null,
    });
  });
  const whole = data.itemAnalysis;
  if (whole) {
    ws.addRow({});
    ws.addRow({ label: '信度α', max: whole.alpha ?? null });
    ws.addRow({ label: '测量标准误SEM', max: whole.sem ?? null });
  }
  styleHeader(ws);
}
