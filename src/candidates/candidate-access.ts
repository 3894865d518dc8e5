// Who may do what in an exam's 考务: the alliance's admin plans numbers and rooms; proctors and scanners of the school
// hosting a room (and admins) keep its list.
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { assertScope, type Actor } from '../common/actor.js';
import { Role } from '../common/role.js';
import type { Exam } from '../exams/entities/exam.entity.js';
import { examChecks, ExamAccess } from '../exams/exam-access.js';
import { ExamRoomRepository, type RoomRow } from './exam-room.repository.js';

const ROOM_ROLES = [Role.Proctor, Role.Scanner];

@Injectable()
export class CandidateAccess {
  constructor(
    @Inject(ExamAccess) private readonly exams: ExamAccess,
    @Inject(ExamRoomRepository) private readonly rooms: ExamRoomRepository,
  ) {}

  adminExam(actor: Actor, examId: number): Promise<Exam> {
    return this.exams.forActor(actor, examId, examChecks.admin, '只有本联盟管理员可以安排考务');
  }

  /** Schools whose rooms the actor keeps in the exam's alliance; null for the admin (every school). */
  roomSchools(actor: Actor, exam: Exam): number[] | null {
    if (actor.isAdminOf(exam.allianceId)) return null;
    return [
      ...new Set(
        actor.grants
          .filter((g) => ROOM_ROLES.includes(g.role) && g.allianceId === exam.allianceId && g.schoolId !== null)
          .map((g) => g.schoolId as number),
      ),
    ];
  }

  async roomExam(actor: Actor, examId: number): Promise<{ exam: Exam; schools: number[] | null }> {
    const exam = await this.exams.forActor(actor, examId);
    const schools = this.roomSchools(actor, exam);
    assertScope(schools === null || schools.length > 0, '只有监考员、本校扫描员或联盟管理员可以查看考场名单');
    return { exam, schools };
  }

  /** The room, if the actor keeps it; 404 when the exam has no such room. */
  async room(actor: Actor, examId: number, roomId: number): Promise<{ exam: Exam; room: RoomRow }> {
    const { exam, schools } = await this.roomExam(actor, examId);
    const room = await this.rooms.findInExam(exam.id, roomId);
    if (!room) throw new NotFoundException('考场不存在');
    assertScope(schools === null || schools.includes(room.schoolId), '无权处理其他学校考点的考场');
    return { exam, room };
  }
}
