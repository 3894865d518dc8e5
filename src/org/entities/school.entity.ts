import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export enum SchoolKind {
  Lead = 'lead', // 龙头校/牵头校
  Member = 'member', // 成员校
  Comparison = 'comparison', // 联盟外对照校
}
export enum Locality {
  Urban = 'urban',
  Rural = 'rural',
}

@Entity('school')
@Index(['allianceId', 'code'], { unique: true })
export class School {
  @PrimaryGeneratedColumn() id: number;
  @Column() allianceId: number;
  @Column({ length: 100 }) name: string;
  @Column({ length: 40 }) code: string;
  @Column({ type: 'varchar', length: 16 }) kind: SchoolKind;
  @Column({ type: 'varchar', length: 16 }) locality: Locality;
}
