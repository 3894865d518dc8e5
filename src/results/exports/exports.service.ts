// XLSX exports of results (issue 5 §5), scoped like the JSON API: student scores (admin: all schools;
// principal: own school; every export audited), item analysis (admin, subject lead of the subject) and the
// school comparison (admin: names; principal: own school named, others 学校A…, no head counts).
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { DataSource, In } from 'typeorm';
import { Actor, assertScope } from '../../common/actor.js';
import { AuditLog } from '../../common/entities/audit-log.entity.js';
import { Exam } from '../../exams/entities/exam.entity.js';
import { Item } from '../../exams/entities/item.entity.js';
import { papersOfRecord } from '../../exams/domain/paper-workflow.js';
import { Paper } from '../../exams/entities/paper.entity.js';
import { School } from '../../org/entities/school.entity.js';
import type { ExamAnalysisData, UnitAnalysis } from '../domain/exam-analysis.js';
import { EBEL_LABELS, type EbelRating } from '../domain/item-analysis.js';
import { principalView } from '../domain/principal-view.js';
import { ExamAnalysis } from '../entities/exam-analysis.entity.js';
import { principalLongitudinalOf, StoredLongitudinal, totalLast } from '../results.service.js';
import { TOTAL_PAPER_ID, TOTAL_SUBJECT } from '../domain/subject-totals.js';

export interface XlsxFile {
  fileName: string;
  data: Buffer;
}

type Stored = ExamAnalysisData & {
  longitudinal?: StoredLongitudinal | null;
  itemAnalysis?: { items?: Record<string, unknown>[]; alpha?: number | null; sem?: number | null };
};

const KIND = { lead: '龙头校', member: '成员校', comparison: '对照校' } as const;
const LOCALITY = { urban: '城区', rural: '乡村' } as const;
const STATUS = { complete: '已完成', absent: '缺考', incomplete: '未完成评阅' } as const;
/** Sheet names: at most 31 characters, none of : \ / ? * [ ]. */
const sheetName = (s: string, used: Set<string>) => {
  let base = s.replace(/[:\\/?*[\]]/g, ' ').slice(0, 28) || '表';
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base}${i}`;
  used.add(name);
  return name;
};
const pct = (x: number | null | undefined) => (x === null || x === undefined ? null : Math.round(x * 10000) / 100);

function styleHeader(ws: ExcelJS.Worksheet) {
  const row = ws.getRow(1);
  row.font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  ws.columns.forEach((c) => (c.width = Math.max(10, String(c.header ?? '').length * 2 + 2)));
}

@Injectable()
export class ExportsService {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  private async examOrThrow(examId: number): Promise<Exam> {
    const exam = await this.ds.getRepository(Exam).findOneBy({ id: examId });
    if (!exam) throw new NotFoundException('考试不存在');
    return exam;
  }

  private async analyses(examId: number): Promise<{ paperId: number; data: Stored }[]> {
    const rows = await this.ds.getRepository(ExamAnalysis).find({ where: { examId }, order: { paperId: 'ASC' } });
    if (!rows.length) throw new NotFoundException('该考试的成绩尚未统计，请先计算成绩');
    return totalLast(rows).map((r) => ({ paperId: r.paperId, data: r.data as Stored }));
  }

  private async write(wb: ExcelJS.Workbook, fileName: string): Promise<XlsxFile> {
    return { fileName, data: Buffer.from(await wb.xlsx.writeBuffer()) };
  }

  /** GET /api/exams/:id/exports/students.xlsx: one sheet per paper, one row per roster student in scope. No ranks. */
  async students(actor: Actor, examId: number): Promise<XlsxFile> {
    const exam = await this.examOrThrow(examId);
    const isAdmin = actor.isAdminOf(exam.allianceId);
    const own = actor.principalSchools(exam.allianceId);
    assertScope(isAdmin || own.length > 0, '无权导出该考试的学生成绩');
    const schools = await this.ds
      .getRepository(School)
      .find({ where: isAdmin ? { allianceId: exam.allianceId } : { allianceId: exam.allianceId, id: In(own) } });
    const schoolIds = schools.map((s) => s.id);
    const schoolName = new Map(schools.map((s) => [s.id, s.name]));
    const papers = papersOfRecord(await this.ds.getRepository(Paper).find({ where: { examId }, order: { id: 'ASC' } }));
    const wb = new ExcelJS.Workbook();
    const used = new Set<string>();
    let rowsWritten = 0;
    for (const paper of papers) {
      const items = await this.ds.getRepository(Item).find({ where: { paperId: paper.id }, order: { seq: 'ASC' } });
      const results: {
        studentId: number;
        schoolId: number;
        total: string | null;
        absent: number;
        examNo: string;
        name: string;
        className: string;
      }[] = schoolIds.length
        ? await this.ds.query(
            `SELECT r.student_id AS studentId, r.school_id AS schoolId, r.total AS total, r.absent AS absent, st.exam_no AS examNo, st.name AS name, c.name AS className
             FROM student_result r JOIN student st ON st.id = r.student_id JOIN school_class c ON c.id = st.class_id
             WHERE r.paper_id = ? AND r.school_id IN (?) ORDER BY r.school_id, c.name, st.exam_no`,
            [paper.id, schoolIds],
          )
        : [];
      // Final item scores: OMR by the key for objective items, then marking rows, which win (a correction).
      const scores: { studentId: number; itemId: number; score: string }[] =
        schoolIds.length && items.length
          ? [
              ...(await this.ds.query(
                'SELECT o.student_id AS studentId, o.item_id AS itemId, o.score AS score FROM objective_response o JOIN student st ON st.id = o.student_id WHERE o.exam_id = ? AND o.item_id IN (?) AND st.school_id IN (?)',
                [examId, items.map((i) => i.id), schoolIds],
              )),
              ...(await this.ds.query(
                'SELECT f.student_id AS studentId, f.item_id AS itemId, f.score AS score FROM final_item_score f JOIN student st ON st.id = f.student_id WHERE f.paper_id = ? AND st.school_id IN (?)',
                [paper.id, schoolIds],
              )),
            ]
          : [];
      const byStudent = new Map<number, Map<number, number>>();
      for (const s of scores) {
        const id = Number(s.studentId);
        let m = byStudent.get(id);
        if (!m) byStudent.set(id, (m = new Map()));
        m.set(Number(s.itemId), Number(s.score));
      }
      const ws = wb.addWorksheet(sheetName(paper.subject, used));
      ws.columns = [
        { header: '学校', key: 'school' },
        { header: '班级', key: 'className' },
        { header: '考号', key: 'examNo' },
        { header: '姓名', key: 'name' },
        { header: '状态', key: 'status' },
        { header: `总分（满分${paper.fullMarks}）`, key: 'total' },
        ...items.map((it) => ({ header: `第${it.label}题（${it.maxScore}分）`, key: `i${it.id}` })),
      ];
      for (const r of results) {
        const status = Number(r.absent) ? STATUS.absent : r.total === null ? STATUS.incomplete : STATUS.complete;
        const mine = byStudent.get(Number(r.studentId));
        const row: Record<string, unknown> = {
          school: schoolName.get(Number(r.schoolId)) ?? '',
          className: r.className,
          examNo: r.examNo,
          name: r.name,
          status,
          total: r.total === null ? null : Number(r.total),
        };
        if (!Number(r.absent)) for (const it of items) row[`i${it.id}`] = mine?.get(it.id) ?? null;
        ws.addRow(row);
        rowsWritten++;
      }
      styleHeader(ws);
    }
    if (!papers.length) wb.addWorksheet('无试卷');
    await this.ds.getRepository(AuditLog).insert({
      userId: actor.userId,
      action: 'results.export.students',
      entity: 'exam',
      entityId: String(examId),
      detail: { schools: schoolIds, rows: rowsWritten, scope: isAdmin ? 'alliance' : 'school' },
    });
    return this.write(wb, `${exam.name}-学生成绩.xlsx`);
  }

  /** GET /api/exams/:id/exports/items.xlsx: item analysis of the papers whose subject the caller leads (admin: all). */
  async items(actor: Actor, examId: number): Promise<XlsxFile> {
    const exam = await this.examOrThrow(examId);
    const papers = papersOfRecord(await this.ds.getRepository(Paper).find({ where: { examId }, order: { id: 'ASC' } }));
    const mine = papers.filter((p) => actor.isSubjectLeadOf(exam.allianceId, p.subject));
    assertScope(mine.length > 0, '只有联盟管理员或本学科组长可以导出试题分析');
    const analyses = new Map((await this.analyses(examId)).map((a) => [a.paperId, a.data]));
    const wb = new ExcelJS.Workbook();
    const used = new Set<string>();
    for (const paper of mine) {
      const data = analyses.get(paper.id);
      const ws = wb.addWorksheet(sheetName(paper.subject, used));
      const ia = new Map((data?.itemAnalysis?.items ?? []).map((x) => [Number(x.itemId), x]));
      ws.columns = [
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
      if (!data) {
        ws.addRow({ label: '成绩尚未统计' });
        continue;
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
    return this.write(wb, `${exam.name}-试题分析.xlsx`);
  }

  /** GET /api/exams/:id/exports/schools.xlsx: 横比 and 纵看 per school. Principal: own school named, others by letter. */
  async schools(actor: Actor, examId: number): Promise<XlsxFile> {
    const exam = await this.examOrThrow(examId);
    const isAdmin = actor.isAdminOf(exam.allianceId);
    const own = actor.principalSchools(exam.allianceId);
    assertScope(isAdmin || own.length > 0, '无权导出该考试的学校对比');
    const papers = new Map((await this.ds.getRepository(Paper).find({ where: { examId } })).map((p) => [p.id, p]));
    const wb = new ExcelJS.Workbook();
    const used = new Set<string>();
    for (const { paperId, data } of await this.analyses(examId)) {
      const ws = wb.addWorksheet(
        sheetName(paperId === TOTAL_PAPER_ID ? TOTAL_SUBJECT : (papers.get(paperId)?.subject ?? String(paperId)), used),
      );
      ws.columns = [
        { header: '学校', key: 'name' },
        { header: '类型', key: 'kind' },
        { header: '城乡', key: 'locality' },
        { header: '参考人数', key: 'n' },
        { header: '平均分', key: 'mean' },
        { header: '标准差(总体)', key: 'sd' },
        { header: '得分率(%)', key: 'scoreRate' },
        { header: '优秀率(%)', key: 'excellent' },
        { header: '及格率(%)', key: 'pass' },
        { header: '低分率(%)', key: 'low' },
        { header: '超均率(%)', key: 'above' },
        { header: '比均率', key: 'ratio' },
        { header: 'T指数', key: 't' },
        { header: '匹配率(%)', key: 'matchRate' },
        { header: 'ΔZ', key: 'dz' },
        { header: 'Δ比均率', key: 'dRatio' },
        { header: 'ΔT指数', key: 'dt' },
        { header: '增值', key: 'va' },
        { header: '增值95%下限', key: 'lo' },
        { header: '增值95%上限', key: 'hi' },
        { header: '收缩后增值', key: 'eb' },
        { header: '提升系数', key: 'imp' },
        { header: '说明', key: 'note' },
      ];
      const note = (u: { suppressed: boolean; unreliable: boolean }) =>
        u.suppressed ? '人数≤5，不显示' : u.unreliable ? '人数<15，仅供参考' : '';
      const unitRow = (name: string, u: Omit<UnitAnalysis, 'schoolIds'> | null, extra: Record<string, unknown> = {}) =>
        u && {
          name,
          n: u.n,
          mean: u.summary?.mean ?? null,
          sd: u.summary?.sd ?? null,
          scoreRate: pct(u.summary?.scoreRate),
          excellent: pct(u.summary?.excellentRate),
          pass: pct(u.summary?.passRate),
          low: pct(u.summary?.lowRate),
          above: pct(u.relative?.aboveMeanRate),
          ratio: u.relative?.ratioToMean ?? null,
          t: u.relative?.tIndex ?? null,
          note: note(u),
          ...extra,
        };
      const vaCols = (
        v:
          | {
              matchRate?: number | null;
              deltaZ: number | null;
              deltaRatio: number | null;
              deltaTIndex: number | null;
              va: number | null;
              ciLow: number | null;
              ciHigh: number | null;
              vaShrunk: number | null;
              improvement: number | null;
            }
          | undefined,
      ) =>
        v
          ? {
              matchRate: pct(v.matchRate ?? null),
              dz: v.deltaZ,
              dRatio: v.deltaRatio,
              dt: v.deltaTIndex,
              va: v.va,
              lo: v.ciLow,
              hi: v.ciHigh,
              eb: v.vaShrunk,
              imp: v.improvement,
            }
          : {};
      const l = data.longitudinal ?? null;
      if (isAdmin) {
        const va = new Map(l && !('unavailable' in l) ? l.schools.map((s) => [s.schoolId, s]) : []);
        for (const s of data.schools)
          ws.addRow(
            unitRow(s.name, s, { kind: KIND[s.kind], locality: LOCALITY[s.locality], ...vaCols(va.get(s.schoolId)) }),
          );
        for (const [name, u] of [
          ['联盟', data.alliance],
          ['城区学校', data.urban],
          ['乡村学校', data.rural],
          ['联盟外对照校', data.comparison],
        ] as const)
          ws.addRow(unitRow(name, u));
      } else {
        const { longitudinal: _l, itemAnalysis: _i, ...plain } = data;
        const view = principalView(plain as ExamAnalysisData, own);
        const pl = principalLongitudinalOf(plain as ExamAnalysisData, l, own);
        const ownVa = new Map(pl && !('unavailable' in pl) ? pl.ownSchools.map((s) => [s.schoolId, s]) : []);
        const otherVa = new Map(pl && !('unavailable' in pl) ? pl.otherSchools.map((s) => [s.label, s]) : []);
        for (const s of view.ownSchools)
          ws.addRow(
            unitRow(`${s.name}（本校）`, s, {
              kind: KIND[s.kind],
              locality: LOCALITY[s.locality],
              ...vaCols(ownVa.get(s.schoolId)),
            }),
          );
        for (const o of view.otherSchools) {
          // No head count, no type or locality: they would give the letter away.
          ws.addRow({
            name: o.label,
            mean: o.summary?.mean ?? null,
            sd: o.summary?.sd ?? null,
            scoreRate: pct(o.summary?.scoreRate),
            excellent: pct(o.summary?.excellentRate),
            pass: pct(o.summary?.passRate),
            low: pct(o.summary?.lowRate),
            above: pct(o.relative?.aboveMeanRate),
            ratio: o.relative?.ratioToMean ?? null,
            t: o.relative?.tIndex ?? null,
            note: o.suppressed ? '人数≤5，不显示' : o.unreliable ? '人数<15，仅供参考' : '',
            ...vaCols(otherVa.get(o.label)),
          });
        }
        ws.addRow(unitRow('联盟', view.alliance));
        for (const [name, u] of [
          ['城区学校', view.urban],
          ['乡村学校', view.rural],
          ['联盟外对照校', view.comparison],
        ] as const)
          if (u) ws.addRow(unitRow(name, u));
      }
      if (l) {
        ws.addRow({});
        ws.addRow({ name: `纵向比较：上次考试“${l.priorExamName}”` });
        if ('unavailable' in l) ws.addRow({ name: l.unavailable });
        else {
          ws.addRow({ name: l.improvementFormula.description });
          for (const text of Object.values(l.method)) ws.addRow({ name: text });
        }
      }
      styleHeader(ws);
    }
    await this.ds.getRepository(AuditLog).insert({
      userId: actor.userId,
      action: 'results.export.schools',
      entity: 'exam',
      entityId: String(examId),
      detail: { scope: isAdmin ? 'alliance' : 'school', own },
    });
    return this.write(wb, `${exam.name}-学校对比.xlsx`);
  }
}
