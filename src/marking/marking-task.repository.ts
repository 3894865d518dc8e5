import { Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { type Tx, writeWith } from '../database/unit-of-work.js';
import { markingRounds, type MarkingModeName } from './domain/marking-rounds.js';

/** A shuffle key per task: markers of one item meet its answers in an order nobody chose. */
const shuffleKey = () => randomInt(0, 2 ** 31 - 1);

/** The marking_task table's statements (leasing lives in the marking services' own repository methods). */
@Injectable()
export class MarkingTaskRepository {
  /**
   * The first rounds' tasks of a student's answers just recorded (page read → tasks, in the page's transaction). Tasks
   * that exist already are kept (a page read again adds nothing). One statement, which finds the snippets' ids itself:
   * (item, round, shuffle key) per task as a derived table joined to the student's snippets of those items.
   */
  createForSnippets(tx: Tx, examId: number, studentId: number, items: { itemId: number; markingMode: string }[]): void {
    if (!items.length) return;
    const tasks: number[][] = [];
    for (const i of items)
      for (const round of markingRounds(i.markingMode as MarkingModeName)) tasks.push([i.itemId, round, shuffleKey()]);
    const derived = tasks
      .map((_, n) => (n ? 'SELECT ?, ?, ?' : 'SELECT ? AS item_id, ? AS round, ? AS shuffle_key'))
      .join(' UNION ALL ');
    void writeWith(
      tx,
      'INSERT INTO marking_task (exam_id, item_id, snippet_id, round, status, shuffle_key) ' +
        `SELECT ?, s.item_id, s.id, t.round, 'pending', t.shuffle_key FROM answer_snippet s JOIN (${derived}) t ON t.item_id = s.item_id ` +
        'WHERE s.student_id = ? AND s.item_id IN (' +
        items.map(() => '?').join(', ') +
        ') ON DUPLICATE KEY UPDATE marking_task.id = marking_task.id',
      [examId, ...tasks.flat(), studentId, ...items.map((i) => i.itemId)],
    );
  }
}
