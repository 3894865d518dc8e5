import { ForbiddenException } from '@nestjs/common';
import { Role } from './role.js';

export interface RoleGrant {
  role: Role;
  allianceId: number;
  schoolId: number | null;
  subject: string | null;
  /** The class of a teacher grant (null or absent for every other role). */
  classId?: number | null;
}

/** The authenticated person behind a request, with every role and scope they hold. */
export class Actor {
  constructor(
    readonly userId: number,
    readonly username: string,
    readonly displayName: string,
    readonly grants: RoleGrant[],
  ) {}

  has(role: Role): boolean {
    return this.grants.some((g) => g.role === role);
  }

  /** Alliances in which the actor holds the role. */
  alliancesAs(role: Role): number[] {
    return [...new Set(this.grants.filter((g) => g.role === role).map((g) => g.allianceId))];
  }

  isAdminOf(allianceId: number): boolean {
    return this.grants.some((g) => g.role === Role.Admin && g.allianceId === allianceId);
  }

  /** True if the actor holds the role for this school (admins of the alliance count for every school). */
  canActForSchool(role: Role, allianceId: number, schoolId: number): boolean {
    return (
      this.isAdminOf(allianceId) ||
      this.grants.some((g) => g.role === role && g.allianceId === allianceId && g.schoolId === schoolId)
    );
  }

  isSubjectLeadOf(allianceId: number, subject: string): boolean {
    return (
      this.isAdminOf(allianceId) ||
      this.grants.some((g) => g.role === Role.SubjectLead && g.allianceId === allianceId && g.subject === subject)
    );
  }

  isMarkerIn(allianceId: number, subject?: string): boolean {
    return this.grants.some(
      (g) =>
        g.role === Role.Marker &&
        g.allianceId === allianceId &&
        (g.subject === null || subject === undefined || g.subject === subject),
    );
  }

  /** Schools of the alliance for which the actor holds the principal role (the principal's school scope). */
  principalSchools(allianceId: number): number[] {
    const ids = this.grants
      .filter((g) => g.role === Role.Principal && g.allianceId === allianceId && g.schoolId !== null)
      .map((g) => g.schoolId as number);
    return [...new Set(ids)];
  }

  /** A bureau reader of the alliance (its county's 教研员/督导): grants are expanded to one per alliance of the county. */
  isBureauOf(allianceId: number): boolean {
    return this.grants.some((g) => g.role === Role.Bureau && g.allianceId === allianceId);
  }

  /** May read the alliance's overview with every school named: its admin or its county's bureau. */
  readsAllianceOverview(allianceId: number): boolean {
    return this.isAdminOf(allianceId) || this.isBureauOf(allianceId);
  }

  /** The teacher grants of the alliance: each a class, with a subject (任课教师) or none (班主任, every subject). */
  teacherGrants(allianceId: number): { schoolId: number; classId: number; subject: string | null }[] {
    return this.grants
      .filter((g) => g.role === Role.Teacher && g.allianceId === allianceId && g.schoolId !== null && g.classId != null)
      .map((g) => ({ schoolId: g.schoolId as number, classId: g.classId as number, subject: g.subject }));
  }

  /** Any role at all in the alliance. */
  belongsTo(allianceId: number): boolean {
    return this.grants.some((g) => g.allianceId === allianceId);
  }
}

export function deny(message = '无权访问该资源'): never {
  throw new ForbiddenException(message);
}

export function assertScope(ok: boolean, message?: string): void {
  if (!ok) deny(message);
}
