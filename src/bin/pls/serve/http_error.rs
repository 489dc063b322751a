//! Errors as the HTTP layer answers them: an [`Error`] with the status it is
//! sent with (its kind's [`http_status`](plasmite::ErrorKind::http_status),
//! or a status of the HTTP layer's own: 405, 408, 413, 431), rendered as the
//! protocol's `{"error": {...}}` envelope.

use plasmite::Error;

use super::http::Conn;

/// An error with the HTTP status it is answered with.
#[derive(Debug)]
pub struct HttpError {
    /// HTTP status.
    pub status: u16,
    /// The error, rendered as the protocol's envelope.
    pub error: Error,
}

impl HttpError {
    /// An error answered with `status`.
    pub fn new(status: u16, error: Error) -> HttpError {
        HttpError { status, error }
    }
}

impl From<Error> for HttpError {
    fn from(error: Error) -> Self {
        HttpError {
            status: error.kind().http_status(),
            error,
        }
    }
}

/// Sends an error envelope.
pub fn send_error(conn: &mut Conn, e: &HttpError) -> std::io::Result<()> {
    let body = serde_json::to_vec(&e.error.to_json()).unwrap_or_default();
    conn.respond(e.status, "application/json", &[], &body)
}
