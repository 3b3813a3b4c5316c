//! Reading one input whole, up to a maximum size.

use std::io::{self, ErrorKind, Read};

use crate::walk::{InputPath, IntakeError};

/// Largest input read by default, in bytes: 1 GiB, for each file and for
/// stdin. A scan keeps a whole input in memory, with its parsed documents,
/// so a larger input, or an endless one such as `/dev/zero`, is rejected
/// rather than read until memory runs out.
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

/// Bytes requested from the input per read call.
const READ_SIZE: usize = 64 * 1024;

/// Reads one input whole, up to [`MAX_INPUT_BYTES`].
///
/// # Errors
///
/// Returns [`IntakeError::Io`] when the input cannot be opened or read, or
/// is larger than [`MAX_INPUT_BYTES`].
pub fn read_input(input: &InputPath) -> Result<Vec<u8>, IntakeError> {
    read_input_with_limit(input, MAX_INPUT_BYTES)
}

/// Reads one input whole, up to `limit` bytes.
///
/// A regular file larger than `limit` is rejected before it is read. Other
/// inputs (stdin, pipes, devices) are read until they end or pass `limit`,
/// and the buffer grows with the data read, never past `limit` bytes, so an
/// endless input costs at most `limit` bytes of memory.
///
/// # Errors
///
/// Returns [`IntakeError::Io`] when the input cannot be opened or read.
/// Its source is of kind [`ErrorKind::FileTooLarge`] when the input is
/// larger than `limit`, and of kind [`ErrorKind::OutOfMemory`] when the
/// buffer cannot be allocated.
pub fn read_input_with_limit(input: &InputPath, limit: u64) -> Result<Vec<u8>, IntakeError> {
    let io_error = |source| IntakeError::Io {
        path: input.display(),
        source,
    };
    match input {
        InputPath::File(path) => {
            let file = std::fs::File::open(path).map_err(io_error)?;
            let regular_len = file
                .metadata()
                .ok()
                .filter(std::fs::Metadata::is_file)
                .map(|meta| meta.len());
            if regular_len.is_some_and(|len| len > limit) {
                return Err(io_error(too_large(limit)));
            }
            read_limited(file, limit, regular_len.unwrap_or(0)).map_err(io_error)
        }
        InputPath::Stdin => read_limited(io::stdin().lock(), limit, 0).map_err(io_error),
    }
}

/// Reads `reader` to its end, or fails once it yields more than `limit`
/// bytes. `expected_len` sizes the first allocation, so that a regular file
/// is read into a buffer of its own size.
fn read_limited(mut reader: impl Read, limit: u64, expected_len: u64) -> io::Result<Vec<u8>> {
    let max_len = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut bytes = Vec::new();
    grow(
        &mut bytes,
        usize::try_from(expected_len).unwrap_or(0).min(max_len),
    )?;
    let mut buffer = vec![0; READ_SIZE];
    loop {
        let read = match reader.read(&mut buffer) {
            Ok(0) => return Ok(bytes),
            Ok(read) => read,
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        let len = bytes.len() + read;
        if len > max_len {
            return Err(too_large(limit));
        }
        if len > bytes.capacity() {
            // Doubling keeps the copies linear, and the cap keeps the
            // buffer within the limit.
            let capacity = bytes.capacity().saturating_mul(2).max(len).min(max_len);
            grow(&mut bytes, capacity)?;
        }
        bytes.extend_from_slice(&buffer[..read]);
    }
}

/// Grows `bytes` to hold at least `capacity` bytes, reporting a failed
/// allocation as an error rather than aborting.
fn grow(bytes: &mut Vec<u8>, capacity: usize) -> io::Result<()> {
    let additional = capacity.saturating_sub(bytes.len());
    bytes
        .try_reserve_exact(additional)
        .map_err(|_| io::Error::new(ErrorKind::OutOfMemory, "out of memory"))
}

fn too_large(limit: u64) -> io::Error {
    let message = format!(
        "input is larger than {}, the maximum kubeward reads from one file or stdin; \
         split it into smaller files",
        format_size(limit)
    );
    io::Error::new(ErrorKind::FileTooLarge, message)
}

/// Formats a byte count in the largest binary unit that divides it, with
/// the exact count beside it: `1 GiB (1073741824 bytes)`, `999 bytes`.
fn format_size(bytes: u64) -> String {
    let units = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (size, unit) in units {
        if bytes >= size && bytes % size == 0 {
            return format!("{} {unit} ({bytes} bytes)", bytes / size);
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that yields zeros without end and counts what it yields.
    struct Zeros {
        yielded: usize,
    }

    impl Read for Zeros {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            buf.fill(0);
            self.yielded += buf.len();
            Ok(buf.len())
        }
    }

    #[test]
    fn endless_reader_stops_past_the_limit() {
        let mut zeros = Zeros { yielded: 0 };
        let error = read_limited(&mut zeros, 100_000, 0).expect_err("endless");
        assert_eq!(error.kind(), ErrorKind::FileTooLarge);
        assert!(zeros.yielded <= 100_000 + READ_SIZE, "{}", zeros.yielded);
    }

    #[test]
    fn buffer_never_exceeds_the_limit() {
        let data = vec![7u8; 200_000];
        let bytes = read_limited(&data[..], 200_000, 0).expect("at the limit");
        assert_eq!(bytes, data);
        assert!(bytes.capacity() <= 200_000, "{}", bytes.capacity());
    }

    #[test]
    fn expected_length_sizes_the_buffer() {
        let data = vec![1u8; 10_000];
        let bytes = read_limited(&data[..], 1 << 20, 10_000).expect("read");
        assert_eq!(bytes.len(), 10_000);
        assert_eq!(bytes.capacity(), 10_000);
    }

    #[test]
    fn sizes_are_formatted_in_binary_units() {
        assert_eq!(format_size(1 << 30), "1 GiB (1073741824 bytes)");
        assert_eq!(format_size(3 << 20), "3 MiB (3145728 bytes)");
        assert_eq!(format_size(999), "999 bytes");
        assert_eq!(format_size(1500), "1500 bytes");
    }
}
