// The repositories this feature owns, for the data module (src/data.module.ts): every feature may call them.
import { NoticeCodeRepository } from './notice-code.repository.js';
import { NoticeInputsRepository } from './notice-inputs.repository.js';
import { ReportRepository } from './report.repository.js';

export const REPORTS_REPOSITORIES = [ReportRepository, NoticeCodeRepository, NoticeInputsRepository];
