// The tables this feature owns: only its repositories write them (tools/check-architecture.mjs, rule "owner").
import { FinalItemScore } from './final-item-score.entity.js';
import { MarkEvent } from './mark-event.entity.js';
import { MarkingBlock, MarkingBlockItem } from './marking-block.entity.js';
import { MarkingTask } from './marking-task.entity.js';
import { ItemQcSetting, MarkerAssignment, MarkerItemState, MarkSupersession, ReferenceAnswer } from './qc.entities.js';

export const MARKING_ENTITIES = [
  MarkingTask,
  MarkEvent,
  MarkSupersession,
  MarkerAssignment,
  MarkerItemState,
  ItemQcSetting,
  ReferenceAnswer,
  FinalItemScore,
  MarkingBlock,
  MarkingBlockItem,
];
