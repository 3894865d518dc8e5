import { BadRequestException, ConflictException, Inject, Injectable } from '@nestjs/common';
import { Actor } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { type Tx, UnitOfWork } from '../database/unit-of-work.js';
import type { Cell } from '../exams/domain/blueprint.js';
import { OrgAccess } from '../org/org-access.js';
import { planImport, type CanWrite, type ImportPlan } from './domain/import-plan.js';
import { assertCanRead, canWrite } from './suggestion-scope.js';
import { readSuggestionRows, suggestionsXlsx, type UploadedSheetFile } from './suggestion-workbook.js';
import { SuggestionRepository } from './suggestion.repository.js';

/** What an import planned (preview) or did (applied). */
export interface ImportOutcome extends ImportPlan {
  applied: boolean;
  /** The library's version the plan was made against: confirming sends it back. */
  libraryVersion: number;
}

const chinaDateTime = (d: Date) =>
  new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
    .format(d)
    .replace(/\//g, '-');

/** The library as a workbook: import (checked, previewed, then confirmed) and export. */
@Injectable()
export class SuggestionImportService {
  constructor(
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(SuggestionRepository) private readonly suggestions: SuggestionRepository,
    @Inject(OrgAccess) private readonly org: OrgAccess,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
  ) {}

  /**
   * Checks the workbook: every bad row → 400 with the list, nothing stored. Without `confirm` it answers the plan; with
   * `confirm` and the libraryVersion the plan was shown against, it applies the plan, or 409 when the library changed.
   */
  async importFile(
    actor: Actor,
    allianceId: number,
    file: UploadedSheetFile | undefined,
    body: { confirm?: unknown; libraryVersion?: unknown },
  ): Promise<ImportOutcome> {
    assertCanRead(actor, allianceId);
    await this.org.alliance(allianceId);
    const rows = await readSuggestionRows(file);
    const confirm = body?.confirm === true || body?.confirm === 'true' || body?.confirm === '1';
    const expected = confirm ? Number(body.libraryVersion) : null;
    if (confirm && !Number.isInteger(expected)) throw new BadRequestException('确认导入时请提供核对时的建议库版本');
    const outcome = await this.importRows(actor.userId, allianceId, rows, (s) => canWrite(actor, allianceId, s), {
      apply: confirm,
      expectedVersion: expected,
    });
    return outcome;
  }

  /**
   * The rows' plan against the library as it stands, applied when asked, in one transaction with the alliance's
   * suggestions locked. Also the seed library's way in (seed-library.ts).
   */
  async importRows(
    authorId: number,
    allianceId: number,
    rows: Cell[][],
    may: CanWrite,
    opts: { apply: boolean; expectedVersion: number | null },
  ): Promise<ImportOutcome> {
    return this.uow.runOrm(async (tx) => {
      if (opts.apply) await this.suggestions.lockAlliance(tx, allianceId);
      const libraryVersion = await this.suggestions.libraryVersion(allianceId, tx);
      const r = planImport(rows, await this.suggestions.currentSuggestions(allianceId, tx), may);
      if (!r.plan)
        throw new BadRequestException({
          statusCode: 400,
          message: `建议库文件有${r.errors.length}处错误，未导入任何内容：${r.errors.join('；')}`,
          errors: r.errors,
        });
      if (!opts.apply) return { ...r.plan, applied: false, libraryVersion };
      if (opts.expectedVersion !== null && opts.expectedVersion !== libraryVersion)
        throw new ConflictException('建议库在您核对之后已被他人修改，请重新上传核对');
      await this.apply(tx, authorId, allianceId, r.plan);
      return { ...r.plan, applied: true, libraryVersion: await this.suggestions.libraryVersion(allianceId, tx) };
    });
  }

  private async apply(tx: Tx, authorId: number, allianceId: number, plan: ImportPlan): Promise<void> {
    for (const a of plan.added) await this.suggestions.create(tx, allianceId, a.fields, authorId);
    for (const u of plan.updated)
      await this.suggestions.addVersion(tx, u.id, u.baseVersion + 1, u.fields, false, authorId);
    for (const x of plan.retired)
      await this.suggestions.addVersion(tx, x.id, x.baseVersion + 1, x.fields, true, authorId);
    const detail = {
      added: plan.added.length,
      updated: plan.updated.length,
      retired: plan.retired.length,
      unchanged: plan.unchanged,
    };
    await this.audit.record(
      { userId: authorId, action: 'import', entity: 'suggestion', entityId: String(allianceId), detail },
      tx,
    );
  }

  /** The alliance's library (optionally one subject; '通用' for the generic ones) as an .xlsx. */
  async exportFile(actor: Actor, allianceId: number, subject: string | undefined) {
    assertCanRead(actor, allianceId);
    const alliance = await this.org.alliance(allianceId);
    const s = subject?.trim();
    const rows = await this.suggestions.list(allianceId, s ? [s === '通用' ? null : s] : undefined);
    const data = await suggestionsXlsx(rows, chinaDateTime);
    return { data, fileName: `${alliance.name}-补短板建议库${s ? `-${s}` : ''}.xlsx` };
  }
}
