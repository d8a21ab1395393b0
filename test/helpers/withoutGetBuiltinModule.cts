/**
 * Preload for `node -r`: removes process.getBuiltinModule, as on Node before 20.16, so a test can
 * run the real CLI the way such a Node would.
 */
Reflect.deleteProperty(process, 'getBuiltinModule');
