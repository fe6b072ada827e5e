/**
 * Fuzz campaigns: generated runs (arbitraries.ts), one run at a time with shrinking
 * (campaign.ts), and their totals (stats.ts). The CLI spreads runs over worker threads and
 * shards; this folder stays free of Node APIs.
 */
export { FUZZ_KINDS, faultsArbitrary, specArbitrary, type SpecContext } from './arbitraries.js';
export {
  Campaign, type CampaignConfig, type Counterexample, inconclusive, indexesFor, type RunOutcome,
  runSeed,
} from './campaign.js';
export { DEFAULT_PROFILE, type FuzzProfile, profileFor } from './profile.js';
export { addOutcome, type CampaignStats, emptyStats } from './stats.js';
