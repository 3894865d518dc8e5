/** The roles a user can hold; each grant carries its scope (see RoleGrant in actor.ts). */
export enum Role {
  Admin = 'admin',
  SubjectLead = 'subject_lead',
  Marker = 'marker',
  Scanner = 'scanner',
  Principal = 'principal',
}
