//! JSON-RPC over stdio with `Content-Length` framing, forgiving on input: a
//! bad header, bad JSON or a wrong length is logged and skipped, and reading
//! goes on at the next header, so that bad input never ends the server.
//!
//! It frames and parses messages; it does not know what any message means
//! (beyond `exit`, after which it stops reading stdin).

use std::io::{self, BufRead, Read, Write};
use std::thread;

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Connection, Message, Notification, RequestId};
use serde_json::{json, Value};

use super::body;

/// The method of the notification the reader sends to the main loop when a
/// message had an id but was not a valid request, so that the loop answers
/// `InvalidRequest` to it (only the main loop writes responses).
pub(crate) const INVALID_MESSAGE_METHOD: &str = "$/kubeLsp/invalidMessage";

/// A header line longer than this is junk, not a header; reading it whole
/// could fill the memory with a binary stream that has no line break.
const MAX_HEADER_LINE: u64 = 4096;

/// The reader and writer threads of a stdio connection.
pub(crate) struct StdioThreads {
    writer: thread::JoinHandle<()>,
}

impl StdioThreads {
    /// Waits until every message sent so far is written to stdout. Call after
    /// every `Sender` of the connection is dropped, or it waits forever. The
    /// reader is not joined: it may be blocked on stdin, and the process is
    /// about to end anyway.
    pub(crate) fn join_writer(self) {
        if self.writer.join().is_err() {
            tracing::error!("the stdout writer thread panicked");
        }
    }
}

pub(crate) fn stdio() -> io::Result<(Connection, StdioThreads)> {
    // Unbounded both ways: messages already read must be visible to the main
    // loop (to see a `$/cancelRequest` behind the request it cancels), and the
    // main loop must never block on a client that is slow to read.
    let (reader_sender, reader_receiver) = crossbeam_channel::unbounded::<Message>();
    let (writer_sender, writer_receiver) = crossbeam_channel::unbounded::<Message>();
    thread::Builder::new().name("kube-lsp stdin".to_owned()).spawn(move || {
        let stdin = io::stdin();
        read_messages(&mut stdin.lock(), &reader_sender);
    })?;
    let writer = thread::Builder::new().name("kube-lsp stdout".to_owned()).spawn(move || {
        let stdout = io::stdout();
        grow_pipe(&stdout);
        write_messages(&mut Frames::new(raw_stdout(&stdout)), &writer_receiver);
    })?;
    Ok((Connection { sender: writer_sender, receiver: reader_receiver }, StdioThreads { writer }))
}

/// Stdout without the line buffer of `io::Stdout`, which writes a frame's
/// header and body in two writes (it flushes at the header's line break).
#[cfg(unix)]
fn raw_stdout(stdout: &io::Stdout) -> Box<dyn Write + Send> {
    use std::os::fd::AsFd;
    match stdout.as_fd().try_clone_to_owned() {
        Ok(fd) => Box::new(std::fs::File::from(fd)),
        Err(error) => {
            tracing::debug!("stdout stays line-buffered: {error}");
            Box::new(io::stdout())
        }
    }
}

#[cfg(not(unix))]
fn raw_stdout(_: &io::Stdout) -> Box<dyn Write + Send> {
    Box::new(io::stdout())
}

/// A pipe of 1 MiB (Linux's limit for an unprivileged process) instead of
/// 64 KiB takes a whole code lens list or diagnostics publish of a large
/// file in one write: the writer does not wait for the client to read each
/// 64 KiB, and the client reads the answer in one go.
#[cfg(target_os = "linux")]
fn grow_pipe(stdout: &io::Stdout) {
    use std::os::fd::AsFd;
    // Not a pipe (a file, a terminal, a socket): nothing to grow.
    match rustix::pipe::fcntl_setpipe_size(stdout.as_fd(), 1 << 20) {
        Ok(size) => tracing::debug!("stdout pipe holds {size} bytes"),
        Err(error) => tracing::debug!("stdout pipe keeps its size: {error}"),
    }
}

#[cfg(not(target_os = "linux"))]
fn grow_pipe(_: &io::Stdout) {}

/// Writes each frame, header and body, in one write: small writes (the
/// header, a small body) wait for `flush`, which ends every message, and a
/// large body goes out together with what waits, without a copy. The client
/// then wakes once per message, not once for the header and again for the
/// body.
struct Frames<W: Write> {
    output: W,
    waiting: Vec<u8>,
}

impl<W: Write> Frames<W> {
    /// Larger writes are not copied.
    const SMALL: usize = 16 * 1024;

    fn new(output: W) -> Frames<W> {
        Frames { output, waiting: Vec::with_capacity(Self::SMALL) }
    }
}

impl<W: Write> Write for Frames<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.waiting.len() + bytes.len() <= Self::SMALL {
            self.waiting.extend_from_slice(bytes);
            return Ok(bytes.len());
        }
        let mut slices = [io::IoSlice::new(&self.waiting), io::IoSlice::new(bytes)];
        let mut slices = &mut slices[..];
        // Drops the first slice when nothing waits: no empty slice is written.
        io::IoSlice::advance_slices(&mut slices, 0);
        while !slices.is_empty() {
            match self.output.write_vectored(slices) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(written) => io::IoSlice::advance_slices(&mut slices, written),
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        }
        self.waiting.clear();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.output.write_all(&self.waiting)?;
        self.waiting.clear();
        self.output.flush()
    }
}

/// Reads messages until end of input, `exit`, or the main loop is gone.
pub(crate) fn read_messages(input: &mut impl BufRead, sender: &Sender<Message>) {
    loop {
        let body = match read_frame(input) {
            Ok(Some(body)) => body,
            Ok(None) => {
                tracing::info!("end of input");
                return;
            }
            Err(error) => {
                tracing::error!("cannot read stdin: {error}");
                return;
            }
        };
        let message = match parse_message(&body) {
            Ok(message) => message,
            Err(problem) => {
                tracing::warn!("skipping a malformed message: {}", problem.reason);
                match problem.id {
                    Some(id) => Message::Notification(Notification::new(
                        INVALID_MESSAGE_METHOD.to_owned(),
                        json!({"id": id, "message": problem.reason}),
                    )),
                    None => continue,
                }
            }
        };
        let is_exit = matches!(&message, Message::Notification(notification) if notification.method == "exit");
        if sender.send(message).is_err() {
            return;
        }
        if is_exit {
            return;
        }
    }
}

fn write_messages(output: &mut impl Write, receiver: &Receiver<Message>) {
    for message in receiver {
        let written = match &message {
            // A body the main loop serialised itself (`body`): written as it is.
            Message::Notification(notification) if notification.method == body::BODY_METHOD => {
                match notification.params.as_str() {
                    Some(body) => write_body(output, body),
                    None => Ok(()),
                }
            }
            _ => message.write(output),
        };
        if let Err(error) = written {
            // The client is gone; the main loop notices when its next send
            // fails, since this receiver is dropped on return.
            tracing::error!("cannot write stdout: {error}");
            return;
        }
    }
}

/// One frame, framed as `lsp_server` frames its messages.
fn write_body(output: &mut impl Write, body: &str) -> io::Result<()> {
    write!(output, "Content-Length: {}\r\n\r\n", body.len())?;
    output.write_all(body.as_bytes())?;
    output.flush()
}

/// One message body, `None` at the end of input. Header blocks without a
/// usable `Content-Length` and junk between messages are logged and skipped.
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut content_length: Option<usize> = None;
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = input.by_ref().take(MAX_HEADER_LINE).read_until(b'\n', &mut line)?;
        if read == 0 {
            return Ok(None);
        }
        let complete_line = line.ends_with(b"\n");
        let content = trim_line_break(&line);
        if content.is_empty() && complete_line {
            match content_length {
                Some(length) => break read_body(input, length),
                // A blank line with no header before it: junk between messages.
                None => continue,
            }
        }
        match find_content_length(content) {
            Some(Ok(length)) => content_length = Some(length),
            Some(Err(())) => {
                tracing::warn!("skipping a malformed header: {:?}", String::from_utf8_lossy(content));
                content_length = None;
            }
            None if is_header(content) && complete_line => {}
            None => {
                tracing::warn!("skipping junk on stdin: {:?}", String::from_utf8_lossy(content));
                content_length = None;
            }
        }
    }
}

fn read_body(input: &mut impl BufRead, length: usize) -> io::Result<Option<Vec<u8>>> {
    // Read as the bytes come rather than allocating `length` up front: a
    // wrong length must not reserve gigabytes.
    let mut body = Vec::with_capacity(length.min(1 << 20));
    input.by_ref().take(length as u64).read_to_end(&mut body)?;
    if body.len() < length {
        tracing::warn!("end of input inside a message ({} of {length} bytes)", body.len());
        return Ok(None);
    }
    Ok(Some(body))
}

fn trim_line_break(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// `Some` when the line holds a `Content-Length` header, anywhere in it: the
/// rest of a message whose length was too short may sit before the next
/// header on the same line, and the header is still good.
fn find_content_length(line: &[u8]) -> Option<Result<usize, ()>> {
    const NAME: &[u8] = b"content-length:";
    let start = line.windows(NAME.len()).position(|window| window.eq_ignore_ascii_case(NAME))?;
    let value = &line[start + NAME.len()..];
    let value = std::str::from_utf8(value).map_err(|_| ());
    Some(value.and_then(|value| value.trim().parse::<usize>().map_err(|_| ())))
}

/// `Name: value` with a token for a name, such as `Content-Type: ...`.
fn is_header(line: &[u8]) -> bool {
    match line.iter().position(|&byte| byte == b':') {
        Some(colon) if colon > 0 => {
            line[..colon].iter().all(|&byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
        }
        _ => false,
    }
}

struct Malformed {
    /// The id of a message that looked like a request, to answer.
    id: Option<RequestId>,
    reason: String,
}

fn parse_message(body: &[u8]) -> Result<Message, Malformed> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|error| Malformed { id: None, reason: format!("invalid JSON ({error}): {:?}", preview(body)) })?;
    let id = value.get("id").and_then(|id| serde_json::from_value::<RequestId>(id.clone()).ok());
    serde_json::from_value::<Message>(value)
        .map_err(|error| Malformed { id, reason: format!("not a JSON-RPC message ({error}): {:?}", preview(body)) })
}

fn preview(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    match text.char_indices().nth(200) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &str) -> Vec<String> {
        let (sender, receiver) = crossbeam_channel::unbounded();
        read_messages(&mut input.as_bytes(), &sender);
        drop(sender);
        receiver
            .iter()
            .map(|message| match message {
                Message::Request(request) => format!("request {} {}", request.id, request.method),
                Message::Notification(notification) => format!("notification {}", notification.method),
                Message::Response(response) => format!("response {}", response.id),
            })
            .collect()
    }

    #[test]
    fn a_serialised_body_is_written_as_it_is_between_the_other_messages() {
        let (sender, receiver) = crossbeam_channel::unbounded();
        let body = r#"{"jsonrpc":"2.0","id":1,"result":[]}"#;
        for message in [
            Notification::new("first".to_owned(), json!({})).into(),
            body::for_stdout(body.to_owned()),
            Notification::new("exit".to_owned(), json!(null)).into(),
        ] {
            sender.send(message).expect("the receiver is alive");
        }
        drop(sender);
        let mut written = Vec::new();
        write_messages(&mut written, &receiver);
        let written = String::from_utf8(written).expect("UTF-8");
        assert!(written.contains(&frame(body)), "{written}");
        assert_eq!(read_all(&written), ["notification first", "response 1", "notification exit"]);
    }

    /// A pipe that takes at most `at_most` bytes per write, and keeps each
    /// write's bytes apart.
    struct Pipe {
        at_most: usize,
        writes: Vec<Vec<u8>>,
    }

    impl Write for Pipe {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.write_vectored(&[io::IoSlice::new(bytes)])
        }

        fn write_vectored(&mut self, slices: &[io::IoSlice<'_>]) -> io::Result<usize> {
            let taken: Vec<u8> = slices.iter().flat_map(|slice| slice.iter().copied()).take(self.at_most).collect();
            let written = taken.len();
            self.writes.push(taken);
            Ok(written)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn write_through(at_most: usize, bodies: &[String]) -> Vec<Vec<u8>> {
        let (sender, receiver) = crossbeam_channel::unbounded();
        for body in bodies {
            sender.send(body::for_stdout(body.clone())).expect("the receiver is alive");
        }
        drop(sender);
        let mut frames = Frames::new(Pipe { at_most, writes: Vec::new() });
        write_messages(&mut frames, &receiver);
        frames.output.writes
    }

    #[test]
    fn each_frame_is_one_write_header_and_body() {
        let small = r#"{"jsonrpc":"2.0","id":1,"result":null}"#.to_owned();
        let large = format!(r#"{{"jsonrpc":"2.0","id":2,"result":"{}"}}"#, "x".repeat(3 * Frames::<Pipe>::SMALL));
        let writes = write_through(usize::MAX, &[small.clone(), large.clone(), small.clone()]);
        let frames: Vec<String> = writes.iter().map(|write| String::from_utf8_lossy(write).into_owned()).collect();
        assert_eq!(frames, [frame(&small), frame(&large), frame(&small)]);
    }

    #[test]
    fn a_pipe_that_takes_part_of_a_write_gets_the_rest_in_order() {
        let large = format!(r#"{{"jsonrpc":"2.0","id":2,"result":"{}"}}"#, "0123456789".repeat(Frames::<Pipe>::SMALL));
        let small = r#"{"jsonrpc":"2.0","id":3,"result":null}"#.to_owned();
        let writes = write_through(4096, &[large.clone(), small.clone()]);
        assert!(writes.len() > large.len() / 4096, "{} writes", writes.len());
        assert_eq!(String::from_utf8(writes.concat()).expect("UTF-8"), frame(&large) + &frame(&small));
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn reads_well_framed_messages_and_stops_after_exit() {
        let input = [
            frame(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#),
            format!(
                "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n{}",
                frame(r#"{"jsonrpc":"2.0","method":"exit"}"#)
            ),
            frame(r#"{"jsonrpc":"2.0","id":2,"method":"never-read"}"#),
        ]
        .concat();
        assert_eq!(read_all(&input), ["request 1 initialize", "notification exit"]);
    }

    #[test]
    fn skips_garbage_bad_json_and_wrong_lengths() {
        let good = frame(r#"{"jsonrpc":"2.0","id":7,"method":"shutdown"}"#);
        let short = r#"{"jsonrpc":"2.0","id":3,"method":"x"}"#;
        let input = [
            "garbage without a header\r\n\r\n".to_owned(),
            "Content-Length: lots\r\n\r\n".to_owned(),
            frame("{not json"),
            frame(r#"{"jsonrpc":"2.0","id":5}"#),
            format!("Content-Length: {}\r\n\r\n{short}", short.len() - 5),
            good,
        ]
        .concat();
        assert_eq!(
            read_all(&input),
            [format!("notification {INVALID_MESSAGE_METHOD}"), "request 7 shutdown".to_owned()]
        );
    }

    #[test]
    fn a_truncated_message_is_the_end_of_input() {
        assert_eq!(read_all("Content-Length: 100\r\n\r\n{\"jsonrpc\""), Vec::<String>::new());
        assert_eq!(read_all(&"x".repeat(100_000)), Vec::<String>::new());
    }
}
