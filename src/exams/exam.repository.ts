import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { managerOr, type Tx } from '../database/unit-of-work.js';
import { Exam } from './entities/exam.entity.js';

/** The exam table's statements. */
@Injectable()
export class ExamRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  findById(id: number, tx?: Tx): Promise<Exam | null> {
    return managerOr(tx, this.ds).getRepository(Exam).findOneBy({ id });
  }
}
