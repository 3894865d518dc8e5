import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In, MoreThan } from 'typeorm';
import { managerOf, managerOr, type Tx } from '../database/unit-of-work.js';
import type { SheetLayout } from '../sheets/domain/layout.js';
import { Paper, type PaperStatus } from './entities/paper.entity.js';

/** What a workflow step changes on a paper besides its status. */
export type PaperReview = Partial<Pick<Paper, 'submittedBy' | 'reviewedBy' | 'reviewComment'>>;

/** The paper table's statements. */
@Injectable()
export class PaperRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  findById(id: number, tx?: Tx): Promise<Paper | null> {
    return managerOr(tx, this.ds).getRepository(Paper).findOneBy({ id });
  }

  /** Every paper of the exam (all versions), by id. `papersOfRecord` (domain/paper-workflow.ts) picks the counted ones. */
  ofExam(examId: number, tx?: Tx): Promise<Paper[]> {
    return managerOr(tx, this.ds)
      .getRepository(Paper)
      .find({ where: { examId }, order: { id: 'ASC' } });
  }

  /** The answer sheet's layout, set when the sheet is generated. */
  async saveLayout(id: number, layout: SheetLayout): Promise<void> {
    await this.ds.getRepository(Paper).update({ id }, { layout });
  }

  /** Whether the exam has a paper of the subject (any version). */
  subjectTaken(examId: number, subject: string): Promise<boolean> {
    return this.ds.getRepository(Paper).existsBy({ examId, subject });
  }

  /** A new paper (a first draft, an imported exam's locked paper, or a new version's copy). */
  create(tx: Tx, paper: Omit<Partial<Paper>, 'id'>): Promise<Paper> {
    return managerOf(tx).getRepository(Paper).save(paper);
  }

  /** The paper, locked for update until the transaction ends (every workflow step starts here). */
  lockForUpdate(tx: Tx, id: number): Promise<Paper | null> {
    return managerOf(tx)
      .getRepository(Paper)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Whether a later version of the paper's subject exists in its exam. */
  hasNewerVersion(tx: Tx, paper: Pick<Paper, 'examId' | 'subject' | 'version'>): Promise<boolean> {
    return managerOf(tx)
      .getRepository(Paper)
      .existsBy({ examId: paper.examId, subject: paper.subject, version: MoreThan(paper.version) });
  }

  async setTitle(tx: Tx, id: number, title: string): Promise<void> {
    await managerOf(tx).getRepository(Paper).update({ id }, { title });
  }

  /** The items were replaced: full marks recomputed, and the sheet layout (laid out from the old items) dropped. */
  async itemsReplaced(tx: Tx, id: number, fullMarks: number): Promise<void> {
    await managerOf(tx).getRepository(Paper).update({ id }, { fullMarks, layout: null });
  }

  /** The status moves on only from `from` (a conditional update): false when someone else moved it first. */
  async transition(tx: Tx, id: number, from: PaperStatus, to: PaperStatus, review: PaperReview): Promise<boolean> {
    const res = await managerOf(tx)
      .getRepository(Paper)
      .update({ id, status: from }, { status: to, ...review });
    return !!res.affected;
  }

  /** The uploaded paper PDF (its blob key and file name). */
  async setDocument(tx: Tx, id: number, documentKey: string, documentName: string): Promise<void> {
    await managerOf(tx).getRepository(Paper).update({ id }, { documentKey, documentName });
  }

  /** The exam's papers' ids and subjects (in the order the database gives them). */
  subjectsOf(tx: Tx, examId: number): Promise<Pick<Paper, 'id' | 'subject'>[]> {
    return managerOf(tx)
      .getRepository(Paper)
      .find({ where: { examId }, select: { id: true, subject: true } });
  }

  async deleteMany(tx: Tx, ids: number[]): Promise<void> {
    if (ids.length)
      await managerOf(tx)
        .getRepository(Paper)
        .delete({ id: In(ids) });
  }

  /**
   * How many pages of the paper have been scanned (scans/' scanned_page): a sheet whose pages were read keeps its
   * layout. A read for the paper's own decision; the count belongs with the scans' page repository when it has one.
   */
  async scannedPageCount(paperId: number): Promise<number> {
    const [row]: { n: number | string }[] = await this.ds.query(
      'SELECT COUNT(*) AS n FROM scanned_page WHERE paper_id = ?',
      [paperId],
    );
    return Number(row.n);
  }
}
