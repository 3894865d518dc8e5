// The printed 考务 documents: 座位表 and 门贴 per room, 准考证 per student. For the admin (all rooms and students) and
// for proctors and scanners (the rooms their school hosts and the students of their school).
import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import type { Exam } from '../exams/entities/exam.entity.js';
import { ExamSubjectRepository } from '../exams/exam-subject.repository.js';
import { PaperRepository } from '../exams/paper.repository.js';
import { CandidateAccess } from './candidate-access.js';
import { CandidatePdf, type RoomView, type TicketView } from './candidate-pdf.js';
import { CandidateRepository, type CandidateRow } from './candidate.repository.js';
import { ExamRoomRepository, type RoomRow } from './exam-room.repository.js';

export type CandidateDocument = 'seating' | 'door' | 'tickets';

const FILE_NAME: Record<CandidateDocument, string> = { seating: '座位表', door: '门贴', tickets: '准考证' };

/** 准考证 in one file at most: a big county's school fits, a whole county is printed school by school. */
const MAX_TICKETS = 5000;

@Injectable()
export class CandidateDocumentsService {
  constructor(
    @Inject(CandidateAccess) private readonly access: CandidateAccess,
    @Inject(CandidateRepository) private readonly candidates: CandidateRepository,
    @Inject(ExamRoomRepository) private readonly rooms: ExamRoomRepository,
    @Inject(PaperRepository) private readonly papers: PaperRepository,
    @Inject(ExamSubjectRepository) private readonly subjects: ExamSubjectRepository,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
    @Inject(CandidatePdf) private readonly pdf: CandidatePdf,
  ) {}

  async render(
    actor: Actor,
    examId: number,
    what: CandidateDocument,
    q: { roomId?: number; schoolId?: number },
  ): Promise<{ data: Buffer; fileName: string }> {
    const { exam, schools } = await this.access.roomExam(actor, examId);
    const list = (await this.candidates.candidatesOf(exam.id, exam.allianceId, exam.grade)).filter(
      (c) => q.roomId === undefined || c.roomId === q.roomId,
    );
    const rooms = (await this.rooms.ofExam(exam.id)).filter((r) => q.roomId === undefined || r.id === q.roomId);
    if (q.roomId !== undefined && !rooms.length) throw new NotFoundException('考场不存在');
    const data =
      what === 'tickets'
        ? await this.tickets(exam, list, rooms, schools, q.schoolId)
        : await this.roomDocument(exam, what, list, rooms, schools, q.schoolId);
    await this.audit.record({
      userId: actor.userId,
      action: `print_${what}`,
      entity: 'exam',
      entityId: String(exam.id),
      detail: { roomId: q.roomId ?? null, schoolId: q.schoolId ?? null },
    });
    const scope = q.roomId !== undefined ? `-${rooms[0].name}` : '';
    return { data, fileName: `${exam.name}-${FILE_NAME[what]}${scope}.pdf` };
  }

  private async roomDocument(
    exam: Exam,
    what: 'seating' | 'door',
    list: CandidateRow[],
    rooms: RoomRow[],
    schools: number[] | null,
    schoolId: number | undefined,
  ) {
    const chosen = rooms.filter(
      (r) => (schools === null || schools.includes(r.schoolId)) && (schoolId === undefined || r.schoolId === schoolId),
    );
    if (!chosen.length) throw new BadRequestException('还没有编排考场，请先编排考场');
    const byRoom = new Map<number, CandidateRow[]>();
    for (const c of list) if (c.roomId !== null) byRoom.set(c.roomId, [...(byRoom.get(c.roomId) ?? []), c]);
    const views: RoomView[] = chosen.map((r) => ({
      examName: exam.name,
      roomName: r.name,
      venue: r.schoolName,
      capacity: r.capacity,
      columns: r.columns,
      seats: (byRoom.get(r.id) ?? []).map((c) => ({
        seat: c.seat!,
        name: c.name,
        examNumber: c.examNumber ?? '（未生成）',
        schoolName: c.schoolName,
        className: c.className,
      })),
    }));
    return what === 'seating' ? this.pdf.seatingCharts(views) : this.pdf.doorLists(views);
  }

  private async tickets(
    exam: Exam,
    list: CandidateRow[],
    rooms: RoomRow[],
    schools: number[] | null,
    schoolId: number | undefined,
  ) {
    const host = new Map(rooms.map((r) => [r.id, r]));
    const chosen = list.filter(
      (c) =>
        (schools === null ||
          schools.includes(c.schoolId) ||
          schools.includes(host.get(c.roomId ?? 0)?.schoolId ?? 0)) &&
        (schoolId === undefined || c.schoolId === schoolId),
    );
    if (!chosen.length) throw new BadRequestException('没有可打印准考证的考生');
    if (chosen.some((c) => c.examNumber === null)) throw new BadRequestException('还有考生没有考号，请先生成考号');
    if (chosen.length > MAX_TICKETS)
      throw new BadRequestException(`一次最多打印 ${MAX_TICKETS} 张准考证，请按学校或考场分别打印`);
    const timetable = await this.timetableOf(exam);
    const sorted = [...chosen].sort((a, b) => (a.examNumber! < b.examNumber! ? -1 : 1));
    const views: TicketView[] = sorted.map((c) => {
      const room = c.roomId === null ? undefined : host.get(c.roomId);
      return {
        examName: exam.name,
        name: c.name,
        schoolName: c.schoolName,
        className: c.className,
        examNumber: c.examNumber!,
        roomName: room?.name ?? '（未编排）',
        seat: c.seat,
        venue: room?.schoolName ?? '—',
        timetable,
      };
    });
    return this.pdf.admissionTickets(views);
  }

  /** The exam's 科目安排 (date and times per subject) when the admin set one, else its papers on the exam's date. */
  private async timetableOf(exam: Exam): Promise<{ subject: string; when: string }[]> {
    const set = await this.subjects.ofExam(exam.id);
    if (set.length)
      return set.map((e) => ({
        subject: e.subject,
        when: [e.date ?? '', e.startTime && e.endTime ? `${e.startTime}–${e.endTime}` : ''].filter(Boolean).join(' '),
      }));
    const when = exam.examDate ? String(exam.examDate).slice(0, 10) : '';
    return (await this.papers.ofExam(exam.id)).map((p) => ({ subject: p.subject, when }));
  }
}
