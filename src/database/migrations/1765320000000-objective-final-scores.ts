import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Objective final scores are read where ingestion writes them (objective_response.score, by the answer key, rule
 * key-v1) instead of being copied into final_item_score on every results run (2 million rows at 100,000 students).
 * final_item_score keeps the scores made by marking, including a marking correction of an objective item, which
 * wins over the OMR score. The copies written by earlier results runs are derived data: drop them, or a stale copy
 * would now win over a newer OMR reading.
 */
export class ObjectiveFinalScores1765320000000 implements MigrationInterface {
  name = 'ObjectiveFinalScores1765320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query("DELETE FROM `final_item_score` WHERE `source` = 'objective'");
  }

  async down(q: QueryRunner): Promise<void> {
    // The previous layout: every OMR score copied, a marking row left as it is.
    await q.query(
      'INSERT IGNORE INTO `final_item_score` (`exam_id`, `paper_id`, `student_id`, `item_id`, `score`, `source`, `rule_version`) ' +
        "SELECT o.`exam_id`, i.`paper_id`, o.`student_id`, o.`item_id`, o.`score`, 'objective', 'key-v1' FROM `objective_response` o JOIN `item` i ON i.`id` = o.`item_id`",
    );
  }
}
