import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A bureau user (教研员/督导) of a county: read-only, granted Role.Bureau in every alliance of the county when its
 * session loads (auth/user.repository.ts sessionOf).
 */
@Entity('bureau_user')
@Index(['userId', 'countyId'], { unique: true })
export class BureauUser {
  @PrimaryGeneratedColumn() id: number;
  @Column() userId: number;
  @Index() @Column() countyId: number;
}
