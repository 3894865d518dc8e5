import { MigrationInterface, QueryRunner } from 'typeorm';

/** The core model of issue 2: organisation, users, exams, scans, marking, results, reports, audit. */
export class CoreSchema1764000000000 implements MigrationInterface {
  name = 'CoreSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE \`alliance\` (\`id\` int NOT NULL AUTO_INCREMENT, \`name\` varchar(100) NOT NULL, \`code\` varchar(40) NOT NULL, \`created_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), UNIQUE INDEX \`IDX_0bbacf609bd7429a1a7fea1dad\` (\`code\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await q.query(
      `CREATE TABLE \`school\` (\`id\` int NOT NULL AUTO_INCREMENT, \`alliance_id\` int NOT NULL, \`name\` varchar(100) NOT NULL, \`code\` varchar(40) NOT NULL, \`kind\` varchar(16) NOT NULL, \`locality\` varchar(16) NOT NULL, UNIQUE INDEX \`IDX_eb6297c662491f1fd874ace121\` (\`alliance_id\`, \`code\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await q.query(
      `CREATE TABLE \`school_class\` (\`id\` int NOT NULL AUTO_INCREMENT, \`school_id\` int NOT NULL, \`name\` varchar(60) NOT NULL, \`grade\` varchar(20) NOT NULL DEFAULT '', UNIQUE INDEX \`IDX_4104bb08fdcacd1ce960d0a9fc\` (\`school_id\`, \`name\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await q.query(
      `CREATE TABLE \`student\` (\`id\` int NOT NULL AUTO_INCREMENT, \`alliance_id\` int NOT NULL, \`school_id\` int NOT NULL, \`class_id\` int NOT NULL, \`exam_no\` varchar(20) NOT NULL, \`name\` varchar(60) NOT NULL, INDEX \`IDX_64b13bd6b0dd5e036f81bf2b6d\` (\`school_id\`), INDEX \`IDX_85874ee23f2927b59ff5f769f3\` (\`class_id\`), UNIQUE INDEX \`IDX_cadb6453f0a0b40d086580ab03\` (\`alliance_id\`, \`exam_no\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await q.query(
      `CREATE TABLE \`user\` (\`id\` int NOT NULL AUTO_INCREMENT, \`username\` varchar(60) NOT NULL, \`display_name\` varchar(60) NOT NULL, \`password_hash\` varchar(100) NOT NULL, \`alliance_id\` int NULL, \`active\` tinyint NOT NULL DEFAULT 1, \`created_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), UNIQUE INDEX \`IDX_78a916df40e02a9deb1c4b75ed\` (\`username\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await q.query(
      `CREATE TABLE \`user_role\` (\`id\` int NOT NULL AUTO_INCREMENT, \`user_id\` int NOT NULL, \`role\` varchar(20) NOT NULL, \`alliance_id\` int NOT NULL, \`school_id\` int NULL, \`subject\` varchar(40) NULL, INDEX \`IDX_d0e5815877f7395a198a4cb0a4\` (\`user_id\`), UNIQUE INDEX \`IDX_89dd2c7cc7f5ffa4233bc737be\` (\`user_id\`, \`role\`, \`alliance_id\`, \`school_id\`, \`subject\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await q.query(
      `CREATE TABLE \`exam\` (\`id\` int NOT NULL AUTO_INCREMENT, \`alliance_id\` int NOT NULL, \`name\` varchar(100) NOT NULL, \`grade\` varchar(20) NOT NULL DEFAULT '', \`exam_date\` date NULL, \`status\` varchar(16) NOT NULL DEFAULT 'draft', \`excellent_ratio\` decimal(4,3) NOT NULL DEFAULT '0.850', \`pass_ratio\` decimal(4,3) NOT NULL DEFAULT '0.600', \`low_ratio\` decimal(4,3) NOT NULL DEFAULT '0.400', \`created_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await q.query(
      `CREATE TABLE \`paper\` (\`id\` int NOT NULL AUTO_INCREMENT, \`exam_id\` int NOT NULL, \`subject\` varchar(40) NOT NULL, \`title\` varchar(100) NOT NULL, \`full_marks\` decimal(7,2) NOT NULL, \`status\` varchar(16) NOT NULL DEFAULT 'draft', \`layout\` longtext NULL, UNIQUE INDEX \`IDX_fe9a9fd7727e9769b8ea986fda\` (\`exam_id\`, \`subject\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await q.query(
      `CREATE TABLE \`item\` (\`id\` int NOT NULL AUTO_INCREMENT, \`paper_id\` int NOT NULL, \`seq\` int NOT NULL, \`label\` varchar(20) NOT NULL, \`type\` varchar(20) NOT NULL, \`max_score\` decimal(7,2) NOT NULL, \`score_step\` decimal(7,2) NOT NULL DEFAULT '1.00', \`rounding_mode\` varchar(12) NOT NULL DEFAULT 'half_up', \`answer_key\` varchar(20) NULL, \`option_count\` tinyint NOT NULL DEFAULT '4', \`marking_mode\` varchar(20) NOT NULL DEFAULT 'single', \`tolerance\` decimal(7,2) NOT NULL DEFAULT '0.00', \`knowledge_points\` longtext NULL, \`box_height_mm\` smallint NOT NULL DEFAULT '40', UNIQUE INDEX \`IDX_6df418d9771d40f2329225bac8\` (\`paper_id\`, \`seq\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await q.query(
      `CREATE TABLE \`scan_batch\` (\`id\` int NOT NULL AUTO_INCREMENT, \`exam_id\` int NOT NULL, \`school_id\` int NOT NULL, \`uploaded_by\` int NOT NULL, \`original_name\` varchar(200) NOT NULL DEFAULT '', \`page_count\` int NOT NULL DEFAULT '0', \`created_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await q.query(
      `CREATE TABLE \`scanned_page\` (\`id\` int NOT NULL AUTO_INCREMENT, \`exam_id\` int NOT NULL, \`batch_id\` int NOT NULL, \`school_id\` int NOT NULL, \`paper_id\` int NULL, \`content_hash\` varchar(64) NOT NULL, \`blob_key\` varchar(200) NOT NULL, \`original_name\` varchar(200) NOT NULL DEFAULT '', \`status\` varchar(16) NOT NULL DEFAULT 'queued', \`exception_reason\` varchar(300) NULL, \`exception_code\` varchar(40) NULL, \`student_id\` int NULL, \`exam_no_read\` varchar(20) NULL, \`page_no\` smallint NULL, \`alignment\` longtext NULL, \`created_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`updated_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), INDEX \`IDX_ea17c01e57f8370e86aa9cfd78\` (\`student_id\`), UNIQUE INDEX \`IDX_793831c1fa1d585b5799127ade\` (\`exam_id\`, \`content_hash\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await q.query(
      `CREATE TABLE \`objective_response\` (\`id\` int NOT NULL AUTO_INCREMENT, \`exam_id\` int NOT NULL, \`page_id\` int NOT NULL, \`student_id\` int NOT NULL, \`item_id\` int NOT NULL, \`marked\` varchar(20) NOT NULL, \`score\` decimal(7,2) NOT NULL, \`fills\` longtext NULL, INDEX \`IDX_3ed6addfb9ec80a1ca27f8c9df\` (\`item_id\`), UNIQUE INDEX \`IDX_8d50b82068c593b8d7f5764778\` (\`student_id\`, \`item_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await q.query(
      `CREATE TABLE \`answer_snippet\` (\`id\` int NOT NULL AUTO_INCREMENT, \`exam_id\` int NOT NULL, \`page_id\` int NOT NULL, \`student_id\` int NOT NULL, \`item_id\` int NOT NULL, \`blob_key\` varchar(200) NOT NULL, \`token\` varchar(40) NOT NULL, INDEX \`IDX_25a9e3f93c67d44a06ad02d42d\` (\`item_id\`), UNIQUE INDEX \`IDX_ae92706e33da197bdbd770534c\` (\`student_id\`, \`item_id\`), UNIQUE INDEX \`IDX_834bfff962a84d40f048a7a423\` (\`token\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await q.query(
      `CREATE TABLE \`marking_task\` (\`id\` int NOT NULL AUTO_INCREMENT, \`exam_id\` int NOT NULL, \`item_id\` int NOT NULL, \`snippet_id\` int NOT NULL, \`round\` tinyint NOT NULL, \`status\` varchar(12) NOT NULL DEFAULT 'pending', \`leased_by\` int NULL, \`lease_expires_at\` datetime NULL, \`shuffle_key\` int NOT NULL DEFAULT '0', \`created_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), INDEX \`IDX_c4beae4287072228ff341868ed\` (\`item_id\`, \`status\`), UNIQUE INDEX \`IDX_ecb5e7279d723df005c8fa26c9\` (\`snippet_id\`, \`round\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await q.query(
      `CREATE TABLE \`mark_event\` (\`id\` int NOT NULL AUTO_INCREMENT, \`exam_id\` int NOT NULL, \`task_id\` int NOT NULL, \`snippet_id\` int NOT NULL, \`item_id\` int NOT NULL, \`marker_id\` int NOT NULL, \`round\` tinyint NOT NULL, \`score\` decimal(7,2) NULL, \`problem\` varchar(40) NULL, \`seconds_spent\` int NOT NULL DEFAULT '0', \`client_id\` varchar(64) NOT NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`IDX_bae30df5126428987c58e553c7\` (\`marker_id\`), INDEX \`IDX_92944a89f6b92a9a2af2c425c3\` (\`snippet_id\`, \`round\`), UNIQUE INDEX \`IDX_bd34baed94534f2f0f07b9946b\` (\`client_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await q.query(
      `CREATE TABLE \`final_item_score\` (\`id\` int NOT NULL AUTO_INCREMENT, \`exam_id\` int NOT NULL, \`paper_id\` int NOT NULL, \`student_id\` int NOT NULL, \`item_id\` int NOT NULL, \`score\` decimal(7,2) NOT NULL, \`source\` varchar(12) NOT NULL, \`rule_version\` varchar(40) NOT NULL, \`updated_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), INDEX \`IDX_0c17d6853346fdc80453cadd9e\` (\`exam_id\`, \`item_id\`), UNIQUE INDEX \`IDX_f8b6927da9ca9930b51b0a9500\` (\`student_id\`, \`item_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await q.query(
      `CREATE TABLE \`student_result\` (\`id\` int NOT NULL AUTO_INCREMENT, \`exam_id\` int NOT NULL, \`paper_id\` int NOT NULL, \`student_id\` int NOT NULL, \`school_id\` int NOT NULL, \`total\` decimal(7,2) NULL, \`absent\` tinyint NOT NULL DEFAULT 0, INDEX \`IDX_90ccf4d8d58dc4a59a1d98f6ac\` (\`exam_id\`), UNIQUE INDEX \`IDX_d3f3bdddc70bbc6731fb360493\` (\`paper_id\`, \`student_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await q.query(
      `CREATE TABLE \`exam_analysis\` (\`id\` int NOT NULL AUTO_INCREMENT, \`exam_id\` int NOT NULL, \`paper_id\` int NOT NULL, \`data\` longtext NOT NULL, \`computed_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), UNIQUE INDEX \`IDX_bbf08b54f144e635305d33e91d\` (\`exam_id\`, \`paper_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await q.query(
      `CREATE TABLE \`report\` (\`id\` int NOT NULL AUTO_INCREMENT, \`exam_id\` int NOT NULL, \`school_id\` int NOT NULL, \`status\` varchar(12) NOT NULL DEFAULT 'queued', \`blob_key\` varchar(200) NULL, \`error\` varchar(300) NULL, \`updated_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), UNIQUE INDEX \`IDX_ca167d9a9f682e3cb8cd9224b5\` (\`exam_id\`, \`school_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await q.query(
      `CREATE TABLE \`audit_log\` (\`id\` int NOT NULL AUTO_INCREMENT, \`user_id\` int NULL, \`action\` varchar(60) NOT NULL, \`entity\` varchar(60) NOT NULL, \`entity_id\` varchar(60) NULL, \`detail\` longtext NULL, \`at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`IDX_40c0e9a60edcd0f680b0e94b60\` (\`entity\`, \`entity_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    );
    await q.query(
      `ALTER TABLE \`school\` ADD CONSTRAINT \`fk_school_alliance_id\` FOREIGN KEY (\`alliance_id\`) REFERENCES \`alliance\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`school_class\` ADD CONSTRAINT \`fk_school_class_school_id\` FOREIGN KEY (\`school_id\`) REFERENCES \`school\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`student\` ADD CONSTRAINT \`fk_student_alliance_id\` FOREIGN KEY (\`alliance_id\`) REFERENCES \`alliance\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`student\` ADD CONSTRAINT \`fk_student_school_id\` FOREIGN KEY (\`school_id\`) REFERENCES \`school\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`student\` ADD CONSTRAINT \`fk_student_class_id\` FOREIGN KEY (\`class_id\`) REFERENCES \`school_class\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`user\` ADD CONSTRAINT \`fk_user_alliance_id\` FOREIGN KEY (\`alliance_id\`) REFERENCES \`alliance\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`user_role\` ADD CONSTRAINT \`fk_user_role_user_id\` FOREIGN KEY (\`user_id\`) REFERENCES \`user\`(\`id\`) ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE \`exam\` ADD CONSTRAINT \`fk_exam_alliance_id\` FOREIGN KEY (\`alliance_id\`) REFERENCES \`alliance\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`paper\` ADD CONSTRAINT \`fk_paper_exam_id\` FOREIGN KEY (\`exam_id\`) REFERENCES \`exam\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`item\` ADD CONSTRAINT \`fk_item_paper_id\` FOREIGN KEY (\`paper_id\`) REFERENCES \`paper\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`scan_batch\` ADD CONSTRAINT \`fk_scan_batch_exam_id\` FOREIGN KEY (\`exam_id\`) REFERENCES \`exam\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`scan_batch\` ADD CONSTRAINT \`fk_scan_batch_school_id\` FOREIGN KEY (\`school_id\`) REFERENCES \`school\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`scan_batch\` ADD CONSTRAINT \`fk_scan_batch_uploaded_by\` FOREIGN KEY (\`uploaded_by\`) REFERENCES \`user\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`scanned_page\` ADD CONSTRAINT \`fk_scanned_page_exam_id\` FOREIGN KEY (\`exam_id\`) REFERENCES \`exam\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`scanned_page\` ADD CONSTRAINT \`fk_scanned_page_batch_id\` FOREIGN KEY (\`batch_id\`) REFERENCES \`scan_batch\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`scanned_page\` ADD CONSTRAINT \`fk_scanned_page_school_id\` FOREIGN KEY (\`school_id\`) REFERENCES \`school\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`scanned_page\` ADD CONSTRAINT \`fk_scanned_page_student_id\` FOREIGN KEY (\`student_id\`) REFERENCES \`student\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`objective_response\` ADD CONSTRAINT \`fk_objective_response_page_id\` FOREIGN KEY (\`page_id\`) REFERENCES \`scanned_page\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`objective_response\` ADD CONSTRAINT \`fk_objective_response_student_id\` FOREIGN KEY (\`student_id\`) REFERENCES \`student\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`objective_response\` ADD CONSTRAINT \`fk_objective_response_item_id\` FOREIGN KEY (\`item_id\`) REFERENCES \`item\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`answer_snippet\` ADD CONSTRAINT \`fk_answer_snippet_page_id\` FOREIGN KEY (\`page_id\`) REFERENCES \`scanned_page\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`answer_snippet\` ADD CONSTRAINT \`fk_answer_snippet_student_id\` FOREIGN KEY (\`student_id\`) REFERENCES \`student\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`answer_snippet\` ADD CONSTRAINT \`fk_answer_snippet_item_id\` FOREIGN KEY (\`item_id\`) REFERENCES \`item\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`marking_task\` ADD CONSTRAINT \`fk_marking_task_snippet_id\` FOREIGN KEY (\`snippet_id\`) REFERENCES \`answer_snippet\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`marking_task\` ADD CONSTRAINT \`fk_marking_task_item_id\` FOREIGN KEY (\`item_id\`) REFERENCES \`item\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`mark_event\` ADD CONSTRAINT \`fk_mark_event_task_id\` FOREIGN KEY (\`task_id\`) REFERENCES \`marking_task\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`mark_event\` ADD CONSTRAINT \`fk_mark_event_snippet_id\` FOREIGN KEY (\`snippet_id\`) REFERENCES \`answer_snippet\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`mark_event\` ADD CONSTRAINT \`fk_mark_event_marker_id\` FOREIGN KEY (\`marker_id\`) REFERENCES \`user\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`final_item_score\` ADD CONSTRAINT \`fk_final_item_score_student_id\` FOREIGN KEY (\`student_id\`) REFERENCES \`student\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`final_item_score\` ADD CONSTRAINT \`fk_final_item_score_item_id\` FOREIGN KEY (\`item_id\`) REFERENCES \`item\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`student_result\` ADD CONSTRAINT \`fk_student_result_student_id\` FOREIGN KEY (\`student_id\`) REFERENCES \`student\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`student_result\` ADD CONSTRAINT \`fk_student_result_paper_id\` FOREIGN KEY (\`paper_id\`) REFERENCES \`paper\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`report\` ADD CONSTRAINT \`fk_report_exam_id\` FOREIGN KEY (\`exam_id\`) REFERENCES \`exam\`(\`id\`) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE \`report\` ADD CONSTRAINT \`fk_report_school_id\` FOREIGN KEY (\`school_id\`) REFERENCES \`school\`(\`id\`) ON DELETE RESTRICT`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('SET FOREIGN_KEY_CHECKS = 0');
    await q.query('DROP TABLE `audit_log`');
    await q.query('DROP TABLE `report`');
    await q.query('DROP TABLE `exam_analysis`');
    await q.query('DROP TABLE `student_result`');
    await q.query('DROP TABLE `final_item_score`');
    await q.query('DROP TABLE `mark_event`');
    await q.query('DROP TABLE `marking_task`');
    await q.query('DROP TABLE `answer_snippet`');
    await q.query('DROP TABLE `objective_response`');
    await q.query('DROP TABLE `scanned_page`');
    await q.query('DROP TABLE `scan_batch`');
    await q.query('DROP TABLE `item`');
    await q.query('DROP TABLE `paper`');
    await q.query('DROP TABLE `exam`');
    await q.query('DROP TABLE `user_role`');
    await q.query('DROP TABLE `user`');
    await q.query('DROP TABLE `student`');
    await q.query('DROP TABLE `school_class`');
    await q.query('DROP TABLE `school`');
    await q.query('DROP TABLE `alliance`');
    await q.query('SET FOREIGN_KEY_CHECKS = 1');
  }
}
