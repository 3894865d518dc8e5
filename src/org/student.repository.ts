import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { managerOf, managerOr, type Tx } from '../database/unit-of-work.js';
import { Student } from './entities/student.entity.js';

/** Exam numbers per lookup, and rows per multi-row INSERT. */
const CHUNK = 500;

/** A student as spreadsheets name one: by exam number (unique in the alliance). */
export type StudentByExamNo = Pick<Student, 'id' | 'examNo' | 'name' | 'schoolId'>;

/** A row of a school's student list. */
export interface StudentListing {
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

  /** The alliance's students among these exam numbers (only what a file mentions is looked up, in chunks). */
  async findByExamNos(allianceId: number, examNos: string[]): Promise<StudentByExamNo[]> {
    const found: StudentByExamNo[] = [];
    for (let i = 0; i < examNos.length; i += CHUNK) {
      found.push(
        ...(await this.ds.getRepository(Student).find({
          where: { allianceId, examNo: In(examNos.slice(i, i + CHUNK)) },
          select: { id: true, examNo: true, name: true, schoolId: true },
        })),
      );
    }
    return found;
  }

  /** The most common length of the alliance's exam numbers, null when it has no students yet. */
  async commonExamNoLength(allianceId: number): Promise<number | null> {
    const [row]: { len: number | string }[] = await this.ds.query(
      'SELECT CHAR_LENGTH(exam_no) AS len, COUNT(*) AS n FROM student WHERE alliance_id = ? GROUP BY CHAR_LENGTH(exam_no) ORDER BY n DESC LIMIT 1',
      [allianceId],
    );
    return row ? Number(row.len) : null;
  }

  /** A roster's students, in chunks, in the caller's transaction (all or nothing). */
  async insertMany(tx: Tx, students: Omit<Student, 'id'>[]): Promise<void> {
    const repo = managerOf(tx).getRepository(Student);
    for (let i = 0; i < students.length; i += CHUNK) await repo.insert(students.slice(i, i + CHUNK));
  }

  /** The school's students with their class names (unsorted). */
  async listOfSchool(schoolId: number): Promise<StudentListing[]> {
    const rows: StudentListing[] = await this.ds.query(
      'SELECT s.id, s.exam_no AS examNo, s.name, c.name AS className FROM student s JOIN school_class c ON c.id = s.class_id WHERE s.school_id = ?',
      [schoolId],
    );
    return rows.map((r) => ({ id: Number(r.id), examNo: r.examNo, name: r.name, className: r.className }));
  }

  /** The students of these classes of the school. */
  ofClasses(schoolId: number, classIds: number[]): Promise<Student[]> {
    if (!classIds.length) return Promise.resolve([]);
    return this.ds
      .getRepository(Student)
      .createQueryBuilder('s')
      .where('s.schoolId = :schoolId AND s.classId IN (:...classIds)', { schoolId, classIds })
      .getMany();
  }

  findById(id: number, tx?: Tx): Promise<Student | null> {
    return managerOr(tx, this.ds).getRepository(Student).findOneBy({ id });
  }

  /** The student with this exam number (考号) in the alliance, if any (scans: a fix naming the student). */
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
   * The school's students by exam number, with their class; only the classes of `grade` (and classes with no grade)
   * when one is given (scans: the roster a scanner works from).
   */
  async rosterOf(schoolId: number, grade: string | null): Promise<StudentListing[]> {
    const rows: StudentListing[] = grade
      ? await this.ds.query(`${ROSTER} WHERE st.school_id = ? AND (c.grade = ? OR c.grade = '') ORDER BY st.exam_no`, [
          schoolId,
          grade,
        ])
      : await this.ds.query(`${ROSTER} WHERE st.school_id = ? ORDER BY st.exam_no`, [schoolId]);
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  }

  /** Number of students per school of the alliance (schools without students are absent). */
  async countsBySchool(allianceId: number): Promise<Map<number, number>> {
    const rows: { schoolId: number; n: string }[] = await this.ds
      .getRepository(Student)
      .createQueryBuilder('s')
      .select('s.schoolId', 'schoolId')
      .addSelect('COUNT(*)', 'n')
      .where('s.allianceId = :allianceId', { allianceId })
      .groupBy('s.schoolId')
      .getRawMany();
    return new Map(rows.map((r) => [Number(r.schoolId), Number(r.n)]));
  }

  /** The school's students as a roster compares them: exam number, name, class. */
  async ofSchool(schoolId: number, tx?: Tx): Promise<Pick<Student, 'id' | 'examNo' | 'name' | 'classId'>[]> {
    return managerOr(tx, this.ds)
      .getRepository(Student)
      .find({ where: { schoolId }, select: { id: true, examNo: true, name: true, classId: true } });
  }

  /** New names and classes of existing students, in the caller's transaction. */
  async updateMany(tx: Tx, changes: Pick<Student, 'id' | 'name' | 'classId'>[]): Promise<void> {
    const repo = managerOf(tx).getRepository(Student);
    for (const c of changes) await repo.update({ id: c.id }, { name: c.name, classId: c.classId });
  }

  /**
   * Deletes these students of the school, in the caller's transaction. A student whom a sheet, an absence or a score
   * names cannot go: the foreign keys (ON DELETE RESTRICT) refuse it, and the transaction with it.
   */
  async deleteMany(tx: Tx, schoolId: number, ids: number[]): Promise<void> {
    const repo = managerOf(tx).getRepository(Student);
    for (let i = 0; i < ids.length; i += CHUNK) await repo.delete({ schoolId, id: In(ids.slice(i, i + CHUNK)) });
  }
}
