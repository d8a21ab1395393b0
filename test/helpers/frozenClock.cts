/**
 * Preload for `node -r` (through NODE_OPTIONS, so the launcher can stay in the way): Date.now
 * returns FROZEN_CLOCK_MS, so that a CLI run signs in a second a test picked (the second a peer
 * tool signed in, to compare tokens byte for byte).
 */
const frozenAt = Number(process.env.FROZEN_CLOCK_MS);
if (Number.isFinite(frozenAt) && frozenAt > 0) Date.now = () => frozenAt;
