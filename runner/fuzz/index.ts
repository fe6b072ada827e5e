/**
 * Fuzz campaigns: generated runs (arbitraries.ts) with nemeses that watch and strike
 * (nemesis.ts, rules.ts), one run at a time with shrinking to a 1-minimal schedule
 * (campaign.ts, shrink.ts), and their totals with the fault × phase coverage (stats.ts). The
 * CLI spreads runs over worker threads and shards; this folder stays free of Node APIs.
 */
export { FUZZ_KINDS, faultsArbitrary, specArbitrary, type SpecContext } from './arbitraries.js';
export {
  Campaign, CAMPAIGN_LIMITS, type CampaignConfig, type Counterexample, inconclusive,
  type RunOutcome,
  runSeed, shardIndex, withStrikes,
} from './campaign.js';
export { catchingProperties, hunt, type HuntOptions, type HuntResult } from './hunt.js';
export { type NemesisPlan, RuleNemesis } from './nemesis.js';
export { DEFAULT_PROFILE, type FuzzProfile, profileFor } from './profile.js';
export { COVERAGE_KINDS, type CoverageKind, coverageCells } from './rules.js';
export { shrinkRun } from './shrink.js';
export { addOutcome, type CampaignStats, emptyStats } from './stats.js';
