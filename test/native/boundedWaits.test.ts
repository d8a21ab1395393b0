// test/daemon/boundedWaits.test.ts with the native client in front of every plain plugin run.
import { withNativeClient } from '../helpers/nativeSuite.js';

await withNativeClient(new URL('../daemon/boundedWaits.test.js', import.meta.url));
