import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { managerOr, type Tx } from '../database/unit-of-work.js';
import { Student } from './entities/student.entity.js';

/** A student of a school's roster with the name of their class. */
export interface RosterStudent {
  id: number;
  examNo: string;
  name: string;
  className: string;
}

const ROSTER =
  'SELECT st.id AS id, st.exam_no AS examNo, st.name AS name, c.name AS className FROM student st JOIN school_class c ON c.id = st.class_id';

/** The student table's statements. */
@Injectable()
export class StudentRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  findById(id: number, tx?: Tx): Promise<Student | null> {
    return managerOr(tx, this.ds).getRepository(Student).findOneBy({ id });
  }

  /** The student with this exam number (考号) in the alliance, if any: exam numbers are unique there. */
  findByExamNo(allianceId: number, examNo: string, tx?: Tx): Promise<Student | null> {
    return managerOr(tx, this.ds).getRepository(Student).findOneBy({ allianceId, examNo });
  }

  /** These students (those that exist), in no particular order. */
  async byIds(ids: number[], tx?: Tx): Promise<Student[]> {
    if (!ids.length) return [];
    return managerOr(tx, this.ds)
      .getRepository(Student)
      .findBy({ id: In([...new Set(ids)]) });
  }

  /**
   * A school's students by exam number, with their class; only the classes of `grade` (and classes with no grade)
   * when one is given.
   */
  async rosterOf(schoolId: number, grade: string | null): Promise<RosterStudent[]> {
    const rows: RosterStudent[] = grade
      ? await this.ds.query(`${ROSTER} WHERE st.school_id = ? AND (c.grade = ? OR c.grade = '') ORDER BY st.exam_no`, [
          schoolId,
          grade,
        ])
      : await this.ds.query(`${ROSTER} WHERE st.school_id = ? ORDER BY st.exam_no`, [schoolId]);
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  }
}
