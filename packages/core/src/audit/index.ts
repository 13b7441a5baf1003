// Audits of systems (container configuration in the spirit of the CIS Docker Benchmark, installed vulnerabilities) and compliance status per framework.
export { AUDIT_CHECKS, checkDefinition } from './checks.js';
export type { AuditCheckId, CheckDefinition } from './checks.js';
export { FRAMEWORKS, FRAMEWORK_IDS, isFrameworkId } from './frameworks.js';
export type { FrameworkDefinition } from './frameworks.js';
export { CheckTally } from './check-tally.js';
export type { AuditEvaluation } from './check-tally.js';
export { CONTAINER_CHECK_IDS, evaluateContainers, isRootUser } from './container-checks.js';
export type { ContainerAuditInput, ContainerCheckOptions, ImageScanVulnerability } from './container-checks.js';
export { VULNERABILITY_CHECK_IDS, evaluateVulnerabilities } from './vulnerability-checks.js';
export { buildAudit, countFindings, SEVERITY_RANK } from './audit-report.js';
export type { AuditSubject, BuildAuditInput } from './audit-report.js';
export { complianceStatus, latestAuditPerSystem } from './compliance.js';
