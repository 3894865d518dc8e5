// Request bodies of the marking API and their checks. Messages are Chinese: the marker page shows them as they are.
import { BadRequestException } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';

export const PROBLEM_REASONS = ['blank', 'illegible', 'wrong_place', 'copying'] as const;
export type ProblemReason = (typeof PROBLEM_REASONS)[number];

/** The pattern of a submit's clientId (its idempotency key). */
export const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

export class NextTaskBody {
  /** 只取这场考试的任务 */
  examId?: number;
  /** 只取这道题的任务 */
  itemId?: number;
  /** 页面正在显示的任务：预取时返回另一份（The task the page is showing: when prefetching, lease another one.） */
  exceptTaskId?: number;
}

export class SubmitMarkBody {
  /** 分数：0 到本题满分，按本题给分步长；与 problem 二选一 */
  @ApiProperty({ minimum: 0 })
  score?: number;
  /** 问题卷原因：blank 空白、illegible 字迹无法辨认、wrong_place 答错位置、copying 疑似雷同；与 score 二选一 */
  @ApiProperty({ enum: PROBLEM_REASONS })
  problem?: ProblemReason;
  /** 本次提交的编号（8–64 位字母、数字、下划线或连字符）：重发同一编号不会重复记分 */
  @ApiProperty({ pattern: CLIENT_ID.source })
  clientId: string;
  /** 阅这份答卷所用秒数（不小于 0，超过一天按一天计） */
  @ApiProperty({ minimum: 0 })
  secondsSpent?: number;
}

export class ArbitrateBody {
  /** 仲裁分数 */
  score: number;
  /** 仲裁说明（改判时必填；超过 200 字的部分不保存） */
  reason?: string;
  /** 改判：替换规则已给出的最终分（此时须写说明）（改判: replace a final score the rules already produced.） */
  override?: boolean;
}

export interface NextTaskResponse {
  taskId: number;
  examId: number;
  itemId: number;
  itemLabel: string;
  maxScore: number;
  scoreStep: number;
  snippetUrl: string;
  leaseExpiresAt: string;
}

export interface SubmitMarkResponse {
  markEventId: number;
  taskId: number;
  score: number | null;
  problem: string | null;
}

export function optionalId(v: unknown, label: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) throw new BadRequestException(`${label}格式不正确`);
  return n;
}

export function requiredId(v: unknown, label: string): number {
  const n = optionalId(v, label);
  if (n === undefined) throw new BadRequestException(`请指定${label}`);
  return n;
}

export function parseNextTask(body: unknown): NextTaskBody {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return {
    examId: optionalId(b.examId, '考试编号'),
    itemId: optionalId(b.itemId, '题目编号'),
    exceptTaskId: optionalId(b.exceptTaskId, '任务编号'),
  };
}

export function parseSubmit(body: unknown): SubmitMarkBody {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const clientId = b.clientId;
  if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId))
    throw new BadRequestException('提交缺少有效的 clientId（8–64 位字母、数字或连字符）');
  const hasScore = b.score !== undefined && b.score !== null && b.score !== '';
  const hasProblem = b.problem !== undefined && b.problem !== null && b.problem !== '';
  if (!hasScore && !hasProblem) throw new BadRequestException('请输入分数，或标记为问题卷');
  if (hasScore && hasProblem) throw new BadRequestException('问题卷不能同时给分');
  if (hasProblem && !PROBLEM_REASONS.includes(b.problem as ProblemReason))
    throw new BadRequestException('问题卷原因应为：空白、字迹无法辨认、答错位置或疑似雷同');
  if (hasScore && (typeof b.score !== 'number' || !Number.isFinite(b.score)))
    throw new BadRequestException('分数必须是数字');
  let secondsSpent = 0;
  if (b.secondsSpent !== undefined && b.secondsSpent !== null) {
    if (typeof b.secondsSpent !== 'number' || !Number.isFinite(b.secondsSpent) || b.secondsSpent < 0)
      throw new BadRequestException('用时格式不正确');
    secondsSpent = Math.min(Math.round(b.secondsSpent), 24 * 3600);
  }
  return {
    clientId,
    score: hasScore ? (b.score as number) : undefined,
    problem: hasProblem ? (b.problem as ProblemReason) : undefined,
    secondsSpent,
  };
}

export function parseArbitrate(body: unknown): ArbitrateBody {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  if (typeof b.score !== 'number' || !Number.isFinite(b.score)) throw new BadRequestException('请填写仲裁分数');
  if (b.reason !== undefined && typeof b.reason !== 'string') throw new BadRequestException('仲裁说明格式不正确');
  if (b.override !== undefined && typeof b.override !== 'boolean') throw new BadRequestException('改判标记格式不正确');
  return {
    score: b.score,
    reason: typeof b.reason === 'string' ? b.reason.slice(0, 200) : undefined,
    override: b.override === true,
  };
}
