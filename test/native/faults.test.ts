// test/daemon/faults.test.ts with the native client in front of every plain plugin run.
import { withNativeClient } from '../helpers/nativeSuite.js';

await withNativeClient(new URL('../daemon/faults.test.js', import.meta.url));
