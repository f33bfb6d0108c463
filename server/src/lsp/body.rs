//! Responses serialised straight from the handler's result to the JSON-RPC
//! body, without the `serde_json::Value` tree that `lsp_server::Response`
//! holds. For the answers that can be large: `textDocument/codeLens` has no
//! range in the protocol, so it lists every lens of a document (1,616 in the
//! benchmark's 5 MiB file), and a tree of that many small maps costs more to
//! build, write and free than the answer costs to work out.
//!
//! The body travels to the stdout writer inside a notification of the
//! private method [`BODY_METHOD`], whose `params` is the body as one string;
//! the writer (`transport::write_messages`) writes it as it is. Any other
//! connection (the tests' in-memory one) gets the body parsed back into an
//! ordinary message, so that it sees what a stdio client would.

use lsp_server::{Message, Notification, RequestId, Response, ResponseError};
use serde::Serialize;

/// The method of the notification that carries a serialised body from the
/// main loop to the stdout writer. It never reaches a client.
pub(crate) const BODY_METHOD: &str = "$/kubeLsp/serialisedBody";

/// What a request's answer is when it is serialised by the handler: the
/// body, or (for bad params, a failed handler or a result that cannot be
/// serialised) an ordinary response.
pub(crate) enum Answer {
    Body(String),
    Response(Response),
}

/// The body of the success response to `id`.
pub(crate) fn success(id: &RequestId, result: &impl Serialize) -> Answer {
    #[derive(Serialize)]
    struct Success<'a, T> {
        jsonrpc: &'static str,
        id: &'a RequestId,
        result: &'a T,
    }
    match serde_json::to_string(&Success { jsonrpc: "2.0", id, result }) {
        Ok(body) => Answer::Body(body),
        Err(error) => Answer::Response(Response {
            id: id.clone(),
            response_result: Err(ResponseError {
                code: lsp_server::ErrorCode::InternalError as i32,
                message: format!("cannot serialise the answer: {error}"),
                data: None,
            }),
        }),
    }
}

/// The message that carries `body` to the stdout writer.
pub(crate) fn for_stdout(body: String) -> Message {
    Notification { method: BODY_METHOD.to_owned(), params: serde_json::Value::String(body) }.into()
}

/// `body` as the message a client reads from it, for a connection that is
/// not the stdout writer.
pub(crate) fn parsed(body: &str) -> Result<Message, serde_json::Error> {
    serde_json::from_str(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_success_body_is_the_response_a_client_reads() {
        let id = RequestId::from(7);
        let Answer::Body(body) = success(&id, &vec![serde_json::json!({"range": null})]) else {
            panic!("a body");
        };
        assert_eq!(body, r#"{"jsonrpc":"2.0","id":7,"result":[{"range":null}]}"#);
        let Ok(Message::Response(response)) = parsed(&body) else { panic!("a response: {body}") };
        assert_eq!(response.id, id);
        assert_eq!(response.response_result.ok(), Some(serde_json::json!([{"range": null}])));
    }

    #[test]
    fn a_null_result_is_written_as_null() {
        let Answer::Body(body) = success(&RequestId::from("a".to_owned()), &None::<Vec<u8>>) else {
            panic!("a body");
        };
        assert_eq!(body, r#"{"jsonrpc":"2.0","id":"a","result":null}"#);
    }
}
