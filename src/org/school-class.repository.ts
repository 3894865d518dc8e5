import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SchoolClass } from './entities/school-class.entity.js';
import { School } from './entities/school.entity.js';

/** A class with its number of students on the roster. */
export interface ClassHeadCount {
  id: number;
  name: string;
  grade: string;
  studentCount: number;
}

/** The school_class table's statements. */
@Injectable()
export class SchoolClassRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  findById(id: number): Promise<SchoolClass | null> {
    return this.ds.getRepository(SchoolClass).findOneBy({ id });
  }

  /** The school's classes, by name. */
  ofSchool(schoolId: number): Promise<SchoolClass[]> {
    return this.ds.getRepository(SchoolClass).find({ where: { schoolId }, order: { name: 'ASC' } });
  }

  /** INSERT IGNORE: a concurrent request adding the same class is not an error (idempotent by name). */
  async addIgnoringExisting(schoolId: number, names: string[], grade: string): Promise<void> {
    if (!names.length) return;
    await this.ds
      .getRepository(SchoolClass)
      .createQueryBuilder()
      .insert()
      .into(SchoolClass)
      .values(names.map((name) => ({ schoolId, name, grade })))
      .orIgnore()
      .execute();
  }

  /** The school's classes with head counts (unsorted). */
  async withHeadCounts(schoolId: number): Promise<ClassHeadCount[]> {
    const rows: { id: number; name: string; grade: string; studentCount: string }[] = await this.ds.query(
      'SELECT c.id, c.name, c.grade, COUNT(s.id) AS studentCount FROM school_class c LEFT JOIN student s ON s.class_id = c.id WHERE c.school_id = ? GROUP BY c.id, c.name, c.grade',
      [schoolId],
    );
    return rows.map((r) => ({ id: Number(r.id), name: r.name, grade: r.grade, studentCount: Number(r.studentCount) }));
  }

  /** Every class of the alliance with its school (class id → school id): a teacher grant names one of them. */
  async schoolOfEachClass(allianceId: number): Promise<Map<number, number>> {
    const rows: { id: number; schoolId: number }[] = await this.ds
      .getRepository(SchoolClass)
      .createQueryBuilder('c')
      .innerJoin(School, 's', 's.id = c.schoolId')
      .select('c.id', 'id')
      .addSelect('c.schoolId', 'schoolId')
      .where('s.allianceId = :allianceId', { allianceId })
      .getRawMany();
    return new Map(rows.map((r) => [Number(r.id), Number(r.schoolId)]));
  }

  /** Number of classes per school of the alliance (schools without classes are absent). */
  async countsBySchool(allianceId: number): Promise<Map<number, number>> {
    const rows: { schoolId: number; n: string }[] = await this.ds
      .getRepository(SchoolClass)
      .createQueryBuilder('c')
      .innerJoin(School, 's', 's.id = c.schoolId')
      .select('c.schoolId', 'schoolId')
      .addSelect('COUNT(*)', 'n')
      .where('s.allianceId = :allianceId', { allianceId })
      .groupBy('c.schoolId')
      .getRawMany();
    return new Map(rows.map((r) => [Number(r.schoolId), Number(r.n)]));
  }
}
