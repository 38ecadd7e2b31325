//! Writing to stdout: buffered, and quiet when the reader goes away (`attn … | head`).

use std::io::{self, BufWriter, ErrorKind, Write};

use crate::error::{CliError, CliResult};

/// Runs `write` on a buffered, locked stdout. A closed pipe ends the output without an error;
/// any other write failure becomes a message.
pub fn to_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> CliResult<()> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(CliError::new(format!("cannot write the output: {e}"))),
        _ => Ok(()),
    }
}

/// Writes `value` as one line of compact JSON.
pub fn json_line(out: &mut dyn Write, value: &impl serde::Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(io::Error::from)?;
    writeln!(out)
}
