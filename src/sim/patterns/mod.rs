//! Resilience patterns, one per file, with the semantics of the libraries learners use at work
//! (Resilience4j, Polly, Envoy, gRPC). Each is plain state plus rules, driven by the engine (or by
//! the command line's replay tools) with explicit times, so every rule can be tested on its own.

pub mod backoff;
pub mod budget;
pub mod bulkhead;
pub mod circuit_breaker;
pub mod deadline;
pub mod degradation;
pub mod hedging;
pub mod idempotency;
pub mod jitter_model;
pub mod quorum;
pub mod retry;
pub mod saga;
pub mod shedding;
