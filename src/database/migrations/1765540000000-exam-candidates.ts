import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 考务: exam numbers, rooms and seats per exam (exam_candidate, exam_room), the settings they were made with
 * (exam_candidate_plan) and invigilators' 违纪 records (exam_violation).
 */
export class ExamCandidates1765540000000 implements MigrationInterface {
  name = 'ExamCandidates1765540000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE TABLE `exam_room` (`id` int NOT NULL AUTO_INCREMENT, `exam_id` int NOT NULL, `school_id` int NOT NULL, ' +
        '`room_no` int NOT NULL, `name` varchar(60) NOT NULL, `capacity` int NOT NULL, `columns` int NOT NULL, ' +
        '`special` tinyint NOT NULL DEFAULT 0, UNIQUE INDEX `uq_exam_room_no` (`exam_id`, `room_no`), PRIMARY KEY (`id`), ' +
        'CONSTRAINT `fk_exam_room_exam_id` FOREIGN KEY (`exam_id`) REFERENCES `exam`(`id`) ON DELETE CASCADE, ' +
        'CONSTRAINT `fk_exam_room_school_id` FOREIGN KEY (`school_id`) REFERENCES `school`(`id`) ON DELETE RESTRICT) ENGINE=InnoDB',
    );
    await q.query(
      'CREATE TABLE `exam_candidate` (`id` int NOT NULL AUTO_INCREMENT, `exam_id` int NOT NULL, `student_id` int NOT NULL, ' +
        '`exam_number` varchar(12) NULL, `room_id` int NULL, `seat` int NULL, `special` tinyint NOT NULL DEFAULT 0, ' +
        'UNIQUE INDEX `uq_exam_candidate_student` (`exam_id`, `student_id`), ' +
        'UNIQUE INDEX `uq_exam_candidate_number` (`exam_id`, `exam_number`), INDEX `ix_exam_candidate_room` (`room_id`), ' +
        'PRIMARY KEY (`id`), ' +
        'CONSTRAINT `fk_exam_candidate_exam_id` FOREIGN KEY (`exam_id`) REFERENCES `exam`(`id`) ON DELETE CASCADE, ' +
        'CONSTRAINT `fk_exam_candidate_student_id` FOREIGN KEY (`student_id`) REFERENCES `student`(`id`) ON DELETE CASCADE, ' +
        'CONSTRAINT `fk_exam_candidate_room_id` FOREIGN KEY (`room_id`) REFERENCES `exam_room`(`id`) ON DELETE SET NULL) ENGINE=InnoDB',
    );
    await q.query(
      'CREATE TABLE `exam_candidate_plan` (`exam_id` int NOT NULL, `number_rule` text NULL, `check_digit` varchar(8) NULL, ' +
        '`numbered_at` datetime NULL, `seating` text NULL, `seated_at` datetime NULL, PRIMARY KEY (`exam_id`), ' +
        'CONSTRAINT `fk_exam_candidate_plan_exam_id` FOREIGN KEY (`exam_id`) REFERENCES `exam`(`id`) ON DELETE CASCADE) ENGINE=InnoDB',
    );
    await q.query(
      'CREATE TABLE `exam_violation` (`id` int NOT NULL AUTO_INCREMENT, `exam_id` int NOT NULL, `paper_id` int NOT NULL, ' +
        "`student_id` int NOT NULL, `room_id` int NULL, `kind` varchar(20) NOT NULL, `note` varchar(300) NOT NULL DEFAULT '', " +
        '`recorded_by` int NOT NULL, `created_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), ' +
        'INDEX `ix_exam_violation_exam` (`exam_id`, `student_id`), PRIMARY KEY (`id`), ' +
        'CONSTRAINT `fk_exam_violation_exam_id` FOREIGN KEY (`exam_id`) REFERENCES `exam`(`id`) ON DELETE CASCADE, ' +
        'CONSTRAINT `fk_exam_violation_paper_id` FOREIGN KEY (`paper_id`) REFERENCES `paper`(`id`) ON DELETE CASCADE, ' +
        'CONSTRAINT `fk_exam_violation_student_id` FOREIGN KEY (`student_id`) REFERENCES `student`(`id`) ON DELETE CASCADE) ENGINE=InnoDB',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['exam_violation', 'exam_candidate_plan', 'exam_candidate', 'exam_room'])
      await q.query(`DROP TABLE \`${t}\``);
  }
}
