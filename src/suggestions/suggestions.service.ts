import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Actor } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import { OrgAccess } from '../org/org-access.js';
import { FINDING_KINDS } from './domain/kinds.js';
import { sameFields, validateFields, type SuggestionFields } from './domain/suggestion-fields.js';
import type { SuggestionBody, SuggestionView } from './dto/suggestion.dto.js';
import { assertCanRead, assertCanWrite, canWrite } from './suggestion-scope.js';
import { SuggestionRepository } from './suggestion.repository.js';

const fieldsOf = (s: SuggestionFields): SuggestionFields => ({
  subject: s.subject,
  kind: s.kind,
  knowledgePoint: s.knowledgePoint,
  cognitiveLevel: s.cognitiveLevel,
  text: s.text,
});

function validOrThrow(body: SuggestionBody): SuggestionFields {
  const { fields, errors } = validateFields(body ?? {});
  if (!fields) throw new BadRequestException({ statusCode: 400, message: errors.join('；'), errors });
  return fields;
}

/** The library by hand: list, add, edit, retire, restore, history. Every change is a new version. */
@Injectable()
export class SuggestionsService {
  constructor(
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(SuggestionRepository) private readonly suggestions: SuggestionRepository,
    @Inject(OrgAccess) private readonly org: OrgAccess,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
  ) {}

  /** The alliance's library, filtered by subject ('通用': the generic ones) and knowledge point (a part of its path). */
  async list(actor: Actor, allianceId: number, q: { subject?: string; knowledgePoint?: string }) {
    assertCanRead(actor, allianceId);
    await this.org.alliance(allianceId);
    const subject = q.subject?.trim();
    const kp = q.knowledgePoint?.trim();
    let rows = await this.suggestions.list(allianceId, subject ? [subject === '通用' ? null : subject] : undefined);
    if (kp) rows = rows.filter((r) => r.knowledgePoint?.includes(kp));
    return {
      suggestions: rows.map((r) => ({ ...r, canEdit: canWrite(actor, allianceId, r.subject) })),
      kinds: Object.entries(FINDING_KINDS).map(([code, name]) => ({ code, name })),
      libraryVersion: await this.suggestions.libraryVersion(allianceId),
    };
  }

  async add(actor: Actor, allianceId: number, body: SuggestionBody): Promise<SuggestionView> {
    assertCanRead(actor, allianceId);
    const fields = validOrThrow(body);
    assertCanWrite(actor, allianceId, fields.subject);
    await this.org.alliance(allianceId);
    const id = await this.uow.runOrm(async (tx) => {
      const id = await this.suggestions.create(tx, allianceId, fields, actor.userId);
      await this.audit.record(
        { userId: actor.userId, action: 'create', entity: 'suggestion', entityId: String(id), detail: fields },
        tx,
      );
      return id;
    });
    return (await this.suggestions.findOne(id))!;
  }

  /** A suggestion in the actor's reach (read), or 404. */
  private async visible(actor: Actor, id: number) {
    const s = await this.suggestions.findOne(id);
    if (!s || !actor.belongsTo(s.allianceId)) throw new NotFoundException('建议不存在');
    assertCanRead(actor, s.allianceId);
    return s;
  }

  async edit(actor: Actor, id: number, body: SuggestionBody): Promise<SuggestionView> {
    const s = await this.visible(actor, id);
    assertCanWrite(actor, s.allianceId, s.subject);
    // A partial edit: a field the body leaves out keeps its current value (null or '' clears it).
    const given = Object.fromEntries(Object.entries(body ?? {}).filter(([, v]) => v !== undefined));
    const fields = validOrThrow({ ...fieldsOf(s), ...given });
    if (fields.subject !== s.subject)
      throw new BadRequestException(`建议的学科不能修改（现为“${s.subject ?? '通用'}”），请新增一条`);
    return this.change(actor, id, body?.baseVersion, (current) =>
      sameFields(current, fields) && !current.retired ? null : { fields, retired: false, action: 'update' },
    );
  }

  async setRetired(actor: Actor, id: number, retired: boolean, baseVersion: unknown): Promise<SuggestionView> {
    const s = await this.visible(actor, id);
    assertCanWrite(actor, s.allianceId, s.subject);
    return this.change(actor, id, baseVersion, (current) =>
      current.retired === retired
        ? null
        : { fields: fieldsOf(current), retired, action: retired ? 'retire' : 'restore' },
    );
  }

  /** A new version decided from the current one under a lock; none when `decide` says nothing changes. */
  private async change(
    actor: Actor,
    id: number,
    baseVersion: unknown,
    decide: (current: SuggestionView) => { fields: SuggestionFields; retired: boolean; action: string } | null,
  ): Promise<SuggestionView> {
    await this.uow.runOrm(async (tx) => {
      await this.suggestions.lockOne(tx, id);
      const current = (await this.suggestions.findOne(id, tx))!;
      if (baseVersion !== undefined && baseVersion !== null && Number(baseVersion) !== current.version)
        throw new ConflictException(`该建议已被他人修改（现为第${current.version}版），请刷新后再改`);
      const next = decide(current);
      if (!next) return;
      const version = current.version + 1;
      const versionId = await this.suggestions.addVersion(tx, id, version, next.fields, next.retired, actor.userId);
      await this.audit.record(
        {
          userId: actor.userId,
          action: next.action,
          entity: 'suggestion',
          entityId: String(id),
          detail: { version, versionId },
        },
        tx,
      );
    });
    return (await this.suggestions.findOne(id))!;
  }

  async history(actor: Actor, id: number): Promise<SuggestionView[]> {
    await this.visible(actor, id);
    return this.suggestions.history(id);
  }
}
