import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { managerOf, type Tx } from '../database/unit-of-work.js';
import type { ExamRoom } from './entities/exam-room.entity.js';

export type RoomRow = ExamRoom & { schoolName: string; seated: number };

/** The rooms (考场) of exams. */
@Injectable()
export class ExamRoomRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  private async list(where: string, params: unknown[]): Promise<RoomRow[]> {
    const rows: RoomRow[] = await this.ds.query(
      'SELECT r.id, r.exam_id AS examId, r.school_id AS schoolId, r.room_no AS roomNo, r.name, r.capacity, r.columns, ' +
        'r.special, s.name AS schoolName, (SELECT COUNT(*) FROM exam_candidate c WHERE c.room_id = r.id) AS seated ' +
        'FROM exam_room r JOIN school s ON s.id = r.school_id WHERE ' +
        where +
        ' ORDER BY r.room_no',
      params,
    );
    return rows.map((r) => ({ ...r, special: !!Number(r.special), seated: Number(r.seated) }));
  }

  /** The exam's rooms in number order, with their school and head count; optionally only those at some schools. */
  ofExam(examId: number, schoolIds?: number[]): Promise<RoomRow[]> {
    if (schoolIds && !schoolIds.length) return Promise.resolve([]);
    return schoolIds
      ? this.list('r.exam_id = ? AND r.school_id IN (?)', [examId, schoolIds])
      : this.list('r.exam_id = ?', [examId]);
  }

  async findInExam(examId: number, roomId: number): Promise<RoomRow | null> {
    return (await this.list('r.exam_id = ? AND r.id = ?', [examId, roomId]))[0] ?? null;
  }

  /** Replaces the exam's rooms (seats are cleared by the caller first); the new rooms' ids by room number. */
  async replace(tx: Tx, examId: number, rooms: Omit<ExamRoom, 'id' | 'examId'>[]): Promise<Map<number, number>> {
    const m = managerOf(tx);
    await m.query('UPDATE exam_candidate SET room_id = NULL, seat = NULL WHERE exam_id = ?', [examId]);
    await m.query('DELETE FROM exam_room WHERE exam_id = ?', [examId]);
    for (let i = 0; i < rooms.length; i += 500) {
      const chunk = rooms.slice(i, i + 500);
      await m.query(
        'INSERT INTO exam_room (exam_id, school_id, room_no, name, capacity, columns, special) VALUES ' +
          chunk.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', '),
        chunk.flatMap((r) => [examId, r.schoolId, r.roomNo, r.name, r.capacity, r.columns, r.special ? 1 : 0]),
      );
    }
    const ids: { id: number; roomNo: number }[] = await m.query(
      'SELECT id, room_no AS roomNo FROM exam_room WHERE exam_id = ?',
      [examId],
    );
    return new Map(ids.map((r) => [Number(r.roomNo), Number(r.id)]));
  }
}
