// Request bodies of the subject-lead side of marking (assignments, QC settings, reference answers). Chinese messages.
import { BadRequestException } from '@nestjs/common';

export interface AssignmentsBody {
  markerIds: number[];
}

export interface QcSettingsBody {
  trialRequired?: boolean;
  trialPassRate?: number | null;
  seedRate?: number;
  seedTolerance?: number | null;
  seedMisses?: number;
  seedWindow?: number;
  selfRate?: number;
  dailyCap?: number | null;
  reviewSize?: number;
}

export interface ReferenceBody {
  token: string;
  kind: 'trial' | 'seed';
  score: number;
  /** Also make the definitive score the answer's final score (an audited lead decision; reason mandatory). */
  asFinal?: boolean;
  reason?: string;
}

const obj = (body: unknown) =>
  (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;

export function parseAssignments(body: unknown): AssignmentsBody {
  const ids = obj(body).markerIds;
  if (!Array.isArray(ids)) throw new BadRequestException('请提供阅卷教师编号列表 markerIds');
  if (ids.length > 500) throw new BadRequestException('一次最多分配 500 位阅卷教师');
  for (const id of ids)
    if (typeof id !== 'number' || !Number.isInteger(id) || id <= 0)
      throw new BadRequestException('阅卷教师编号格式不正确');
  return { markerIds: [...new Set(ids as number[])] };
}

export function parseQcSettings(body: unknown): QcSettingsBody {
  const b = obj(body);
  const out: QcSettingsBody = {};
  const rate = (k: string, label: string, nullable = false) => {
    if (!(k in b)) return;
    const v = b[k];
    if (v === null && nullable) return ((out as Record<string, unknown>)[k] = null);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1)
      throw new BadRequestException(`${label}应为 0–1 之间的小数`);
    (out as Record<string, unknown>)[k] = Math.round(v * 10000) / 10000;
  };
  const int = (k: string, label: string, min: number, max: number, nullable = false) => {
    if (!(k in b)) return;
    const v = b[k];
    if (v === null && nullable) return ((out as Record<string, unknown>)[k] = null);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      throw new BadRequestException(`${label}应为 ${min}–${max} 之间的整数`);
    (out as Record<string, unknown>)[k] = v;
  };
  if ('trialRequired' in b) {
    if (typeof b.trialRequired !== 'boolean') throw new BadRequestException('是否需要试评应为 true 或 false');
    out.trialRequired = b.trialRequired;
  }
  rate('trialPassRate', '试评自动通过率', true);
  rate('seedRate', '测评卷比例');
  rate('selfRate', '自评比例');
  if ('seedTolerance' in b) {
    const v = b.seedTolerance;
    if (v !== null && (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1000))
      throw new BadRequestException('测评卷误差应为非负数');
    out.seedTolerance = v as number | null;
  }
  int('seedMisses', '暂停所需超差次数', 0, 1000);
  int('seedWindow', '测评卷统计窗口', 1, 1000);
  int('dailyCap', '每日评阅上限', 0, 100000, true);
  int('reviewSize', '回评条数', 1, 50);
  return out;
}

export function parseReference(body: unknown): ReferenceBody {
  const b = obj(body);
  if (typeof b.token !== 'string' || !/^[A-Za-z0-9_-]{1,40}$/.test(b.token))
    throw new BadRequestException('请指定答卷（token）');
  if (b.kind !== 'trial' && b.kind !== 'seed')
    throw new BadRequestException('样卷类型应为 trial（试评卷）或 seed（测评卷）');
  if (typeof b.score !== 'number' || !Number.isFinite(b.score)) throw new BadRequestException('请填写标准分');
  if (b.asFinal !== undefined && typeof b.asFinal !== 'boolean')
    throw new BadRequestException('asFinal 应为 true 或 false');
  if (b.reason !== undefined && typeof b.reason !== 'string') throw new BadRequestException('原因格式不正确');
  const reason = typeof b.reason === 'string' ? b.reason.trim().slice(0, 200) : undefined;
  if (b.asFinal === true && !reason) throw new BadRequestException('将标准分定为最终得分必须填写原因');
  return { token: b.token, kind: b.kind, score: b.score, asFinal: b.asFinal === true, reason };
}

export function parseReason(body: unknown): string | null {
  const r = obj(body).reason;
  if (r === undefined || r === null || r === '') return null;
  if (typeof r !== 'string') throw new BadRequestException('原因格式不正确');
  return r.slice(0, 200);
}
