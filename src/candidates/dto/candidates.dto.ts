/** POST /api/exams/:id/candidates/numbers: the exam-number rule (segments and check digit; the year is optional). */
export interface NumberRuleBody {
  segments?: unknown;
  checkDigit?: unknown;
  year?: unknown;
}

/** POST /api/exams/:id/candidates/rooms: how to seat the exam's students, and who sits in special rooms. */
export interface SeatingBody {
  scope?: unknown;
  capacity?: unknown;
  columns?: unknown;
  specialCapacity?: unknown;
  venueSchoolId?: unknown;
  maxRooms?: unknown;
  /** Roster numbers (学籍号) of students for special rooms. */
  specialRosterNos?: unknown;
}

/** POST /api/exams/:id/rooms/:roomId/violations */
export interface ViolationBody {
  studentId?: unknown;
  paperId?: unknown;
  kind?: unknown;
  note?: unknown;
}
