// XLSX exports of results (issue 5 §5), scoped like the JSON API: student scores (admin: all schools;
// principal: own school; every export audited), item analysis (admin, subject lead of the subject) and the
// school comparison (admin: names; principal: own school named, others 学校A…, no head counts).
import { ReleaseGate } from '../release-gate.js';
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { type Actor, assertScope } from '../../common/actor.js';
import { AuditLogRepository } from '../../common/audit-log.repository.js';
import { papersOfRecord } from '../../exams/domain/paper-workflow.js';
import type { Paper } from '../../exams/entities/paper.entity.js';
import { explainDisclosure } from '../../exams/domain/exam-disclosure.js';
import { ExamAccess } from '../../exams/exam-access.js';
import { type Disclosure, disclosureFor } from '../../exams/exam-disclosure.guard.js';
import { ItemRepository } from '../../exams/item.repository.js';
import { PaperRepository } from '../../exams/paper.repository.js';
import type { School } from '../../org/entities/school.entity.js';
import { SchoolRepository } from '../../org/school.repository.js';
import { TOTAL_PAPER_ID, TOTAL_SUBJECT, totalLast } from '../domain/subject-totals.js';
import { ExamAnalysisRepository } from '../exam-analysis.repository.js';
import { ExportRowsRepository } from './export-rows.repository.js';
import { addItemSheet } from './item-sheet.js';
import { addSchoolSheet } from './school-sheet.js';
import type { StoredAnalysis } from './stored-analysis.js';
import { addStudentSheet } from './student-sheet.js';
import { type XlsxFile, xlsxFile } from './workbook.js';

export type { XlsxFile } from './workbook.js';

@Injectable()
export class ExportsService {
  constructor(
    @Inject(ExamAccess) private readonly exams: ExamAccess,
    @Inject(PaperRepository) private readonly papers: PaperRepository,
    @Inject(ItemRepository) private readonly itemRepo: ItemRepository,
    @Inject(SchoolRepository) private readonly schoolRepository: SchoolRepository,
    @Inject(ExamAnalysisRepository) private readonly analyses: ExamAnalysisRepository,
    @Inject(ExportRowsRepository) private readonly rows: ExportRowsRepository,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
    @Inject(ReleaseGate) private readonly gate: ReleaseGate,
  ) {}

  /**
   * GET /api/exams/:id/exports/students.xlsx: one sheet per paper, one row per roster student in scope. No ranks.
   * Scores where the exam's kind allows a score list to the reader, else 等级 only and a 说明 sheet saying why.
   */
  async students(actor: Actor, examId: number): Promise<XlsxFile> {
    const exam = await this.exams.get(examId);
    const isAdmin = actor.isAdminOf(exam.allianceId);
    const own = actor.principalSchools(exam.allianceId);
    assertScope(isAdmin || own.length > 0, '无权导出该考试的学生成绩');
    const rule = disclosureFor(actor, exam);
    rule.assertAny(['score_list', 'grade_band']);
    const shows = rule.may('score_list') ? 'score_list' : 'grade_band';
    await this.gate.assertVisible(actor, exam);
    const schools = await this.schoolRepository.ofAlliance(exam.allianceId, isAdmin ? undefined : own);
    const schoolIds = schools.map((s) => s.id);
    const papers = papersOfRecord(await this.papers.ofExam(examId));
    const wb = new ExcelJS.Workbook();
    const used = new Set<string>();
    let rowsWritten = 0;
    for (const paper of papers)
      rowsWritten += addStudentSheet(wb, used, await this.studentSheetOf(examId, paper, schools, rule, shows));
    if (!papers.length) wb.addWorksheet('无试卷');
    if (shows === 'grade_band') addRuleSheet(wb, rule);
    await this.audit.record({
      userId: actor.userId,
      action: 'results.export.students',
      entity: 'exam',
      entityId: String(examId),
      detail: { schools: schoolIds, rows: rowsWritten, scope: isAdmin ? 'alliance' : 'school', shows },
    });
    return xlsxFile(wb, `${exam.name}-学生成绩.xlsx`);
  }

  /** GET /api/exams/:id/exports/items.xlsx: item analysis of the papers whose subject the caller leads (admin: all). */
  async items(actor: Actor, examId: number): Promise<XlsxFile> {
    const exam = await this.exams.get(examId);
    const papers = papersOfRecord(await this.papers.ofExam(examId));
    // The county's bureau reads every subject's item analysis (test quality), once released.
    const bureau = actor.isBureauOf(exam.allianceId);
    const mine = papers.filter((p) => bureau || actor.isSubjectLeadOf(exam.allianceId, p.subject));
    assertScope(mine.length > 0, '只有联盟管理员、本学科组长或教育局可以导出试题分析');
    disclosureFor(actor, exam).assertAny(['item_analysis']);
    if (bureau && !actor.isAdminOf(exam.allianceId)) await this.gate.assertVisible(actor, exam);
    const analyses = new Map((await this.storedAnalyses(examId)).map((a) => [a.paperId, a.data]));
    const wb = new ExcelJS.Workbook();
    const used = new Set<string>();
    for (const paper of mine) addItemSheet(wb, used, paper, analyses.get(paper.id));
    return xlsxFile(wb, `${exam.name}-试题分析.xlsx`);
  }

  /** GET /api/exams/:id/exports/schools.xlsx: 横比 and 纵看 per school. Principal: own school named, others by letter. */
  async schools(actor: Actor, examId: number): Promise<XlsxFile> {
    const exam = await this.exams.get(examId);
    // The alliance's admin and its county's bureau read every school; a principal its own.
    const isAdmin = actor.readsAllianceOverview(exam.allianceId);
    const own = actor.principalSchools(exam.allianceId);
    assertScope(isAdmin || own.length > 0, '无权导出该考试的学校对比');
    const rule = disclosureFor(actor, exam);
    rule.assertAny(['school_comparison', 'anonymous_comparison']);
    // Other schools by name only where the rule allows it (admin, bureau); everyone else reads them by letter.
    const named = isAdmin && rule.may('school_comparison');
    await this.gate.assertVisible(actor, exam);
    const papers = new Map((await this.papers.ofExam(examId)).map((p) => [p.id, p]));
    const wb = new ExcelJS.Workbook();
    const used = new Set<string>();
    for (const { paperId, data } of await this.storedAnalyses(examId)) {
      const title = paperId === TOTAL_PAPER_ID ? TOTAL_SUBJECT : (papers.get(paperId)?.subject ?? String(paperId));
      addSchoolSheet(wb, used, title, data, named ? { admin: true } : { admin: false, own });
    }
    await this.audit.record({
      userId: actor.userId,
      action: 'results.export.schools',
      entity: 'exam',
      entityId: String(examId),
      detail: { scope: isAdmin ? 'alliance' : 'school', own },
    });
    return xlsxFile(wb, `${exam.name}-学校对比.xlsx`);
  }

  /** The paper's items, its results of these schools' students and their item scores. */
  private async studentSheetOf(
    examId: number,
    paper: Paper,
    schools: School[],
    rule: Disclosure,
    shows: 'score_list' | 'grade_band',
  ) {
    const schoolIds = schools.map((s) => s.id);
    const items = await this.itemRepo.ofPaper(paper.id);
    const results = await this.rows.results(paper.id, schoolIds);
    // Final item scores: OMR by the key for objective items, then marking rows, which win (a correction).
    const scores =
      shows === 'score_list' && schoolIds.length && items.length
        ? [
            ...(await this.rows.objectiveScores(
              examId,
              items.map((i) => i.id),
              schoolIds,
            )),
            ...(await this.rows.finalScores(paper.id, schoolIds)),
          ]
        : [];
    const bandOf = (total: number | null) => rule.bandOf(total, paper.fullMarks);
    return { paper, items, results, scores, schoolName: new Map(schools.map((s) => [s.id, s.name])), shows, bandOf };
  }

  private async storedAnalyses(examId: number): Promise<{ paperId: number; data: StoredAnalysis }[]> {
    const rows = await this.analyses.ofExam(examId, { classesOf: [] });
    if (!rows.length) throw new NotFoundException('该考试的成绩尚未统计，请先计算成绩');
    return totalLast(rows).map((r) => ({ paperId: r.paperId, data: r.data as StoredAnalysis }));
  }
}

/** Why a students export holds 等级 and no scores: the rule in words, and the cut-offs. */
function addRuleSheet(wb: ExcelJS.Workbook, rule: Disclosure): void {
  const ws = wb.addWorksheet('说明');
  ws.columns = [{ header: '说明', key: 'text', width: 100 }];
  ws.addRow({ text: explainDisclosure(rule.level, rule.exam.gradeBandCutoffs) });
  ws.getRow(1).font = { bold: true };
}
