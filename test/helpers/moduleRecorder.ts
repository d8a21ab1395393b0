/**
 * Preload for `node --import`: reports every module URL the program resolves, one per line on fd 3,
 * so a test can prove which modules a run loaded. The hooks run on their own thread.
 */
import { register } from 'node:module';

register('./moduleRecorderHooks.js', import.meta.url);
