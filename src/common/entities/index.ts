// The tables this feature owns: only its repositories write them (tools/check-architecture.mjs, rule "owner").
import { AuditLog } from './audit-log.entity.js';

export const COMMON_ENTITIES = [AuditLog];
