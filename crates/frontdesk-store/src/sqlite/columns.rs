//! Column lists (`"id, u.email, f(x) AS n"`) as the row mappings read them: where a name
//! stands, worked out while compiling.

/// Where the column `name` stands in the column list `cols`, the list's entries being named by
/// their alias (`… AS name`) or else by what follows the table's prefix (`u.name`). Evaluated
/// while compiling ([`at!`]), so reading by name costs what reading by index does; rusqlite's
/// own lookup by name scans the statement's column names at every read of every row, and an
/// export reads a million rows.
pub(crate) const fn position(cols: &str, name: &str) -> usize {
    let c = cols.as_bytes();
    let mut start = 0;
    let mut index = 0;
    while start <= c.len() {
        let end = entry_end(c, start);
        if entry_named(c, start, end, name.as_bytes()) {
            return index;
        }
        index += 1;
        start = end + 1;
    }
    panic!("a column name that is not in the list");
}

/// How many entries the column list has.
pub(crate) const fn count(cols: &str) -> usize {
    let c = cols.as_bytes();
    let (mut start, mut n) = (0, 0);
    while start <= c.len() {
        start = entry_end(c, start) + 1;
        n += 1;
    }
    n
}

/// Where the entry from `start` ends: at the next comma outside brackets and quotes.
const fn entry_end(c: &[u8], start: usize) -> usize {
    let (mut i, mut depth, mut quoted) = (start, 0i32, false);
    while i < c.len() {
        match c[i] {
            b'\'' => quoted = !quoted,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth -= 1,
            b',' if !quoted && depth == 0 => return i,
            _ => {}
        }
        i += 1;
    }
    i
}

/// Whether the entry `c[start..end]` is named `name`.
const fn entry_named(c: &[u8], start: usize, end: usize, name: &[u8]) -> bool {
    let mut end = end;
    while end > start && c[end - 1] == b' ' {
        end -= 1;
    }
    // The name starts after the last " AS ", else after the last '.', else where the entry does.
    let mut from = start;
    while from < end && c[from] == b' ' {
        from += 1;
    }
    let mut i = end;
    while i > from {
        i -= 1;
        if i + 4 <= end && c[i] == b' ' && c[i + 1] == b'A' && c[i + 2] == b'S' && c[i + 3] == b' '
        {
            from = i + 4;
            break;
        }
        if c[i] == b'.' {
            from = i + 1;
            break;
        }
    }
    if end - from != name.len() {
        return false;
    }
    let mut k = 0;
    while k < name.len() {
        if c[from + k] != name[k] {
            return false;
        }
        k += 1;
    }
    true
}

/// The position of the column `$name` in the column list `$cols`, as a constant.
macro_rules! at {
    ($cols:expr, $name:literal) => {
        const { $crate::sqlite::columns::position($cols, $name) }
    };
}
pub(crate) use at;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_found_by_alias_or_after_its_table() {
        const LIST: &str = "id, u.email, date(e.at / 1000000, 'unixepoch') AS day, f(a, ',') AS n";
        assert_eq!(count(LIST), 4);
        assert_eq!(at!(LIST, "id"), 0);
        assert_eq!(at!(LIST, "email"), 1);
        assert_eq!(at!(LIST, "day"), 2);
        assert_eq!(at!(LIST, "n"), 3);
    }
}
