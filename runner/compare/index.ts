/**
 * Comparisons: one scenario against several designs, one table of figures measured alike
 * (docs/compare.md). Browser-safe: the CLI and the visualizer both use it.
 */
export { compareSchema, type Comparison, conditionsDiffer, type Design, isComparisonText,
  loadComparison, loadComparisonRaw, loadDesigns } from './comparison.js';
export { FIGURES, type FigureRow, figureRows, outageCell } from './figures.js';
export { checkRelation, type DesignFigures, parseRelation, type Relation,
  type RelationResult } from './relations.js';
export { findRoleFaults, type RoleFault, type RoleRef } from './roles.js';
export { type CompareOptions, compareRuns, type ComparisonReport, type DesignRun,
  type ResolvedRole, runComparison, runDesign } from './run.js';
