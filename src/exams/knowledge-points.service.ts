import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { Actor, assertScope } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { type Tx, UnitOfWork } from '../database/unit-of-work.js';
import { OrgAccess } from '../org/org-access.js';
import { buildTree, leafName, pathPrefixes, resolveKnowledgePoints } from './domain/knowledge-tree.js';
import { KP_SEPARATOR, normaliseKnowledgePath, type ValidItem } from './domain/paper-validation.js';
import type { ItemKnowledge } from './item.repository.js';
import { KnowledgePointRepository } from './knowledge-point.repository.js';

export interface ResolvedKnowledge extends ItemKnowledge {
  errors: { index: number; message: string }[];
}

/** The knowledge-point tree (知识点) of each subject in an alliance, and resolving what items name against it. */
@Injectable()
export class KnowledgePointsService {
  constructor(
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(KnowledgePointRepository) private readonly nodes: KnowledgePointRepository,
    @Inject(OrgAccess) private readonly org: OrgAccess,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
  ) {}

  async tree(actor: Actor, allianceId: number, subject: unknown) {
    assertScope(actor.belongsTo(allianceId), '无权查看该联盟的知识点');
    const s = typeof subject === 'string' ? subject.trim() : '';
    if (!s) throw new BadRequestException('请指定学科（subject）');
    return buildTree(await this.nodes.ofSubject(allianceId, s));
  }

  /** Adds the paths (and their ancestors) that are not in the tree yet; idempotent. */
  async addPaths(actor: Actor, allianceId: number, body: { subject?: unknown; paths?: unknown }) {
    const subject = typeof body?.subject === 'string' ? body.subject.trim() : '';
    if (!subject || subject.length > 40) throw new BadRequestException('学科不能为空，最多 40 个字');
    assertScope(
      actor.isSubjectLeadOf(allianceId, subject),
      `只有“${subject}”学科组长或联盟管理员可以维护该学科的知识点`,
    );
    await this.org.alliance(allianceId);
    const raw = Array.isArray(body.paths) ? body.paths : [];
    if (!raw.length || raw.length > 2000) throw new BadRequestException('请提供 1–2000 条知识点路径（paths）');
    const errors: string[] = [];
    const paths = raw.map((p, i) => {
      const n = typeof p === 'string' ? normaliseKnowledgePath(p) : null;
      if (!n) errors.push(`第${i + 1}条：知识点路径“${String(p)}”格式有误（每级 1–60 个字，用 / 分隔）`);
      return n;
    });
    if (errors.length) throw new BadRequestException({ statusCode: 400, message: errors.join('；'), errors });
    const added = await this.uow.runOrm(async (tx) => {
      const toCreate = [...new Set((paths as string[]).flatMap(pathPrefixes))];
      const n = await this.createPaths(tx, allianceId, subject, toCreate);
      if (n)
        await this.audit.record(
          {
            userId: actor.userId,
            action: 'create',
            entity: 'knowledge_point',
            entityId: null,
            detail: { allianceId, subject, added: n },
          },
          tx,
        );
      return n;
    });
    return { added, tree: buildTree(await this.nodes.ofSubject(allianceId, subject)) };
  }

  /** Inserts missing paths shortest first (each parent exists before its children); concurrent writers are fine. */
  private async createPaths(tx: Tx, allianceId: number, subject: string, paths: string[]): Promise<number> {
    const byPath = new Map((await this.nodes.ofSubject(allianceId, subject, tx)).map((n) => [n.path, n]));
    let added = 0;
    const ordered = [...paths].sort((a, b) => a.split(KP_SEPARATOR).length - b.split(KP_SEPARATOR).length);
    for (const path of ordered) {
      if (byPath.has(path)) continue;
      const cut = path.lastIndexOf(KP_SEPARATOR);
      const parentId = cut < 0 ? null : byPath.get(path.slice(0, cut))!.id;
      if (await this.nodes.addIgnoringExisting(tx, { allianceId, subject, parentId, name: leafName(path), path }))
        added++;
      byPath.set(path, await this.nodes.lockPath(tx, allianceId, subject, path));
    }
    return added;
  }

  /** Resolves each item's knowledge points to tree nodes, growing the tree with new paths. Call inside the write's transaction. */
  async resolveForItems(
    tx: Tx,
    allianceId: number,
    subject: string,
    items: Pick<ValidItem, 'knowledgePoints'>[],
  ): Promise<ResolvedKnowledge> {
    const tree = await this.nodes.ofSubject(allianceId, subject, tx);
    const r = resolveKnowledgePoints(
      items.map((i) => i.knowledgePoints),
      tree,
    );
    if (r.errors.length) return { errors: r.errors, names: [], ids: [] };
    await this.createPaths(tx, allianceId, subject, r.toCreate);
    const byPath = new Map((await this.nodes.ofSubject(allianceId, subject, tx)).map((n) => [n.path, n.id]));
    return {
      errors: [],
      names: r.paths.map((ps) => (ps ? [...new Set(ps.map(leafName))] : null)),
      ids: r.paths.map((ps) => (ps ? ps.map((p) => byPath.get(p)!) : null)),
    };
  }

  /** Full paths of nodes by id (for export). */
  pathsById(ids: number[]): Promise<Map<number, string>> {
    return this.nodes.pathsById(ids);
  }
}
