import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { managerOf, managerOr, type Tx } from '../database/unit-of-work.js';
import { Exam } from './entities/exam.entity.js';

/** The exam table's statements. */
@Injectable()
export class ExamRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

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
}
