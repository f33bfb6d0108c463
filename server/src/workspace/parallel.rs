//! Work over many independent items: on every core with the `parallel`
//! feature (rayon), one after another without it (the browser build, which
//! has no threads). The one place outside `loader` that names rayon, so the
//! fallback is this file and nothing else.

/// `f` over every item, results in the items' order.
#[cfg(feature = "parallel")]
pub(crate) fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    items.par_iter().map(f).collect()
}

/// `f` over every item, results in the items' order.
#[cfg(not(feature = "parallel"))]
pub(crate) fn par_map<T, R>(items: &[T], f: impl Fn(&T) -> R) -> Vec<R> {
    items.iter().map(f).collect()
}

#[cfg(test)]
mod tests {
    use super::par_map;

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u32> = (0..1000).collect();
        assert_eq!(par_map(&items, |item| item * 2), items.iter().map(|item| item * 2).collect::<Vec<_>>());
    }
}
