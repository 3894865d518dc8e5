// Request bodies of marking set-up (题块, per-item rules, the trial pass rule). Chinese messages.
import { BadRequestException } from '@nestjs/common';
import type { MarkingModeName } from '../domain/marking-rounds.js';
import { ReferenceKind } from '../entities/qc.entities.js';

const obj = (body: unknown) =>
  (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;

function ids(v: unknown, label: string, max: number): number[] {
  if (!Array.isArray(v)) throw new BadRequestException(`请提供${label}列表`);
  if (v.length > max) throw new BadRequestException(`${label}最多 ${max} 个`);
  for (const id of v)
    if (typeof id !== 'number' || !Number.isInteger(id) || id <= 0) throw new BadRequestException(`${label}格式不正确`);
  return [...new Set(v as number[])];
}

function name(v: unknown): string {
  if (typeof v !== 'string' || !v.trim()) throw new BadRequestException('请填写题块名称');
  const n = v.trim();
  if (n.length > 40) throw new BadRequestException('题块名称最多 40 个字');
  return n;
}

export interface BlockBody {
  examId: number;
  name: string;
  itemIds: number[];
}

export function parseNewBlock(body: unknown): BlockBody {
  const b = obj(body);
  if (typeof b.examId !== 'number' || !Number.isInteger(b.examId) || b.examId <= 0)
    throw new BadRequestException('请指定考试');
  const itemIds = ids(b.itemIds, '题目', 200);
  if (!itemIds.length) throw new BadRequestException('题块至少包含一道题');
  return { examId: b.examId, name: name(b.name), itemIds };
}

export function parseBlockChange(body: unknown): { name?: string; itemIds?: number[] } {
  const b = obj(body);
  const out: { name?: string; itemIds?: number[] } = {};
  if ('name' in b) out.name = name(b.name);
  if ('itemIds' in b) {
    out.itemIds = ids(b.itemIds, '题目', 200);
    if (!out.itemIds.length) throw new BadRequestException('题块至少包含一道题；不再需要的题块请删除');
  }
  return out;
}

export function parseMarkerIds(body: unknown): number[] {
  return ids(obj(body).markerIds, '阅卷教师', 500);
}

export interface RulesBody {
  markingMode: MarkingModeName;
  tolerance: number;
  scoreStep: number;
}

export function parseRules(body: unknown): RulesBody {
  const b = obj(body);
  const n = (k: string, label: string) => {
    if (typeof b[k] !== 'number' || !Number.isFinite(b[k])) throw new BadRequestException(`请填写${label}`);
    return b[k] as number;
  };
  if (typeof b.markingMode !== 'string') throw new BadRequestException('请选择评卷方式');
  return {
    markingMode: b.markingMode as MarkingModeName,
    tolerance: n('tolerance', '误差阈值'),
    scoreStep: n('scoreStep', '步长'),
  };
}

/** 试评: required or not, and "at least N of the trial answers within tolerance" (null: the lead approves by hand). */
export function parseTrialRule(body: unknown): { required: boolean; passNeeded: number | null } {
  const b = obj(body);
  if (typeof b.required !== 'boolean') throw new BadRequestException('是否需要试评应为 true 或 false');
  const p = b.passNeeded;
  if (p !== null && p !== undefined && (typeof p !== 'number' || !Number.isInteger(p)))
    throw new BadRequestException('通过标准应为整数份数');
  return { required: b.required, passNeeded: (p as number | null | undefined) ?? null };
}

export function parseToken(v: unknown): string {
  if (typeof v !== 'string' || !/^[A-Za-z0-9_-]{1,40}$/.test(v)) throw new BadRequestException('请指定答卷');
  return v;
}

export function parseKind(v: unknown): ReferenceKind {
  if (v !== ReferenceKind.Trial && v !== ReferenceKind.Seed)
    throw new BadRequestException('样卷类型应为 trial（试评卷）或 seed（测评卷）');
  return v;
}
