// 考务 for the alliance's admin: exam numbers by a rule, rooms and seats by the allocation rules. Numbers and rooms
// can be made again until the first answer sheet of the exam is scanned; after that they are what the sheets say.
import { BadRequestException, ConflictException, Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import type { Exam } from '../exams/entities/exam.entity.js';
import { PaperRepository } from '../exams/paper.repository.js';
import { SchoolRepository } from '../org/school.repository.js';
import { ScannedPageRepository } from '../scans/scanned-page.repository.js';
import { CandidateAccess } from './candidate-access.js';
import { CandidateRepository, type CandidateRow } from './candidate.repository.js';
import { CHECK_DIGIT_LABEL } from './domain/check-digit.js';
import {
  DEFAULT_RULE,
  generateExamNumbers,
  parseRule,
  ruleLength,
  SEGMENT_LABEL,
  type ExamNumberRule,
} from './domain/exam-number-rule.js';
import { allocateSeats, type PlannedRoom, type SeatingSettings } from './domain/seating.js';
import type { NumberRuleBody, SeatingBody } from './dto/candidates.dto.js';
import { ExamRoomRepository } from './exam-room.repository.js';

export const DEFAULT_SEATING: Omit<SeatingSettings, 'venueSchoolId'> = {
  scope: 'school',
  capacity: 30,
  columns: 5,
  specialCapacity: 10,
  maxRooms: null,
};

/** Rows of the candidate list a page receives at most (a county's whole roster is for the PDFs). */
const LIST_MAX = 2000;

const int = (v: unknown, fallback: number) => (v === undefined || v === null || v === '' ? fallback : Number(v));

@Injectable()
export class CandidatesService {
  constructor(
    @Inject(CandidateAccess) private readonly access: CandidateAccess,
    @Inject(CandidateRepository) private readonly candidates: CandidateRepository,
    @Inject(ExamRoomRepository) private readonly rooms: ExamRoomRepository,
    @Inject(PaperRepository) private readonly papers: PaperRepository,
    @Inject(SchoolRepository) private readonly schools: SchoolRepository,
    @Inject(ScannedPageRepository) private readonly pages: ScannedPageRepository,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
  ) {}

  /** What the 考务 page shows: settings (saved or default), counts, rooms, and whether scans lock it all. */
  async overview(actor: Actor, examId: number) {
    const exam = await this.access.adminExam(actor, examId);
    const [plan, list, rooms, schools, scanned] = await Promise.all([
      this.candidates.plan(exam.id),
      this.candidates.candidatesOf(exam.id, exam.allianceId, exam.grade),
      this.rooms.ofExam(exam.id),
      this.schools.ofAlliance(exam.allianceId),
      this.scannedPages(exam.id),
    ]);
    return {
      exam: { id: exam.id, name: exam.name, grade: exam.grade },
      rule: plan?.numberRule ?? { ...DEFAULT_RULE, year: this.yearOf(exam) },
      seating: plan?.seating ?? { ...DEFAULT_SEATING, venueSchoolId: schools[0]?.id ?? null },
      numberedAt: plan?.numberedAt ?? null,
      seatedAt: plan?.seatedAt ?? null,
      segmentLabels: SEGMENT_LABEL,
      checkDigitLabels: CHECK_DIGIT_LABEL,
      students: list.length,
      numbered: list.filter((c) => c.examNumber !== null).length,
      seated: list.filter((c) => c.roomId !== null).length,
      special: list.filter((c) => c.special).map((c) => c.rosterNo),
      rooms,
      schools: schools.map((s) => ({ id: s.id, name: s.name, code: s.code })),
      scannedPages: scanned,
      locked: scanned > 0,
    };
  }

  /** The candidates (optionally of one school or room), at most LIST_MAX, with their numbers and seats. */
  async list(actor: Actor, examId: number, q: { schoolId?: number; roomId?: number }) {
    const exam = await this.access.adminExam(actor, examId);
    const all = await this.candidates.candidatesOf(exam.id, exam.allianceId, exam.grade);
    const chosen = all.filter(
      (c) =>
        (q.schoolId === undefined || c.schoolId === q.schoolId) && (q.roomId === undefined || c.roomId === q.roomId),
    );
    return { total: chosen.length, candidates: chosen.slice(0, LIST_MAX) };
  }

  /** Generates (or regenerates) every candidate's exam number under the rule. */
  async generateNumbers(actor: Actor, examId: number, body: NumberRuleBody | undefined) {
    const exam = await this.access.adminExam(actor, examId);
    await this.refuseAfterScans(exam, '重新生成考号');
    const year = int(body?.year, this.yearOf(exam));
    if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new BadRequestException('年份应为 2000–2100');
    const parsed = parseRule(body, year);
    if (!parsed.ok) throw new BadRequestException(parsed.errors.join('；'));
    await this.checkSheetGrid(exam, parsed.rule);
    const list = await this.candidates.candidatesOf(exam.id, exam.allianceId, exam.grade);
    if (!list.length) throw new BadRequestException('该考试年级还没有学生名单，请先导入名单');
    const out = generateExamNumbers(parsed.rule, list.map(numberingRow));
    if (!out.ok) throw new BadRequestException(out.errors.join('；'));
    await this.uow.runOrm(async (tx) => {
      await this.candidates.lockPlan(tx, exam.id);
      await this.candidates.replaceNumbers(tx, exam.id, out.numbers);
      await this.candidates.saveNumberRule(tx, exam.id, parsed.rule, parsed.rule.checkDigit);
      await this.audit.record(
        {
          userId: actor.userId,
          action: 'generate_exam_numbers',
          entity: 'exam',
          entityId: String(exam.id),
          detail: { rule: parsed.rule, students: out.numbers.size },
        },
        tx,
      );
    });
    return { examId: exam.id, numbered: out.numbers.size, digits: ruleLength(parsed.rule), rule: parsed.rule };
  }

  /** Allocates rooms and seats for every candidate (again, replacing the last allocation). */
  async allocate(actor: Actor, examId: number, body: SeatingBody | undefined) {
    const exam = await this.access.adminExam(actor, examId);
    await this.refuseAfterScans(exam, '重新编排考场');
    const schools = await this.schools.ofAlliance(exam.allianceId);
    const settings = this.seatingSettings(body, schools[0]?.id ?? null);
    if (settings.venueSchoolId !== null && !schools.some((s) => s.id === settings.venueSchoolId))
      throw new BadRequestException('考点学校不在本联盟');
    const list = await this.candidates.candidatesOf(exam.id, exam.allianceId, exam.grade);
    const special = this.specialStudents(list, body?.specialRosterNos);
    const schoolName = new Map(schools.map((s) => [s.id, s.name]));
    const className = new Map(list.map((c) => [c.classId, c.className]));
    const out = allocateSeats(
      list.map((c) => ({
        studentId: c.studentId,
        schoolId: c.schoolId,
        classId: c.classId,
        special: special.has(c.studentId),
      })),
      settings,
      { school: (id) => schoolName.get(id) ?? `学校${id}`, className: (id) => className.get(id) ?? '' },
    );
    if (!out.ok) throw new BadRequestException(out.errors.join('\n'));
    await this.saveSeating(actor, exam, settings, special, out.rooms);
    const plan = await this.candidates.plan(exam.id);
    const rule = plan?.numberRule as ExamNumberRule | null;
    const numbersStale = !!rule?.segments?.some((s) => s.kind === 'room' || s.kind === 'seat') && !!plan?.numberedAt;
    return {
      examId: exam.id,
      rooms: out.rooms.length,
      special: special.size,
      seated: out.rooms.reduce((n, r) => n + r.seats.length, 0),
      warning: numbersStale ? '考号规则含考场号或座位号：考场已重新编排，请重新生成考号' : null,
    };
  }

  private async saveSeating(
    actor: Actor,
    exam: Exam,
    settings: SeatingSettings,
    special: Set<number>,
    planned: PlannedRoom[],
  ) {
    await this.uow.runOrm(async (tx) => {
      await this.candidates.lockPlan(tx, exam.id);
      await this.candidates.setSpecial(tx, exam.id, [...special]);
      const ids = await this.rooms.replace(
        tx,
        exam.id,
        planned.map((r) => ({
          schoolId: r.hostSchoolId,
          roomNo: r.roomNo,
          name: `第${String(r.roomNo).padStart(3, '0')}考场${r.special ? '（特殊考场）' : ''}`,
          capacity: r.capacity,
          columns: r.columns,
          special: r.special,
        })),
      );
      const seats = planned.flatMap((r) =>
        r.seats.map((s) => ({ studentId: s.studentId, roomId: ids.get(r.roomNo)!, seat: s.seat })),
      );
      await this.candidates.replaceSeats(tx, exam.id, seats);
      await this.candidates.saveSeating(tx, exam.id, settings);
      await this.audit.record(
        {
          userId: actor.userId,
          action: 'allocate_exam_rooms',
          entity: 'exam',
          entityId: String(exam.id),
          detail: { settings, rooms: planned.length, special: special.size },
        },
        tx,
      );
    });
  }

  private seatingSettings(body: SeatingBody | undefined, firstSchool: number | null): SeatingSettings {
    const scope = body?.scope ?? DEFAULT_SEATING.scope;
    return {
      scope: scope as SeatingSettings['scope'],
      capacity: int(body?.capacity, DEFAULT_SEATING.capacity),
      columns: int(body?.columns, DEFAULT_SEATING.columns),
      specialCapacity: int(body?.specialCapacity, DEFAULT_SEATING.specialCapacity),
      venueSchoolId: scope === 'alliance' ? int(body?.venueSchoolId, firstSchool ?? NaN) : null,
      maxRooms:
        body?.maxRooms === undefined || body.maxRooms === null || body.maxRooms === '' ? null : Number(body.maxRooms),
    };
  }

  /** The students named (by roster number) for special rooms; every unknown number is an error. */
  private specialStudents(list: CandidateRow[], raw: unknown): Set<number> {
    if (raw === undefined || raw === null) return new Set(list.filter((c) => c.special).map((c) => c.studentId));
    const nos = Array.isArray(raw) ? raw.map(String) : String(raw).split(/[\s,，;；]+/);
    const byNo = new Map(list.map((c) => [c.rosterNo, c.studentId]));
    const wanted = nos.map((n) => n.trim()).filter(Boolean);
    const unknown = wanted.filter((n) => !byNo.has(n));
    if (unknown.length)
      throw new BadRequestException(`特殊考场名单中的学籍号不在本次考试名单中：${unknown.slice(0, 10).join('、')}`);
    return new Set(wanted.map((n) => byNo.get(n)!));
  }

  /** The sheets already laid out must have an exam-number grid as long as the rule's numbers. */
  private async checkSheetGrid(exam: Exam, rule: ExamNumberRule) {
    const digits = ruleLength(rule);
    for (const p of await this.papers.ofExam(exam.id)) {
      if (p.layout && p.layout.examNoDigits !== digits)
        throw new BadRequestException(
          `考号共 ${digits} 位，而「${p.subject}」答题卡的考号栏是 ${p.layout.examNoDigits} 位；请调整考号规则，或按 ${digits} 位考号重新生成答题卡`,
        );
    }
  }

  private async refuseAfterScans(exam: Exam, what: string) {
    const n = await this.scannedPages(exam.id);
    if (n > 0) throw new ConflictException(`本次考试已有 ${n} 张答题卡扫描入库，不能再${what}`);
  }

  private async scannedPages(examId: number): Promise<number> {
    const counts = await this.pages.countByStatus(examId, null);
    return [...counts.values()].reduce((a, b) => a + b, 0);
  }

  private yearOf(exam: Exam): number {
    return exam.examDate ? Number(String(exam.examDate).slice(0, 4)) : new Date().getFullYear();
  }
}

function numberingRow(c: CandidateRow) {
  return {
    studentId: c.studentId,
    schoolId: c.schoolId,
    schoolCode: c.schoolCode,
    classId: c.classId,
    className: c.className,
    rosterNo: c.rosterNo,
    room: c.roomNo,
    seat: c.seat,
  };
}
