import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, assertScope } from '../common/actor.js';
import { AuditLog } from '../common/entities/audit-log.entity.js';
import { OrgAccess } from '../org/org-access.js';
import { buildTree, leafName, pathPrefixes, resolveKnowledgePoints } from './domain/knowledge-tree.js';
import { KP_SEPARATOR, normaliseKnowledgePath, type ValidItem } from './domain/paper-validation.js';
import { KnowledgePoint } from './entities/knowledge-point.entity.js';

export interface ResolvedKnowledge {
  errors: { index: number; message: string }[];
  /** Per item: leaf names (what results and reports show) and node ids. */
  names: (string[] | null)[];
  ids: (number[] | null)[];
}

/** The knowledge-point tree (知识点) of each subject in an alliance, and resolving what items name against it. */
@Injectable()
export class KnowledgePointsService {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(OrgAccess) private readonly org: OrgAccess,
  ) {}

  private nodes(m: EntityManager, allianceId: number, subject: string) {
    return m.getRepository(KnowledgePoint).find({ where: { allianceId, subject }, order: { path: 'ASC' } });
  }

  async tree(actor: Actor, allianceId: number, subject: unknown) {
    assertScope(actor.belongsTo(allianceId), '无权查看该联盟的知识点');
    const s = typeof subject === 'string' ? subject.trim() : '';
    if (!s) throw new BadRequestException('请指定学科（subject）');
    return buildTree(await this.nodes(this.ds.manager, allianceId, s));
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
    const added = await this.ds.transaction(async (m) => {
      const toCreate = [...new Set((paths as string[]).flatMap(pathPrefixes))];
      const n = await this.createPaths(m, allianceId, subject, toCreate);
      if (n)
        await m.getRepository(AuditLog).insert({
          userId: actor.userId,
          action: 'create',
          entity: 'knowledge_point',
          entityId: null,
          detail: { allianceId, subject, added: n },
        });
      return n;
    });
    return { added, tree: buildTree(await this.nodes(this.ds.manager, allianceId, subject)) };
  }

  /** Inserts missing paths shortest first (each parent exists before its children); concurrent writers are fine. */
  private async createPaths(m: EntityManager, allianceId: number, subject: string, paths: string[]): Promise<number> {
    const byPath = new Map((await this.nodes(m, allianceId, subject)).map((n) => [n.path, n]));
    let added = 0;
    const ordered = [...paths].sort((a, b) => a.split(KP_SEPARATOR).length - b.split(KP_SEPARATOR).length);
    for (const path of ordered) {
      if (byPath.has(path)) continue;
      const cut = path.lastIndexOf(KP_SEPARATOR);
      const parentId = cut < 0 ? null : byPath.get(path.slice(0, cut))!.id;
      const res = await m
        .createQueryBuilder()
        .insert()
        .into(KnowledgePoint)
        .values({ allianceId, subject, parentId, name: leafName(path), path })
        .orIgnore()
        .updateEntity(false)
        .execute();
      if (res.raw?.affectedRows) added++;
      // A locking read (FOR UPDATE: MariaDB has no FOR SHARE) sees a row another transaction committed meanwhile.
      byPath.set(
        path,
        await m
          .getRepository(KnowledgePoint)
          .findOneOrFail({ where: { allianceId, subject, path }, lock: { mode: 'pessimistic_write' } }),
      );
    }
    return added;
  }

  /** Resolves each item's knowledge points to tree nodes, growing the tree with new paths. Call inside the write's transaction. */
  async resolveForItems(
    m: EntityManager,
    allianceId: number,
    subject: string,
    items: Pick<ValidItem, 'knowledgePoints'>[],
  ): Promise<ResolvedKnowledge> {
    const tree = await this.nodes(m, allianceId, subject);
    const r = resolveKnowledgePoints(
      items.map((i) => i.knowledgePoints),
      tree,
    );
    if (r.errors.length) return { errors: r.errors, names: [], ids: [] };
    await this.createPaths(m, allianceId, subject, r.toCreate);
    const byPath = new Map((await this.nodes(m, allianceId, subject)).map((n) => [n.path, n.id]));
    return {
      errors: [],
      names: r.paths.map((ps) => (ps ? [...new Set(ps.map(leafName))] : null)),
      ids: r.paths.map((ps) => (ps ? ps.map((p) => byPath.get(p)!) : null)),
    };
  }

  /** Full paths of nodes by id (for export). */
  async pathsById(ids: number[]): Promise<Map<number, string>> {
    if (!ids.length) return new Map();
    const rows = await this.ds
      .getRepository(KnowledgePoint)
      .createQueryBuilder('k')
      .where('k.id IN (:...ids)', { ids: [...new Set(ids)] })
      .getMany();
    return new Map(rows.map((r) => [r.id, r.path]));
  }
}
