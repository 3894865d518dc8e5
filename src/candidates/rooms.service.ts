// The room lists of an exam for invigilators (proctor), the host school's scanner and the admin: who sits where,
// 缺考 (into the absences of scans/, through its service) and 违纪 (this feature's own record, audited).
import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { parseOptionalId } from '../common/parse-id.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import type { Exam } from '../exams/entities/exam.entity.js';
import { PaperRepository } from '../exams/paper.repository.js';
import { ExamAbsenceRepository } from '../scans/exam-absence.repository.js';
import { ExamAbsencesService } from '../scans/exam-absences.service.js';
import { CandidateAccess } from './candidate-access.js';
import { CandidateRepository } from './candidate.repository.js';
import { checkViolation, VIOLATION_KINDS } from './domain/violation.js';
import type { ViolationBody } from './dto/candidates.dto.js';
import { ExamRoomRepository, type RoomRow } from './exam-room.repository.js';
import { ExamViolationRepository } from './exam-violation.repository.js';

@Injectable()
export class RoomsService {
  constructor(
    @Inject(CandidateAccess) private readonly access: CandidateAccess,
    @Inject(CandidateRepository) private readonly candidates: CandidateRepository,
    @Inject(ExamRoomRepository) private readonly rooms: ExamRoomRepository,
    @Inject(ExamViolationRepository) private readonly violations: ExamViolationRepository,
    @Inject(PaperRepository) private readonly papers: PaperRepository,
    @Inject(ExamAbsenceRepository) private readonly absenceMarks: ExamAbsenceRepository,
    @Inject(ExamAbsencesService) private readonly absences: ExamAbsencesService,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
  ) {}

  /** The rooms the actor keeps, with the exam's subjects and the 违纪 kinds. */
  async list(actor: Actor, examId: number) {
    const { exam, schools } = await this.access.roomExam(actor, examId);
    return {
      exam: { id: exam.id, name: exam.name },
      papers: await this.paperList(exam),
      rooms: await this.rooms.ofExam(exam.id, schools ?? undefined),
      violationKinds: VIOLATION_KINDS,
    };
  }

  /** One room's list: its students by seat, their 缺考 per paper, and the room's 违纪 records. */
  async roster(actor: Actor, examId: number, roomId: number) {
    const { exam, room } = await this.access.room(actor, examId, roomId);
    const [list, papers, violations] = await Promise.all([
      this.candidates.ofRoom(exam.id, room.id),
      this.paperList(exam),
      this.violations.ofRoom(exam.id, room.id),
    ]);
    const absent = new Map<number, number[]>();
    for (const p of papers)
      for (const schoolId of new Set(list.map((c) => c.schoolId)))
        for (const s of await this.absenceMarks.studentsOf(p.id, schoolId))
          absent.set(s, [...(absent.get(s) ?? []), p.id]);
    await this.audit.record({
      userId: actor.userId,
      action: 'read_room_list',
      entity: 'exam_room',
      entityId: String(room.id),
      detail: { examId: exam.id },
    });
    return {
      exam: { id: exam.id, name: exam.name },
      room,
      papers,
      candidates: list.map((c) => ({
        studentId: c.studentId,
        name: c.name,
        schoolName: c.schoolName,
        className: c.className,
        examNumber: c.examNumber,
        seat: c.seat,
        absentPaperIds: absent.get(c.studentId) ?? [],
      })),
      violations,
      violationKinds: VIOLATION_KINDS,
    };
  }

  /** 缺考 of a student of the room, recorded in the exam's absences (scans/ExamAbsencesService). */
  async markAbsent(actor: Actor, examId: number, roomId: number, body: { studentId?: unknown; paperId?: unknown }) {
    const { exam, room } = await this.access.room(actor, examId, roomId);
    const studentId = await this.seatedStudent(exam, room, body?.studentId);
    const paperId = parseOptionalId(body?.paperId, '科目');
    if (paperId === null) throw new BadRequestException('请选择科目');
    return this.absences.markAbsentInRoom(actor, exam.id, { studentId, paperId });
  }

  /** 违纪 of a student of the room in one paper: kept with who and when, and in the audit log. */
  async recordViolation(actor: Actor, examId: number, roomId: number, body: ViolationBody | undefined) {
    const { exam, room } = await this.access.room(actor, examId, roomId);
    const studentId = await this.seatedStudent(exam, room, body?.studentId);
    const paperId = parseOptionalId(body?.paperId, '科目');
    const paper = paperId === null ? null : await this.papers.findById(paperId);
    if (!paper || paper.examId !== exam.id) throw new BadRequestException('请选择本次考试的科目');
    const v = checkViolation(body?.kind, body?.note);
    if (!v.ok) throw new BadRequestException(v.error);
    const id = await this.uow.runOrm(async (tx) => {
      const newId = await this.violations.record(tx, {
        examId: exam.id,
        paperId: paper.id,
        studentId,
        roomId: room.id,
        kind: v.kind,
        note: v.note,
        recordedBy: actor.userId,
      });
      await this.audit.record(
        {
          userId: actor.userId,
          action: 'record_violation',
          entity: 'student',
          entityId: String(studentId),
          detail: { examId: exam.id, paperId: paper.id, roomId: room.id, kind: v.kind, note: v.note },
        },
        tx,
      );
      return newId;
    });
    return { id, examId: exam.id, paperId: paper.id, studentId, kind: v.kind, note: v.note };
  }

  private async seatedStudent(exam: Exam, room: RoomRow, raw: unknown): Promise<number> {
    const studentId = parseOptionalId(raw, '考生编号');
    if (studentId === null) throw new BadRequestException('请指定考生（studentId）');
    const c = await this.candidates.findOne(exam.id, studentId);
    if (!c || c.roomId !== room.id) throw new NotFoundException('该考生不在本考场');
    return studentId;
  }

  private async paperList(exam: Exam) {
    return (await this.papers.ofExam(exam.id)).map((p) => ({ id: p.id, subject: p.subject }));
  }
}
