// The evidence chain as a library: what the runners, the TUI, the CLI and tests call.
export { checkChain, sha256Hex, ZERO_HASH, type EventRecord } from './chain.js';
export { listSessions, resolveSession, summarize, type SessionStatus, type SessionSummary } from './catalog.js';
export { EvidenceWriter, evidencePath, writeEvidence, type EvidenceRef } from './evidence.js';
export { EVIDENCE_DIR, LOG_FILE, SessionLog, SIG_FILE, SealedLogError, TamperedLogError } from './log.js';
export { SessionLockedError } from './lock.js';
export { configDir, sessionsDir, stateDir } from './paths.js';
export { Redactor, redactString, type RedactionCounts, type RedactionKind } from './redact.js';
export { Session, type Purpose, type StartSessionOptions, type StepStatus, type Where } from './session.js';
export { EVENT_TYPES, type EventFields, type EventOf, type EventType, type SessionEvent } from './events.js';
export { emptyView, foldEvent, viewOf, type SessionView } from './view.js';
export { defaultIdentity, keyFiles, keygen, loadSigner, trustKey, type Signer } from './signer.js';
export { SESSION_NAMESPACE, signMessage, verifyMessage } from './sshsig.js';
export { verifySession, type VerifyResult } from './verify.js';
export { fingerprint } from './keys.js';
