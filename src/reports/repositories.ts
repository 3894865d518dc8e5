// The repositories this feature owns, for the data module (src/data.module.ts): every feature may call them.
import { ReportRepository } from './report.repository.js';

export const REPORTS_REPOSITORIES = [ReportRepository];
