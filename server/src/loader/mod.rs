//! The loader: the only code that reads the disk. It lists a workspace's YAML
//! files, reads and analyses them in parallel, and reads `.kube-lsp.yaml`.
//! Both the language server and the CLI use it.
//!
//! It sits beside `workspace`: it builds `SourceFile`s but does not keep them,
//! and it knows nothing of rules, the protocol or the terminal.

// This is the one module that may touch the disk: clippy.toml denies the
// `std::fs` and `Path` calls that do everywhere else in the library.
#![allow(clippy::disallowed_methods)]

mod config_file;
mod disk;
pub(crate) mod helm;
mod load;
mod walk;
mod watcher;

pub use config_file::{find_config_file, read_config_file, CONFIG_FILE_NAME};
pub use disk::DiskView;
pub use load::{load_bytes, load_file, load_files, load_files_with_errors, walk_and_load};
pub use walk::{check_readable, is_yaml_path, walk};
