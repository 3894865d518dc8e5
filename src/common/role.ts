/** The roles a user can hold; each grant carries its scope (see RoleGrant in actor.ts). */
export enum Role {
  Admin = 'admin',
  SubjectLead = 'subject_lead',
  Marker = 'marker',
  Scanner = 'scanner',
  Principal = 'principal',
  /** 监考员: records 缺考 and 违纪 in the rooms of its school (candidates/). */
  Proctor = 'proctor',
  /** 班主任/任课教师: reads the reports of its classes (classId), of one subject or, with subject null, all (班主任). */
  Teacher = 'teacher',
  /** 教育局教研员/督导: read-only overviews of the alliances of its county (区县); grants expanded per alliance. */
  Bureau = 'bureau',
}
