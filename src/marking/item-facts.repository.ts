import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { Exam } from '../exams/entities/exam.entity.js';
import { Item } from '../exams/entities/item.entity.js';
import { Paper } from '../exams/entities/paper.entity.js';

/**
 * Marking's reads of the items it marks, their papers and exams (exams/ owns and writes those tables), by id and in
 * bulk. Always on TypeORM's pool: the item-facts cache fills a miss here while a marking transaction holds a SqlPool
 * connection, which must never wait for a second connection of its own pool.
 */
@Injectable()
export class ItemFactsRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  item(id: number): Promise<Item | null> {
    return this.ds.getRepository(Item).findOneBy({ id });
  }

  items(ids: number[]): Promise<Item[]> {
    return this.ds.getRepository(Item).findBy({ id: In(ids) });
  }

  papers(ids: number[]): Promise<Paper[]> {
    return this.ds.getRepository(Paper).findBy({ id: In(ids) });
  }

  exams(ids: number[]): Promise<Exam[]> {
    return this.ds.getRepository(Exam).findBy({ id: In(ids) });
  }
}
