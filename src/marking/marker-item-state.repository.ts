import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MarkerItemState } from './entities/qc.entities.js';

/** The marker_item_state table's statements: a marker's standing on an item (trial or live, suspended or not). */
@Injectable()
export class MarkerItemStateRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  find(itemId: number, markerId: number): Promise<MarkerItemState | null> {
    return this.ds.getRepository(MarkerItemState).findOneBy({ itemId, markerId });
  }

  ofItem(itemId: number): Promise<MarkerItemState[]> {
    return this.ds.getRepository(MarkerItemState).findBy({ itemId });
  }

  /** The marker's standing on the item, created or replaced. */
  async save(
    state: Pick<MarkerItemState, 'itemId' | 'markerId' | 'phase' | 'suspended' | 'reason' | 'changedBy'> &
      Partial<Pick<MarkerItemState, 'restoredAfter'>>,
  ): Promise<void> {
    await this.ds.getRepository(MarkerItemState).upsert(state, ['itemId', 'markerId']);
  }
}
