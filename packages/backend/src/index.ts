import { createDevBackend } from './createDevBackend';

createDevBackend().start();
