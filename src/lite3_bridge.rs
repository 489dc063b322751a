//! Conversions between stored Lite3 payloads and JSON, for reads that cross
//! formats. (Placeholder until the Lite3 codec lands.)

use crate::error::{Error, ErrorKind, Result};

/// Appends the JSON text of the `data` member of a stored Lite3 message.
pub fn data_json(_payload: &[u8], _out: &mut Vec<u8>) -> Result<()> {
    Err(Error::new(
        ErrorKind::Internal,
        "Lite3 payloads cannot be read by this build yet",
    ))
}
