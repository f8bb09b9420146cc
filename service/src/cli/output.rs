//! Output for the commands: `outln!`/`out!` to stdout and `errln!` to stderr, none of which
//! panics when the reader has gone.

use std::io::Write;

use super::error::Failure;

/// Whether the reader of stdout has gone (`imvo scenarios run | head -1`): the rest of the
/// output is dropped.
pub(super) static STDOUT_GONE: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// `println!` for the commands' output, returning `Result<(), Failure>`. `println!` panics when
/// the reader of stdout has gone ("failed printing to stdout: Broken pipe", exit 101), and the
/// usual cure, restoring the default SIGPIPE action, needs `unsafe`, which this workspace
/// forbids. So the output goes through a locked stdout, and a broken pipe ends it quietly: the
/// command finishes with its own exit code. Any other write error (a full disk) is a failure.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::output::write_stdout(format_args!($($arg)*), true)
    };
}

/// [`outln!`] without the line break.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::output::write_stdout(format_args!($($arg)*), false)
    };
}

/// `eprintln!` that never panics: with stderr closed (`2>&1 | head -1`) the message is lost,
/// and the exit code still tells.
macro_rules! errln {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// Writes to stdout for [`outln!`] and [`out!`].
pub(crate) fn write_stdout(args: std::fmt::Arguments<'_>, newline: bool) -> Result<(), Failure> {
    if STDOUT_GONE.load(std::sync::atomic::Ordering::Relaxed) {
        return Ok(());
    }
    let mut w = std::io::stdout().lock();
    let written = w
        .write_fmt(args)
        .and_then(|()| if newline { w.write_all(b"\n") } else { Ok(()) });
    stdout_written(written)
}

/// The result of a write to stdout: a broken pipe marks stdout gone and is not an error.
pub(crate) fn stdout_written(result: std::io::Result<()>) -> Result<(), Failure> {
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            STDOUT_GONE.store(true, std::sync::atomic::Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(Failure::io(format!("cannot write to standard output: {e}"))),
    }
}

/// A stream whose reader may go away (`imvo batch --errors - | head`): after a broken pipe what
/// is written to it is dropped, and the writer goes on (the batch still writes its decisions).
pub(super) struct UntilClosed<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> UntilClosed<W> {
    pub(super) fn new(inner: W) -> UntilClosed<W> {
        UntilClosed {
            inner,
            closed: false,
        }
    }
}

impl<W: Write> Write for UntilClosed<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.inner.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}
