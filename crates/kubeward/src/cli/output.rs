//! Writing to standard output.

use std::io::{self, BufWriter, Write};

use anstream::{AutoStream, ColorChoice};

use super::ColorArg;

/// Whether text written to standard output should be coloured.
pub fn color_enabled(arg: ColorArg) -> bool {
    match arg {
        ColorArg::Always => true,
        ColorArg::Never => false,
        // anstream's choice: off when NO_COLOR is set and not empty, on
        // when CLICOLOR_FORCE is, else on for a terminal that supports it.
        ColorArg::Auto => AutoStream::choice(&io::stdout()) != ColorChoice::Never,
    }
}

/// Writes `text` to standard output. A reader that closed the pipe early,
/// such as `head`, is not an error: the rest of the output is dropped.
pub fn print(text: &str, color: bool) -> io::Result<()> {
    let choice = if color {
        ColorChoice::Always
    } else {
        ColorChoice::Never
    };
    let mut stdout = AutoStream::new(io::stdout().lock(), choice);
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        result => result,
    }
}

/// Runs `write` on a buffered standard output and flushes it, so that
/// output is written while it is produced rather than built in memory
/// first. A reader that closed the pipe early, such as `head`, is not an
/// error: the rest of the output is dropped.
pub fn write_stdout(
    color: bool,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let choice = if color {
        ColorChoice::Always
    } else {
        ColorChoice::Never
    };
    let mut stdout = BufWriter::new(AutoStream::new(io::stdout().lock(), choice));
    match write(&mut stdout).and_then(|()| stdout.flush()) {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        result => result,
    }
}
