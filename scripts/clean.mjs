// Empties dist/ before a build, so a compiled file whose source moved or went away is never run or
// installed (node --test runs every test file under dist/test).
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
