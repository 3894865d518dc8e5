// Small fixtures written straight to the test database (the API paths that create these are tested on their own).
import { DataSource } from 'typeorm';
import { AuthService } from '../../src/auth/auth.service.js';
import { User } from '../../src/auth/entities/user.entity.js';
import { Role } from '../../src/common/role.js';
import { UserRole } from '../../src/auth/entities/user-role.entity.js';
import { Alliance } from '../../src/org/entities/alliance.entity.js';
import { Locality, School, SchoolKind } from '../../src/org/entities/school.entity.js';

export async function createAlliance(ds: DataSource, name = '测试教联体', code = `A${Date.now().toString(36)}`) {
  return ds.getRepository(Alliance).save({ name, code });
}

export async function createSchool(
  ds: DataSource,
  allianceId: number,
  name: string,
  code: string,
  kind = SchoolKind.Member,
  locality = Locality.Rural,
) {
  return ds.getRepository(School).save({ allianceId, name, code, kind, locality });
}

export async function createUser(
  ds: DataSource,
  username: string,
  password: string,
  grants: {
    role: Role;
    allianceId: number;
    schoolId?: number | null;
    subject?: string | null;
    classId?: number | null;
  }[],
  allianceId: number | null = grants[0]?.allianceId ?? null,
) {
  const user = await ds.getRepository(User).save({
    username,
    displayName: username,
    passwordHash: await AuthService.hashPassword(password),
    allianceId,
    active: true,
  });
  for (const g of grants)
    await ds.getRepository(UserRole).save({
      userId: user.id,
      role: g.role,
      allianceId: g.allianceId,
      schoolId: g.schoolId ?? null,
      subject: g.subject ?? null,
      classId: g.classId ?? null,
    });
  return user;
}
