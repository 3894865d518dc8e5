import type { Actor } from '../common/actor.js';
import { Role } from '../common/role.js';

/** 'all' for the alliance's admin, the lead's subjects, or null when the caller leads nothing there. */
export function leadSubjects(actor: Actor, allianceId: number): string[] | 'all' | null {
  if (actor.isAdminOf(allianceId)) return 'all';
  const subjects = actor.grants
    .filter((g) => g.role === Role.SubjectLead && g.allianceId === allianceId && g.subject)
    .map((g) => g.subject!);
  return subjects.length ? [...new Set(subjects)] : null;
}
