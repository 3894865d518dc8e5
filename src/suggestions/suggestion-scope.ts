// Who may read and write the suggestion library: the alliance's subject leads (their subject) and admins (all,
// and the generic suggestions). Markers, scanners and principals do not see the library itself; reports carry its texts.
import { Actor, assertScope } from '../common/actor.js';
import { Role } from '../common/role.js';

export function assertCanRead(actor: Actor, allianceId: number): void {
  assertScope(
    actor.isAdminOf(allianceId) || actor.grants.some((g) => g.role === Role.SubjectLead && g.allianceId === allianceId),
    '只有本联盟的学科组长和联盟管理员可以查看和维护补短板建议库',
  );
}

/** May the actor write suggestions of this subject (null: the generic ones) in the alliance? */
export const canWrite = (actor: Actor, allianceId: number, subject: string | null): boolean =>
  subject === null ? actor.isAdminOf(allianceId) : actor.isSubjectLeadOf(allianceId, subject);

export function assertCanWrite(actor: Actor, allianceId: number, subject: string | null): void {
  assertScope(
    canWrite(actor, allianceId, subject),
    subject === null
      ? '只有联盟管理员可以维护通用建议（不分学科）'
      : `只有“${subject}”学科组长或联盟管理员可以维护该学科的建议`,
  );
}
