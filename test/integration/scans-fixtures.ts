// A small exam for the scan tests, written straight to the database: alliance, two schools, a roster, one paper of
// 10 items (6 keyed single choices, 4 answer boxes, one box double-marked) with its sheet layout.
import { DataSource } from 'typeorm';
import { Exam, ExamStatus } from '../../src/exams/entities/exam.entity.js';
import { Item, ItemType, MarkingMode } from '../../src/exams/entities/item.entity.js';
import { Paper, PaperStatus } from '../../src/exams/entities/paper.entity.js';
import { SchoolClass } from '../../src/org/entities/school-class.entity.js';
import { Student } from '../../src/org/entities/student.entity.js';
import { buildSheetLayout, type SheetLayout } from '../../src/sheets/domain/layout.js';
import type { SyntheticItem } from '../support/synthetic/synthetic-answers.js';
import { ScanBatch } from '../../src/scans/entities/scan-batch.entity.js';
import { PageStatus, ScannedPage } from '../../src/scans/entities/scanned-page.entity.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { createAlliance, createSchool } from '../support/fixtures.js';

export interface ScanExam {
  allianceId: number;
  schoolA: number;
  schoolB: number;
  exam: Exam;
  paper: Paper;
  items: Item[];
  layout: SheetLayout;
  synthetic: SyntheticItem[];
  studentsA: Student[];
  studentsB: Student[];
}

export async function seedScanExam(
  ds: DataSource,
  opts: { studentsA?: number; studentsB?: number } = {},
): Promise<ScanExam> {
  const alliance = await createAlliance(ds, '城关教联体');
  const schoolA = (await createSchool(ds, alliance.id, '城关一中', 'CG1')).id;
  const schoolB = (await createSchool(ds, alliance.id, '河口中学', 'HK1')).id;
  const classA = await ds.getRepository(SchoolClass).save({ schoolId: schoolA, name: '七(1)班', grade: '七年级' });
  const classB = await ds.getRepository(SchoolClass).save({ schoolId: schoolB, name: '七(1)班', grade: '七年级' });
  const roster = async (schoolId: number, classId: number, prefix: string, n: number) => {
    const out: Student[] = [];
    for (let k = 1; k <= n; k++)
      out.push(
        await ds.getRepository(Student).save({
          allianceId: alliance.id,
          schoolId,
          classId,
          examNo: `${prefix}${String(k).padStart(2, '0')}`,
          name: `学生${prefix}${k}`,
        }),
      );
    return out;
  };
  const studentsA = await roster(schoolA, classA.id, '202501', opts.studentsA ?? 6);
  const studentsB = await roster(schoolB, classB.id, '202502', opts.studentsB ?? 2);

  const exam = await ds
    .getRepository(Exam)
    .save({ allianceId: alliance.id, name: '2025学年七年级期中统考', grade: '七年级', status: ExamStatus.Scanning });
  const keys = ['B', 'D', 'A', 'C', 'C', 'A'];
  const specs: Partial<Item>[] = [
    ...keys.map((k, n) => ({
      label: String(n + 1),
      type: ItemType.SingleChoice,
      maxScore: 3,
      answerKey: k,
      optionCount: 4,
    })),
    { label: '7', type: ItemType.FillIn, maxScore: 4, boxHeightMm: 40 },
    {
      label: '8',
      type: ItemType.Subjective,
      maxScore: 8,
      boxHeightMm: 50,
      markingMode: MarkingMode.Double,
      tolerance: 2,
    },
    { label: '9', type: ItemType.Subjective, maxScore: 10, boxHeightMm: 60 },
    { label: '10', type: ItemType.Subjective, maxScore: 12, boxHeightMm: 70 },
  ];
  const fullMarks = specs.reduce((s, i) => s + (i.maxScore ?? 0), 0);
  const paper = await ds
    .getRepository(Paper)
    .save({ examId: exam.id, subject: '数学', title: '七年级数学', fullMarks, status: PaperStatus.Locked });
  const items: Item[] = [];
  for (const [n, spec] of specs.entries())
    items.push(await ds.getRepository(Item).save({ paperId: paper.id, seq: n + 1, scoreStep: 1, ...spec }));
  const layout = buildSheetLayout({
    examId: exam.id,
    paperId: paper.id,
    title: paper.title,
    subject: paper.subject,
    examNoDigits: 8,
    items: items.map((i) => ({
      id: i.id,
      label: i.label,
      type: i.type,
      maxScore: i.maxScore,
      optionCount: i.optionCount,
      boxHeightMm: i.boxHeightMm,
    })),
  });
  await ds.getRepository(Paper).update({ id: paper.id }, { layout: layout as never });
  paper.layout = layout;
  const synthetic: SyntheticItem[] = items.map((i) => ({
    id: i.id,
    type: i.type,
    maxScore: i.maxScore,
    scoreStep: i.scoreStep,
    answerKey: i.answerKey,
    optionCount: i.optionCount,
  }));
  return { allianceId: alliance.id, schoolA, schoolB, exam, paper, items, layout, synthetic, studentsA, studentsB };
}

/**
 * Stores page images as one uploaded batch of a school, queued for ingestion, the way the upload does (content-
 * addressed blobs, one scanned_page row each), without going through HTTP. Returns the rows in upload order.
 */
export async function storeBatch(
  ds: DataSource,
  blobs: BlobStore,
  at: { examId: number; schoolId: number; uploadedBy: number; label?: string },
  files: { name: string; data: Buffer }[],
  ext = '.png',
): Promise<ScannedPage[]> {
  const batch = await ds.getRepository(ScanBatch).save({
    examId: at.examId,
    schoolId: at.schoolId,
    uploadedBy: at.uploadedBy,
    originalName: at.label ?? 'test',
    pageCount: files.length,
  });
  const out: ScannedPage[] = [];
  for (const f of files) {
    const { key, hash } = await blobs.putContentAddressed('scans', f.data, ext);
    out.push(
      await ds.getRepository(ScannedPage).save({
        examId: at.examId,
        batchId: batch.id,
        schoolId: at.schoolId,
        contentHash: hash,
        blobKey: key,
        originalName: f.name.replace('{batch}', String(batch.id)),
        status: PageStatus.Queued,
      }),
    );
  }
  return out;
}
