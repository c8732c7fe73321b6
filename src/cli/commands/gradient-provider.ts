// The `gradient` direction's provider now lives in core (core/jobs/providers.ts); re-exported for the commands
// that still assemble their own direction context (explain).
export { gradientProvider } from '../../core/jobs/providers.js';
