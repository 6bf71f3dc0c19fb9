//! The limits the server enforces, defined once for the server and its clients.

/// Most mutations one push (`POST /mutations`) may carry; a desk with more sends several.
pub const MAX_MUTATIONS_PER_PUSH: usize = 500;
/// Largest body of a push, in bytes.
pub const MAX_PUSH_BYTES: usize = 512 * 1024;
/// Largest request body anywhere else (the registration excepted), in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The registration submission carries the photo: 5 MB of image is 6.7 MB of base64.
pub const MAX_REGISTRATION_BYTES: usize = 8 * 1024 * 1024;
/// Most changes one page of the change feed holds (`GET /changes?limit=`), and the default.
pub const CHANGES_PAGE: usize = 500;
/// Visitor-log pages: the default and the most a `limit` may ask.
pub const LOG_PAGE_DEFAULT: usize = 50;
pub const LOG_PAGE_MAX: usize = 500;
/// Newest notifications listed by `GET /notifications`.
pub const NOTIFICATIONS_PAGE: usize = 500;
/// Resolutions a badge raster may be asked at: label printers are 203, 300 or 600 dpi; the cap
/// keeps one request from costing the portal a poster-sized picture.
pub const BADGE_DPI_MIN: u32 = 100;
pub const BADGE_DPI_MAX: u32 = 600;
pub const BADGE_DPI_DEFAULT: u32 = 300;
/// A page of a host directory: the default and the most a `limit` may ask.
pub const HOSTS_PAGE_DEFAULT: usize = 50;
pub const HOSTS_PAGE_MAX: usize = 500;
/// Most hits of the lobby's host search.
pub const HOST_SEARCH_MAX: usize = 20;
/// Largest CSV a directory import takes, in bytes (some 20,000 people).
pub const MAX_IMPORT_BYTES: usize = 2 * 1024 * 1024;
