// The repositories this feature owns, for the data module (src/data.module.ts): every feature may call them.
import { AuditLogRepository } from './audit-log.repository.js';

export const COMMON_REPOSITORIES = [AuditLogRepository];
