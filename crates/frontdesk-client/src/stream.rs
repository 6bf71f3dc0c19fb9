//! The change feed as server-sent events (`GET /changes/stream`), read line by line.

use std::io::{BufRead, BufReader, Lines};

use frontdesk_api::Change;
use reqwest::blocking::Response;

use crate::{ClientError, Result};

/// What one line of the stream brought.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamItem {
    /// A change, with its sequence number (the event's id): the cursor to resume from.
    Change { seq: i64, change: Box<Change> },
    /// Anything else: an event's id, the blank line ending it, the portal's keep-alive. Yielded
    /// so a reader can stop between two changes while the portal is quiet.
    Quiet,
}

/// The open stream; ends when the portal closes it, and an item is an error when it breaks.
pub struct ChangeStream {
    lines: Lines<BufReader<Response>>,
    /// The `id:` of the event being read.
    id: Option<i64>,
}

impl ChangeStream {
    pub(crate) fn new(r: Response) -> Self {
        Self {
            lines: BufReader::new(r).lines(),
            id: None,
        }
    }
}

impl Iterator for ChangeStream {
    type Item = Result<StreamItem>;

    fn next(&mut self) -> Option<Self::Item> {
        let line = match self.lines.next()? {
            Ok(l) => l,
            Err(e) => return Some(Err(ClientError::Offline(e.to_string()))),
        };
        if let Some(id) = line.strip_prefix("id:") {
            self.id = id.trim().parse().ok();
        } else if let Some(data) = line.strip_prefix("data:") {
            return Some(
                serde_json::from_str::<Change>(data.trim())
                    .map(|change| StreamItem::Change {
                        seq: self.id.take().unwrap_or(change.seq),
                        change: Box::new(change),
                    })
                    .map_err(|e| ClientError::Unexpected(e.to_string())),
            );
        }
        Some(Ok(StreamItem::Quiet))
    }
}
