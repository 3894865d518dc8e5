// The repositories this feature owns, for the data module (src/data.module.ts): every feature may call them.
import { FinalScoreRepository } from './final-score.repository.js';
import { ItemFactsRepository } from './item-facts.repository.js';
import { ItemQcSettingRepository } from './item-qc-setting.repository.js';
import { MarkEventRepository } from './mark-event.repository.js';
import { MarkSupersessionRepository } from './mark-supersession.repository.js';
import { MarkerAssignmentRepository } from './marker-assignment.repository.js';
import { MarkerDirectoryRepository } from './marker-directory.repository.js';
import { MarkerItemStateRepository } from './marker-item-state.repository.js';
import { MarkingBlockRepository } from './marking-block.repository.js';
import { MarkingOverviewRepository } from './marking-overview.repository.js';
import { MarkingSetupRepository } from './marking-setup.repository.js';
import { MarkingSnippetRepository } from './marking-snippet.repository.js';
import { MarkingTaskRepository } from './marking-task.repository.js';
import { ReferenceAnswerRepository } from './reference-answer.repository.js';

export const MARKING_REPOSITORIES = [
  MarkingTaskRepository,
  FinalScoreRepository,
  MarkEventRepository,
  MarkSupersessionRepository,
  MarkerAssignmentRepository,
  MarkerItemStateRepository,
  ItemQcSettingRepository,
  ReferenceAnswerRepository,
  MarkingSnippetRepository,
  MarkingOverviewRepository,
  ItemFactsRepository,
  MarkerDirectoryRepository,
  MarkingBlockRepository,
  MarkingSetupRepository,
];
