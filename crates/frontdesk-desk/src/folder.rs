//! The desk's data folder is for the desk's user alone: the folder `0700`, every file in it
//! `0600`. It holds the vault, the caches (visitors' names, emails, visits) and the built-in
//! portal's database, and front-desk PCs are often shared machines with several accounts.
//!
//! Three things keep it so: the folder is created (or tightened, for one an earlier version
//! made with the default umask) on every start, with everything already in it; files the desk
//! writes are created `0600` ([`crate::vault::write_private`]); and SQLite databases are
//! created `0600` before SQLite opens them, because SQLite gives its `-wal` and `-shm` files the
//! main file's mode. The app also sets a `077` umask, for whatever else lands there (WebKit's
//! own data, for one).
//!
//! Elsewhere than on Unix this does nothing: there the folder's access is the user profile's.

use std::path::Path;

use crate::DeskError;

/// Create `dir` if needed, and make it and everything under it private to this user. Symbolic
/// links are left alone (never followed), so a link in the folder cannot make the desk change
/// the mode of a file elsewhere.
pub(crate) fn make_private(dir: &Path) -> Result<(), DeskError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| {
        DeskError::Local(format!(
            "The desk cannot create its data folder {}: {e}.",
            dir.display()
        ))
    })?;
    tighten(dir)
}

/// Create the SQLite database at `path` readable by its owner only, if it does not exist yet
/// (SQLite would create it with the umask's mode, and its `-wal` and `-shm` files after it).
pub(crate) fn private_database(path: &Path) -> Result<(), DeskError> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path).map(drop).map_err(|e| {
        DeskError::Local(format!("The desk cannot create {}: {e}.", path.display()))
    })?;
    set_mode(path, 0o600)
}

#[cfg(unix)]
fn tighten(path: &Path) -> Result<(), DeskError> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| unreadable(path, &e))?;
    if meta.file_type().is_symlink() {
        return Ok(());
    }
    if meta.is_dir() {
        set_mode(path, 0o700)?;
        for entry in std::fs::read_dir(path).map_err(|e| unreadable(path, &e))? {
            tighten(&entry.map_err(|e| unreadable(path, &e))?.path())?;
        }
        Ok(())
    } else {
        set_mode(path, 0o600)
    }
}

#[cfg(not(unix))]
fn tighten(_: &Path) -> Result<(), DeskError> {
    Ok(())
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> Result<(), DeskError> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::symlink_metadata(path).map_err(|e| unreadable(path, &e))?;
    if meta.permissions().mode() & 0o777 == mode {
        return Ok(());
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(|e| {
        DeskError::Local(format!(
            "The desk cannot make {} private to this user ({e}). Check that the data folder \
             belongs to the user the desk runs as.",
            path.display()
        ))
    })
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) -> Result<(), DeskError> {
    Ok(())
}

#[cfg(unix)]
fn unreadable(path: &Path, e: &std::io::Error) -> DeskError {
    DeskError::Local(format!(
        "The desk cannot read {} in its data folder: {e}.",
        path.display()
    ))
}
