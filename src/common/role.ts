/** The roles a user can hold; each grant carries its scope (see RoleGrant in actor.ts). */
export enum Role {
  Admin = 'admin',
  SubjectLead = 'subject_lead',
  Marker = 'marker',
  Scanner = 'scanner',
  Principal = 'principal',
  /** 监考员: records 缺考 and 违纪 in the rooms of its school (candidates/). */
  Proctor = 'proctor',
}
