// What the marking services answer: a mark as the marker's page shows it, and the messages shared by every path
// that takes a score.
import { BadRequestException, ConflictException } from '@nestjs/common';
import type { LeasedTask } from './domain/leasing.js';
import type { NextTaskResponse, SubmitMarkResponse } from './dto/marking.dto.js';
import type { MarkEvent } from './entities/mark-event.entity.js';
import type { ItemFacts } from './item-facts.cache.js';

export function toAnswer(e: MarkEvent): SubmitMarkResponse {
  return { markEventId: e.id, taskId: e.taskId, score: e.score, problem: e.problem };
}

function fmt(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** A score off the item's scale (outside 0–max, or not a multiple of the step). */
export function scoreError(maxScore: number, step: number): BadRequestException {
  return new BadRequestException(`分数应为 0–${fmt(maxScore)} 之间、步长 ${fmt(step)} 的整数倍`);
}

/** A unique key refused the row (mysql2's error, or TypeORM's wrapping it). */
export function isDupEntry(e: unknown): boolean {
  const err = e as { code?: string; driverError?: { code?: string } };
  return err?.code === 'ER_DUP_ENTRY' || err?.driverError?.code === 'ER_DUP_ENTRY';
}

/** A repeated submit gets the first answer back, if it was this marker's on this task. */
export function answerFor(event: MarkEvent, me: number, taskId: number): SubmitMarkResponse {
  if (event.markerId !== me || event.taskId !== taskId) throw new ConflictException('该 clientId 已用于另一次提交');
  return toAnswer(event);
}

/** A leased task as the marker's page shows it. Blind marking: nothing names the student, school, class or markers. */
export function taskView(task: LeasedTask, token: string, f: ItemFacts): NextTaskResponse {
  return {
    taskId: Number(task.id),
    examId: f.exam.id,
    itemId: f.item.id,
    itemLabel: f.item.label,
    maxScore: f.item.maxScore,
    scoreStep: f.item.scoreStep,
    snippetUrl: `/api/marking/snippets/${token}`,
    leaseExpiresAt: new Date(task.lease_expires_at).toISOString(),
  };
}
