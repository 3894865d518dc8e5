import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Role } from '../../common/role.js';

/**
 * One role of a user with its scope. A user may hold several. The scope columns that apply:
 * admin → alliance; subject_lead → alliance + subject; marker → alliance (+ subject); scanner and principal → school;
 * teacher → school + class (+ subject: none for 班主任, one for 任课教师).
 */
@Entity('user_role')
// Unique per (user, role, alliance, school, subject), NULLs counted as equal: the migration puts the key on
// generated NULL-free twins of school_id, subject and class_id (school_key, subject_key, class_key), which the entity does not map.
export class UserRole {
  @PrimaryGeneratedColumn() id: number;
  @Index() @Column() userId: number;
  @Column({ type: 'varchar', length: 20 }) role: Role;
  @Column() allianceId: number;
  @Column({ type: 'int', nullable: true }) schoolId: number | null;
  @Column({ type: 'varchar', length: 40, nullable: true }) subject: string | null;
  /** The class of a teacher grant (NULL for every other role); the grant goes with its class. */
  @Column({ type: 'int', nullable: true }) classId: number | null;
}
