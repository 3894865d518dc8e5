import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How often the worker's reconciliation queued an exam's owed results again at one score version (domain/results-retry.ts):
 * kept in MySQL so a restart of Redis or of the workers does not start the count again.
 */
@Entity('results_retry')
export class ResultsRetry {
  @PrimaryColumn() examId: number;
  @Column() scoreVersion: number;
  @Column() passes: number;
  @Column({ type: 'datetime', precision: 6 }) updatedAt: Date;
}
