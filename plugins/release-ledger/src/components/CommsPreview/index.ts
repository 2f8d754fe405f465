export { CommsPreview } from './CommsPreview';
export type { CommsPreviewProps } from './CommsPreview';
