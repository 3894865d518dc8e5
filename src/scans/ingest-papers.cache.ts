// What ingestion reads about an exam for every page, kept in the process where it cannot change under it.
import { Inject, Injectable } from '@nestjs/common';
import type { Exam } from '../exams/entities/exam.entity.js';
import { PaperStatus, type Paper } from '../exams/entities/paper.entity.js';
import { ExamRepository } from '../exams/exam.repository.js';
import type { SheetLayout } from '../sheets/domain/layout.js';
import { type ItemRow, ScanIngestRepository } from './scan-ingest.repository.js';

export type ExamRef = Pick<Exam, 'id' | 'allianceId'>;
export type PaperRow = Pick<Paper, 'id' | 'subject' | 'version' | 'status' | 'layout'>;

/** Entries kept per map before it is emptied (a long-lived worker sees many exams). */
const MAX_ENTRIES = 1000;

/** The exams, layouts and locked papers' items this process has read, for ingestion. */
@Injectable()
export class IngestPapersCache {
  private readonly exams = new Map<number, ExamRef>();
  private readonly layouts = new Map<number, { hash: string; layout: SheetLayout }>();
  private readonly lockedItems = new Map<number, Map<number, ItemRow>>();

  constructor(
    @Inject(ScanIngestRepository) private readonly repo: ScanIngestRepository,
    @Inject(ExamRepository) private readonly examRows: ExamRepository,
  ) {}

  /** The exam's id and alliance, which never change: looked up once per exam, not per page. */
  async examOf(id: number): Promise<ExamRef> {
    const known = this.exams.get(id);
    if (known) return known;
    const exam = await this.examRows.findById(id);
    if (!exam) throw new Error(`exam ${id} not found`);
    if (this.exams.size >= MAX_ENTRIES) this.exams.clear();
    const ref = { id, allianceId: exam.allianceId };
    this.exams.set(id, ref);
    return ref;
  }

  /**
   * The exam's papers with their layouts parsed. Their rows are read for every page, with each layout's hash (a
   * generated column); a layout's JSON is fetched only when its hash is new here. A layout is the same object as long
   * as its hash is the same: every page of an exam names all its papers, and the scan threads are sent a layout
   * object only once (page-scan.pool.ts). Nothing mutates it.
   */
  async papersOf(examId: number): Promise<PaperRow[]> {
    const rows = await this.repo.papersOfExam(examId);
    const unknown = rows
      .filter((p) => p.layoutHash !== null && this.layouts.get(p.id)?.hash !== p.layoutHash)
      .map((p) => p.id);
    if (unknown.length) {
      if (this.layouts.size + unknown.length > MAX_ENTRIES) this.layouts.clear();
      for (const id of unknown) this.layouts.delete(id);
      // hash and JSON from the same row read: a layout rewritten since the first read is cached as what it now is
      for (const f of await this.repo.layoutsOf(unknown))
        if (f.layout !== null && f.layoutHash !== null)
          this.layouts.set(f.id, { hash: f.layoutHash, layout: JSON.parse(f.layout) as SheetLayout });
    }
    // (a layout rewritten between the two reads is the newer one, whose hash the next page will see; one removed, none)
    return rows.map(({ layoutHash, ...p }) => ({
      ...p,
      layout: layoutHash === null ? null : (this.layouts.get(p.id)?.layout ?? null),
    }));
  }

  /**
   * The items of the paper a page was read as, by id. A locked paper's items never change (a correction is a new
   * version), so they are read once per process; a paper in any other state is read for every page.
   */
  async itemsOf(paper: Pick<PaperRow, 'id' | 'status'>): Promise<Map<number, ItemRow>> {
    const known = paper.status === PaperStatus.Locked ? this.lockedItems.get(paper.id) : undefined;
    if (known) return known;
    const items = new Map((await this.repo.itemsOfPaper(paper.id)).map((i) => [i.id, i]));
    if (paper.status === PaperStatus.Locked) {
      if (this.lockedItems.size >= MAX_ENTRIES) this.lockedItems.clear();
      this.lockedItems.set(paper.id, items);
    }
    return items;
  }
}
