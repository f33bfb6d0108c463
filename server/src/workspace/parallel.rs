//! Work over many independent items: on every core with the `parallel`
//! feature (rayon), one after another without it (the browser build, which
//! has no threads). The one place outside `loader` that names rayon, so the
//! fallback is this file and nothing else.
//!
//! The language server's long jobs (the first read of the workspace, a
//! fresh analysis of every file) run `in_background`, on a pool of their
//! own: work the main loop hands to rayon's global pool (a keystroke's
//! update, a snapshot's index) would otherwise queue behind every one of a
//! 10,000-file read's jobs, and a hover sent while it runs would wait for
//! all of them.

/// `f` over every item, results in the items' order.
#[cfg(feature = "parallel")]
pub(crate) fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    items.par_iter().map(f).collect()
}

/// `a` and `b`, side by side.
#[cfg(feature = "parallel")]
pub(crate) fn join<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    rayon::join(a, b)
}

/// `a`, then `b`.
#[cfg(not(feature = "parallel"))]
pub(crate) fn join<A, B>(a: impl FnOnce() -> A, b: impl FnOnce() -> B) -> (A, B) {
    (a(), b())
}

/// How many threads `par_map` runs on here.
#[cfg(feature = "parallel")]
pub(crate) fn threads() -> usize {
    rayon::current_num_threads()
}

/// How many threads `par_map` runs on: one.
#[cfg(not(feature = "parallel"))]
pub(crate) fn threads() -> usize {
    1
}

/// Runs `work` on the background jobs' pool, where its parallel parts run
/// too (see the module's comment).
#[cfg(feature = "parallel")]
pub fn in_background<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    let pool = POOL.get_or_init(|| {
        let built =
            rayon::ThreadPoolBuilder::new().thread_name(|number| format!("kube-lsp background {number}")).build();
        built.map_err(|error| tracing::warn!("no pool for background jobs, they share the main one: {error}")).ok()
    });
    match pool {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// Runs `work` (there is no other pool without threads).
#[cfg(not(feature = "parallel"))]
pub fn in_background<R>(work: impl FnOnce() -> R) -> R {
    work()
}

/// `f` over every item, results in the items' order.
#[cfg(not(feature = "parallel"))]
pub(crate) fn par_map<T, R>(items: &[T], f: impl Fn(&T) -> R) -> Vec<R> {
    items.iter().map(f).collect()
}

#[cfg(test)]
mod tests {
    use super::par_map;

    /// Background work that holds every thread of its pool does not hold up
    /// the parallel work of another thread (the main loop's).
    #[cfg(feature = "parallel")]
    #[test]
    fn work_outside_the_background_pool_does_not_wait_for_it() {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        use std::time::{Duration, Instant};
        static RELEASED: AtomicBool = AtomicBool::new(false);
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        const HOLD: Duration = Duration::from_secs(20);
        let deadline = Instant::now() + HOLD;
        let background = std::thread::spawn(move || {
            let items: Vec<u32> = (0..64).collect();
            super::in_background(|| {
                par_map(&items, |_| {
                    STARTED.fetch_add(1, Ordering::SeqCst);
                    while !RELEASED.load(Ordering::SeqCst) && Instant::now() < deadline {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                })
            })
        });
        while STARTED.load(Ordering::SeqCst) == 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
        let started = Instant::now();
        let doubled = par_map(&[1, 2, 3], |item| item * 2);
        // Had it queued behind the background jobs, it would have waited
        // for them to give up holding.
        let waited = started.elapsed();
        RELEASED.store(true, Ordering::SeqCst);
        assert_eq!(doubled, [2, 4, 6]);
        assert!(waited < HOLD / 2, "waited {waited:?} for the background jobs");
        assert_eq!(background.join().map(|results| results.len()).ok(), Some(64));
    }

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u32> = (0..1000).collect();
        assert_eq!(par_map(&items, |item| item * 2), items.iter().map(|item| item * 2).collect::<Vec<_>>());
    }
}
