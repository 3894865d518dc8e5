import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { CandidateRepository } from '../candidates/candidate.repository.js';
import { Role } from '../common/role.js';
import { assertScope, type Actor } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { IMPORTED_EXAM_REFUSAL } from '../exams/domain/results-import.js';
import { Exam, ExamStatus } from '../exams/entities/exam.entity.js';
import type { Item } from '../exams/entities/item.entity.js';
import { Paper } from '../exams/entities/paper.entity.js';
import { ExamAccess } from '../exams/exam-access.js';
import { ItemRepository } from '../exams/item.repository.js';
import { PaperRepository } from '../exams/paper.repository.js';
import type { SchoolClass } from '../org/entities/school-class.entity.js';
import type { School } from '../org/entities/school.entity.js';
import { SchoolClassRepository } from '../org/school-class.repository.js';
import { SchoolRepository } from '../org/school.repository.js';
import { StudentRepository } from '../org/student.repository.js';
import { buildSheetLayout, type SheetLayout } from './domain/layout.js';
import type { GenerateSheetBody, PersonalisedSheetQuery } from './dto/sheets.dto.js';
import { SheetPdf, type SheetStudent } from './sheet-pdf.js';

/** One request prints at most this many personalised sheets: a whole school of a big county fits, a runaway does not. */
export const MAX_PERSONALISED_SHEETS = 3000;

const PDF_ROLES: readonly Role[] = [Role.Admin, Role.SubjectLead, Role.Scanner, Role.Principal];

@Injectable()
export class SheetsService {
  constructor(
    @Inject(PaperRepository) private readonly papers: PaperRepository,
    @Inject(ItemRepository) private readonly items: ItemRepository,
    @Inject(ExamAccess) private readonly exams: ExamAccess,
    @Inject(SchoolRepository) private readonly schools: SchoolRepository,
    @Inject(SchoolClassRepository) private readonly classes: SchoolClassRepository,
    @Inject(StudentRepository) private readonly students: StudentRepository,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
    @Inject(SheetPdf) private readonly pdf: SheetPdf,
    @Inject(CandidateRepository) private readonly candidates: CandidateRepository,
  ) {}

  /** Lays out the paper's answer sheet from its items (in seq order) and stores the layout on the paper. */
  async generateSheet(actor: Actor, paperId: number, body: GenerateSheetBody = {}): Promise<SheetLayout> {
    const { paper, exam } = await this.load(paperId);
    assertScope(
      actor.isSubjectLeadOf(exam.allianceId, paper.subject),
      '只有本联盟管理员或本学科组长可以生成该科答题卡',
    );
    const digits = body?.examNoDigits ?? 8;
    if (!Number.isInteger(digits) || digits < 4 || digits > 12)
      throw new BadRequestException('考号位数应为 4–12 之间的整数');
    const paperSize = body?.paperSize ?? 'A4';
    if (paperSize !== 'A4' && paperSize !== 'A3') throw new BadRequestException('纸张规格只能是 A4 或 A3');
    const barcodeArea = body?.barcodeArea ?? false;
    if (typeof barcodeArea !== 'boolean') throw new BadRequestException('条形码粘贴区选项只能是“是”或“否”');

    const items = await this.items.ofPaper(paperId);
    if (!items.length) throw new BadRequestException('该试卷还没有题目，请先录入题目再生成答题卡');
    const layout = laidOut(paper, exam, items, { examNoDigits: digits, paperSize, barcodeArea });

    // Pages already read were located with the stored layout; moving any coordinate now would misread them.
    if (paper.layout && JSON.stringify(paper.layout) !== JSON.stringify(layout)) {
      const scanned = await this.papers.scannedPageCount(paperId);
      if (scanned > 0) throw new BadRequestException(`该科已有 ${scanned} 张答题卡扫描入库，不能再更改答题卡版式`);
    }
    await this.papers.saveLayout(paper.id, layout);
    return layout;
  }

  /** The printable PDF of the stored layout. */
  async sheetPdf(actor: Actor, paperId: number): Promise<{ data: Buffer; fileName: string }> {
    const { paper, exam } = await this.load(paperId);
    assertScope(
      actor.grants.some((g) => g.allianceId === exam.allianceId && PDF_ROLES.includes(g.role)),
      '无权下载该答题卡',
    );
    if (!paper.layout) throw new NotFoundException('该试卷尚未生成答题卡');
    return { data: await this.pdf.render(paper.layout), fileName: `${paper.title}-${paper.subject}-答题卡.pdf` };
  }

  /**
   * One personalised sheet per student of a school (or of one of its classes): name, class and exam number printed,
   * and a QR code carrying the student on every page. For the alliance's admin, or a scanner of that school.
   */
  async personalisedSheetPdf(
    actor: Actor,
    paperId: number,
    q: PersonalisedSheetQuery,
  ): Promise<{ data: Buffer; fileName: string; count: number }> {
    const { paper, exam } = await this.load(paperId);
    // Same answer for a school of another alliance as for one that does not exist: ids reveal nothing.
    const school = await this.schools.findInAlliance(q.schoolId, exam.allianceId);
    if (!school) throw new NotFoundException('学校不存在');
    assertScope(
      actor.canActForSchool(Role.Scanner, exam.allianceId, school.id),
      '只有联盟管理员或本校扫描员可以打印本校的个性化答题卡',
    );
    if (!paper.layout) throw new NotFoundException('该试卷尚未生成答题卡');

    const chosen = await this.chosenClasses(school, exam, q.classId);
    const sheets = await this.sheetStudents(school, chosen, exam);
    const data = await this.pdf.renderPersonalised(paper.layout, sheets);
    // Names and exam numbers of children left the system on paper: recorded, as every read of student data is.
    await this.audit.record({
      userId: actor.userId,
      action: 'print_personalised_sheets',
      entity: 'paper',
      entityId: String(paper.id),
      detail: { schoolId: school.id, classId: q.classId, students: sheets.length },
    });
    const scope = q.classId !== null ? `${school.name}-${chosen[0].name}` : school.name;
    return { data, fileName: `${paper.title}-${paper.subject}-答题卡-${scope}.pdf`, count: sheets.length };
  }

  /** The class asked for, or the classes of the exam's grade (classes with no grade recorded are kept: we cannot tell). */
  private async chosenClasses(school: School, exam: Exam, classId: number | null): Promise<SchoolClass[]> {
    const classes = await this.classes.ofSchool(school.id);
    if (classId === null) return classes.filter((c) => !exam.grade || !c.grade || c.grade === exam.grade);
    const one = classes.find((c) => c.id === classId);
    if (!one) throw new NotFoundException('该校没有这个班级');
    return [one];
  }

  /**
   * The students of the classes, in class order, then by exam number: the pile comes out ready to hand out. The number
   * printed is the exam's own (考务) where it gave one, else the roster's student number.
   */
  private async sheetStudents(school: School, chosen: SchoolClass[], exam: Exam): Promise<SheetStudent[]> {
    const students = await this.students.ofClasses(
      school.id,
      chosen.map((c) => c.id),
    );
    if (!students.length) throw new BadRequestException('所选班级没有学生名单，请先导入名单');
    if (students.length > MAX_PERSONALISED_SHEETS)
      throw new BadRequestException(`一次最多打印 ${MAX_PERSONALISED_SHEETS} 份，请按班级分别打印`);
    const order = new Map(chosen.map((c, n) => [c.id, n]));
    const className = new Map(chosen.map((c) => [c.id, c.name]));
    const numbers = await this.candidates.numbersOf(
      exam.id,
      students.map((s) => s.id),
    );
    const sheets = students.map((s) => ({
      id: s.id,
      name: s.name,
      className: className.get(s.classId)!,
      examNo: numbers.get(s.id) ?? s.examNo,
      classOrder: order.get(s.classId)!,
    }));
    sheets.sort((a, b) => a.classOrder - b.classOrder || a.examNo.localeCompare(b.examNo));
    return sheets.map(({ classOrder: _, ...s }) => s);
  }

  private async load(paperId: number): Promise<{ paper: Paper; exam: Exam }> {
    const paper = await this.papers.findById(paperId);
    if (!paper) throw new NotFoundException('试卷不存在');
    const exam = await this.exams.get(paper.examId);
    if (exam.status === ExamStatus.Imported) throw new BadRequestException(IMPORTED_EXAM_REFUSAL);
    return { paper, exam };
  }
}

/** The answer sheet laid out from the paper's items (in seq order); a layout that cannot be made is a 400. */
function laidOut(
  paper: Paper,
  exam: Exam,
  items: Item[],
  options: { examNoDigits: number; paperSize: 'A4' | 'A3'; barcodeArea: boolean },
): SheetLayout {
  try {
    return buildSheetLayout({
      examId: exam.id,
      paperId: paper.id,
      title: paper.title,
      subject: paper.subject,
      ...options,
      items: items.map((i) => ({
        id: i.id,
        label: i.label,
        type: i.type,
        maxScore: i.maxScore,
        optionCount: i.optionCount,
        boxHeightMm: i.boxHeightMm,
      })),
    });
  } catch (e) {
    throw new BadRequestException(`无法生成答题卡：${(e as Error).message}`);
  }
}
