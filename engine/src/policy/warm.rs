//! A pack's pool of rhai function-resolution caches, kept warm between the calls a screening
//! makes into the pack's scripts (`script::warm` makes the calls). A cache belongs with its pack:
//! what a call resolves to depends only on the engine and the pack's compiled scripts.

use std::sync::{Mutex, PoisonError};

use rhai::Caches;

/// At most this many caches wait in a pool (one per thread screening with the pack at once, and
/// one more per nested helper call); more are dropped when given back.
const MAX_POOLED: usize = 64;

/// A cache holding more entries than this is emptied when given back. Entries are bounded by
/// the pack's distinct calls (names and argument types), so this only bounds a pathological
/// pack's memory; it never changes what a call resolves to.
const MAX_ENTRIES: usize = 4_096;

/// A pack's function-resolution caches that no call is using.
#[derive(Default)]
pub(crate) struct Pool(Mutex<Vec<Caches>>);

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.lock().map_or(0, |p| p.len());
        write!(f, "Pool({n} caches)")
    }
}

impl Pool {
    /// A cache for one call, with the one layer every call resolves through (rhai would create
    /// it at the first call).
    pub(crate) fn take(&self) -> Caches {
        let mut caches = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .unwrap_or_default();
        let _ = caches.fn_resolution_cache_mut();
        caches
    }

    /// Gives back a cache a call has used. A call leaves the stack of caches as it found it
    /// (one layer); rewinding only makes sure.
    pub(crate) fn give(&self, mut caches: Caches) {
        caches.rewind_fn_resolution_caches(1);
        if caches.fn_resolution_cache_mut().dict.len() > MAX_ENTRIES {
            caches = Caches::new();
        }
        let mut pool = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if pool.len() < MAX_POOLED {
            pool.push(caches);
        }
    }
}
