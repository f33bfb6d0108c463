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

/// The method of the notification that carries a serialised body from the
/// main loop to the stdout writer. It never reaches a client.
pub(crate) const BODY_METHOD: &str = "$/kubeLsp/serialisedBody";

/// What a request's answer is when the handler serialises it: the body, or
/// (bad params, a failed handler) an ordinary response.
pub(crate) enum Answer {
    Body(String),
    Response(Response),
}

/// The body of the success response to `id` whose result is `result_json`,
/// already serialised (`null` when `None`).
pub(crate) fn success_json(id: &RequestId, result_json: Option<&str>) -> Answer {
    match serde_json::to_string(id) {
        Ok(id) => Answer::Body(format!(r#"{{"jsonrpc":"2.0","id":{id},"result":{}}}"#, result_json.unwrap_or("null"))),
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

/// The message that sends `body`: for the stdout writer (`writes_bodies`),
/// the body as it is (`for_stdout`); for any other connection, parsed back.
pub(crate) fn message(body: String, writes_bodies: bool) -> Result<Message, serde_json::Error> {
    if writes_bodies {
        Ok(for_stdout(body))
    } else {
        parsed(&body)
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
    fn a_serialised_result_is_spliced_in_as_it_is() {
        let Answer::Body(body) = success_json(&RequestId::from(3), Some(r#"[{"a":1}]"#)) else { panic!("a body") };
        assert_eq!(body, r#"{"jsonrpc":"2.0","id":3,"result":[{"a":1}]}"#);
        let Ok(Message::Response(response)) = parsed(&body) else { panic!("a response: {body}") };
        assert_eq!(response.response_result.ok(), Some(serde_json::json!([{"a": 1}])));
        let Answer::Body(body) = success_json(&RequestId::from("x\"y".to_owned()), None) else { panic!("a body") };
        assert_eq!(body, r#"{"jsonrpc":"2.0","id":"x\"y","result":null}"#);
    }
}
