import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Role } from '../auth/entities/user-role.entity.js';
import { assertScope, type Actor } from '../common/actor.js';
import { Exam } from '../exams/entities/exam.entity.js';
import { Item } from '../exams/entities/item.entity.js';
import { Paper } from '../exams/entities/paper.entity.js';
import { ScannedPage } from '../scans/entities/scanned-page.entity.js';
import { buildSheetLayout, type SheetLayout } from './domain/layout.js';
import type { GenerateSheetBody } from './dto/sheets.dto.js';
import { SheetPdf } from './sheet-pdf.js';

const PDF_ROLES: readonly Role[] = [Role.Admin, Role.SubjectLead, Role.Scanner, Role.Principal];

@Injectable()
export class SheetsService {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(SheetPdf) private readonly pdf: SheetPdf,
  ) {}

  /** Lays out the paper's answer sheet from its items (in seq order) and stores the layout on the paper. */
  async generateSheet(actor: Actor, paperId: number, body: GenerateSheetBody = {}): Promise<SheetLayout> {
    const { paper, exam } = await this.load(paperId);
    assertScope(actor.isSubjectLeadOf(exam.allianceId, paper.subject), '只有本联盟管理员或本学科组长可以生成该科答题卡');
    const digits = body?.examNoDigits ?? 8;
    if (!Number.isInteger(digits) || digits < 4 || digits > 12) throw new BadRequestException('考号位数应为 4–12 之间的整数');

    const items = await this.ds.getRepository(Item).find({ where: { paperId }, order: { seq: 'ASC' } });
    if (!items.length) throw new BadRequestException('该试卷还没有题目，请先录入题目再生成答题卡');
    let layout: SheetLayout;
    try {
      layout = buildSheetLayout({
        examId: exam.id,
        paperId: paper.id,
        title: paper.title,
        subject: paper.subject,
        examNoDigits: digits,
        items: items.map((i) => ({ id: i.id, label: i.label, type: i.type, maxScore: i.maxScore, optionCount: i.optionCount, boxHeightMm: i.boxHeightMm })),
      });
    } catch (e) {
      throw new BadRequestException(`无法生成答题卡：${(e as Error).message}`);
    }

    // Pages already read were located with the stored layout; moving any coordinate now would misread them.
    if (paper.layout && JSON.stringify(paper.layout) !== JSON.stringify(layout)) {
      const scanned = await this.ds.getRepository(ScannedPage).count({ where: { paperId } });
      if (scanned > 0) throw new BadRequestException(`该科已有 ${scanned} 张答题卡扫描入库，不能再更改答题卡版式`);
    }
    await this.ds.getRepository(Paper).update({ id: paper.id }, { layout });
    return layout;
  }

  /** The printable PDF of the stored layout. */
  async sheetPdf(actor: Actor, paperId: number): Promise<{ data: Buffer; fileName: string }> {
    const { paper, exam } = await this.load(paperId);
    assertScope(actor.grants.some((g) => g.allianceId === exam.allianceId && PDF_ROLES.includes(g.role)), '无权下载该答题卡');
    if (!paper.layout) throw new NotFoundException('该试卷尚未生成答题卡');
    return { data: await this.pdf.render(paper.layout), fileName: `${paper.title}-${paper.subject}-答题卡.pdf` };
  }

  private async load(paperId: number): Promise<{ paper: Paper; exam: Exam }> {
    const paper = await this.ds.getRepository(Paper).findOne({ where: { id: paperId } });
    if (!paper) throw new NotFoundException('试卷不存在');
    const exam = await this.ds.getRepository(Exam).findOne({ where: { id: paper.examId } });
    if (!exam) throw new NotFoundException('考试不存在');
    return { paper, exam };
  }
}
