// Marking fixtures written straight to the database: an exam with a paper, subjective items, students of
// two schools, one scanned page per student and a real small JPEG snippet per student × item, plus the
// marking tasks scan ingestion would create (round 1, or rounds 1 and 2 for double marking).
import { randomBytes, randomInt } from 'node:crypto';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { Exam, ExamStatus } from '../../src/exams/entities/exam.entity.js';
import { Item, ItemType, MarkingMode, RoundingMode } from '../../src/exams/entities/item.entity.js';
import { Paper, PaperStatus } from '../../src/exams/entities/paper.entity.js';
import { MarkingTask, TaskStatus } from '../../src/marking/entities/marking-task.entity.js';
import { MarkerAssignment } from '../../src/marking/entities/qc.entities.js';
import { SchoolClass } from '../../src/org/entities/school-class.entity.js';
import { Student } from '../../src/org/entities/student.entity.js';
import { AnswerSnippet } from '../../src/scans/entities/answer-snippet.entity.js';
import { ScanBatch } from '../../src/scans/entities/scan-batch.entity.js';
import { PageStatus, ScannedPage } from '../../src/scans/entities/scanned-page.entity.js';
import type { BlobStore } from '../../src/storage/blob-store.js';

export interface ItemSpec {
  label: string;
  mode: MarkingMode;
  maxScore?: number;
  step?: number;
  tolerance?: number;
  rounding?: RoundingMode;
}

export interface SeededExam {
  exam: Exam;
  paper: Paper;
  items: Item[];
  students: Student[];
  /** Snippets by item id, one per student in the order of `students`. */
  snippets: Map<number, AnswerSnippet[]>;
  /** A made-up student and school name per student: must never appear in what a marker receives. */
  studentNames: string[];
}

let seq = 0;

/** A small grey JPEG with some strokes, different per index (so each snippet is its own blob). */
export async function snippetJpeg(i: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="360" height="120"><rect width="360" height="120" fill="white"/>
    <path d="M20 ${60 + (i % 30)} C 80 10, 140 110, ${200 + i} 60" stroke="black" stroke-width="4" fill="none"/>
    <text x="240" y="80" font-size="40" fill="black">${i}</text></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 70 }).toBuffer();
}

export async function seedMarkingExam(
  ds: DataSource,
  blobs: BlobStore,
  opts: {
    allianceId: number;
    schoolIds: number[];
    uploaderId: number;
    subject?: string;
    studentsPerSchool: number;
    items: ItemSpec[];
    markerIds?: number[];
  },
): Promise<SeededExam> {
  const n = ++seq;
  const subject = opts.subject ?? '数学';
  const exam = await ds
    .getRepository(Exam)
    .save({ allianceId: opts.allianceId, name: `期中统考${n}`, grade: '八年级', status: ExamStatus.Marking });
  const paper = await ds
    .getRepository(Paper)
    .save({ examId: exam.id, subject, title: `${subject}试卷${n}`, fullMarks: 100, status: PaperStatus.Locked });
  const items: Item[] = [];
  for (const [i, spec] of opts.items.entries()) {
    items.push(
      await ds.getRepository(Item).save({
        paperId: paper.id,
        seq: i + 1,
        label: spec.label,
        type: ItemType.Subjective,
        maxScore: spec.maxScore ?? 10,
        scoreStep: spec.step ?? 1,
        roundingMode: spec.rounding ?? RoundingMode.HalfUp,
        markingMode: spec.mode,
        tolerance: spec.tolerance ?? 0,
      }),
    );
  }
  const students: Student[] = [];
  const studentNames: string[] = [];
  const pages: ScannedPage[] = [];
  for (const schoolId of opts.schoolIds) {
    const cls = await ds.getRepository(SchoolClass).save({ schoolId, name: `八年级${n}班`, grade: '八年级' });
    const batch = await ds.getRepository(ScanBatch).save({
      examId: exam.id,
      schoolId,
      uploadedBy: opts.uploaderId,
      originalName: 'batch.zip',
      pageCount: opts.studentsPerSchool,
    });
    for (let k = 0; k < opts.studentsPerSchool; k++) {
      const name = `学生甲${n}x${schoolId}x${k}`;
      const st = await ds.getRepository(Student).save({
        allianceId: opts.allianceId,
        schoolId,
        classId: cls.id,
        examNo: `${n}${schoolId}${String(k).padStart(3, '0')}`.slice(0, 20),
        name,
      });
      students.push(st);
      studentNames.push(name);
      pages.push(
        await ds.getRepository(ScannedPage).save({
          examId: exam.id,
          batchId: batch.id,
          schoolId,
          paperId: paper.id,
          contentHash: randomBytes(16).toString('hex'),
          blobKey: `pages/${n}-${st.id}.jpg`,
          status: PageStatus.Processed,
          studentId: st.id,
          pageNo: 1,
        }),
      );
    }
  }
  const snippets = new Map<number, AnswerSnippet[]>();
  for (const item of items) {
    const list: AnswerSnippet[] = [];
    for (const [k, st] of students.entries()) {
      const { key } = await blobs.putContentAddressed('snippets', await snippetJpeg(item.id * 100 + k), '.jpg');
      const sn = await ds.getRepository(AnswerSnippet).save({
        examId: exam.id,
        pageId: pages[k].id,
        studentId: st.id,
        itemId: item.id,
        blobKey: key,
        token: randomBytes(12).toString('hex'),
      });
      list.push(sn);
      const rounds = item.markingMode === MarkingMode.Single ? [1] : [1, 2];
      for (const round of rounds) {
        await ds.getRepository(MarkingTask).save({
          examId: exam.id,
          itemId: item.id,
          snippetId: sn.id,
          round,
          status: TaskStatus.Pending,
          shuffleKey: randomInt(0, 1_000_000),
        });
      }
    }
    snippets.set(item.id, list);
  }
  // 题块: the markers named are assigned every item (a marker with no assignment gets nothing).
  if (opts.markerIds?.length)
    await assignMarkers(
      ds,
      items.map((i) => i.id),
      opts.markerIds,
    );
  return { exam, paper, items, students, snippets, studentNames };
}

/** Assigns each marker to each item, as the subject lead's 题块 page would. */
export async function assignMarkers(ds: DataSource, itemIds: number[], markerIds: number[]): Promise<void> {
  const rows = itemIds.flatMap((itemId) => markerIds.map((markerId) => ({ itemId, markerId })));
  if (rows.length) await ds.getRepository(MarkerAssignment).upsert(rows, ['itemId', 'markerId']);
}
