export { GateEvidence } from './GateEvidence';
export type { GateEvidenceProps } from './GateEvidence';
