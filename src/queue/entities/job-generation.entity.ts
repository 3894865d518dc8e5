import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The latest generation of a debounced or repeated job (results of an exam, report of a school, re-read of a page): each
 * trigger takes the next one, and a job whose generation is no longer the latest skips itself. In MySQL, so a Redis
 * restarted without persistence does not start the count again.
 */
@Entity('job_generation')
export class JobGeneration {
  /** 'results', 'report' or 'reread'. */
  @PrimaryColumn({ type: 'varchar', length: 16 }) kind: string;
  /** What the job works on: the exam id, `examId-schoolId`, the page id. */
  @PrimaryColumn({ type: 'varchar', length: 64 }) subject: string;
  @Column() generation: number;
}
