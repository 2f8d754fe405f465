export { WeeklyNote } from './WeeklyNote';
export type { WeeklyNoteProps } from './WeeklyNote';
