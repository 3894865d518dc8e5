import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { managerOf, managerOr, type Tx } from '../database/unit-of-work.js';
import { Exam } from './entities/exam.entity.js';

/** The fields an exam is created with (the rest take their defaults). */
export type NewExam = Pick<Exam, 'allianceId' | 'name'> &
  Partial<
    Pick<
      Exam,
      | 'grade'
      | 'gradeYear'
      | 'kind'
      | 'gradeBandCutoffs'
      | 'examDate'
      | 'status'
      | 'excellentRatio'
      | 'passRatio'
      | 'lowRatio'
      | 'releaseAt'
      | 'priorExamId'
      | 'importHash'
      | 'statedReliability'
      | 'statedReliabilitySource'
    >
  >;

/** The exam table's statements. */
@Injectable()
export class ExamRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /** These exams (those that exist), in no particular order. */
  findByIds(ids: number[]): Promise<Exam[]> {
    return ids.length ? this.ds.getRepository(Exam).findBy({ id: In(ids) }) : Promise.resolve([]);
  }

  findById(id: number, tx?: Tx): Promise<Exam | null> {
    return managerOr(tx, this.ds).getRepository(Exam).findOneBy({ id });
  }

  /**
   * Whether the exam exists, holding it (shared lock) until the transaction ends: an exam being linked as another's
   * prior exam cannot be deleted meanwhile (deleting takes the exclusive lock and then looks for links).
   */
  async holdShared(tx: Tx, id: number): Promise<boolean> {
    const rows: unknown[] = await managerOf(tx).query('SELECT id FROM exam WHERE id = ? LOCK IN SHARE MODE', [id]);
    return rows.length > 0;
  }

  /** The 纵看 settings of an exam: its prior exam and its 提升系数 formula. */
  async updateLongitudinal(
    tx: Tx,
    id: number,
    patch: Partial<Pick<Exam, 'priorExamId' | 'improvementFormula'>>,
  ): Promise<void> {
    await managerOf(tx).getRepository(Exam).update({ id }, patch);
  }

  create(tx: Tx, exam: NewExam): Promise<Exam> {
    return managerOf(tx).getRepository(Exam).save(exam);
  }

  /** The alliance's exams, newest first. */
  ofAlliance(allianceId: number): Promise<Exam[]> {
    return this.ds.getRepository(Exam).find({ where: { allianceId }, order: { id: 'DESC' } });
  }

  /** When the exam's paper PDFs stop being confidential (null: not released). */
  async setReleaseAt(id: number, releaseAt: Date | null): Promise<void> {
    await this.ds.getRepository(Exam).update({ id }, { releaseAt });
  }

  /** The exam's own retention period for scans and snippets (null: the installation's default). */
  async setScanRetentionDays(id: number, days: number | null): Promise<void> {
    await this.ds.getRepository(Exam).update({ id }, { scanRetentionDays: days });
  }

  /** The alliance's exam imported from results with this fingerprint (历史成绩导入), if any. */
  findImported(allianceId: number, importHash: string): Promise<Exam | null> {
    return this.ds.getRepository(Exam).findOneBy({ allianceId, importHash });
  }

  /** Locks the exam (exclusive) until the transaction ends: no exam can be linked to it meanwhile. */
  async lockExclusive(tx: Tx, id: number): Promise<void> {
    await managerOf(tx)
      .getRepository(Exam)
      .createQueryBuilder('e')
      .setLock('pessimistic_write')
      .where('e.id = :id', { id })
      .getOne();
  }

  /** The exams that name this one as their prior exam (纵看), by id. */
  linkedAsPrior(tx: Tx, id: number): Promise<Pick<Exam, 'id' | 'name'>[]> {
    return managerOf(tx)
      .getRepository(Exam)
      .find({ where: { priorExamId: id }, select: { id: true, name: true }, order: { id: 'ASC' } });
  }

  async delete(tx: Tx, id: number): Promise<void> {
    await managerOf(tx).getRepository(Exam).delete({ id });
  }
}
