export { LedgerStatusCard } from './LedgerStatusCard';
